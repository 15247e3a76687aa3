"""What counts as a change a reader would see, and how a change is shown (pure functions).

An article's identity of content is its reader text: headline, standfirst and body with white
space folded and page furniture that changes on every visit (relative times, counters of comments
or shares, "advertisement") left out. Two fetches with the same reader text are the same revision.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import unicodedata

# A paragraph that is only a relative time, a counter or a label: it changes on every visit.
_FURNITURE = re.compile(
    r"""^(?:
        (?:updated|posted|published|last\ updated)?\s*[:\-]?\s*
            (?:\d+|an?|one)\s+(?:second|minute|min|hour|hr|day|week|month)s?\s+ago
      | \d[\d.,]*\s*[kKmM]?\s+(?:comments?|shares?|views?|reads?|likes?|responses?|replies)
      | (?:advertisement|sponsored|share|share\ this(?:\ article|\ story)?|read\ more|comments?)
    )[.!:]?$""",
    re.IGNORECASE | re.VERBOSE,
)
_FURNITURE_MAX = 60  # longer paragraphs are prose, never furniture
_WORD = re.compile(r"\w+")


def _fold(raw: str) -> str:
    """One line with its runs of white space folded to one space and its ends trimmed. Most
    lines are so already: a printable string has no white space but the space character."""
    if raw.isprintable() and "  " not in raw and raw[:1] != " " and raw[-1:] != " ":
        return raw
    return " ".join(raw.split())


def _paragraphs(text: str | None) -> list[str]:
    if not text:
        return []
    folded = unicodedata.normalize("NFKC", text)
    out = []
    for raw in folded.split("\n"):
        line = _fold(raw)
        if line and (len(line) > _FURNITURE_MAX or not _FURNITURE.match(line)):
            out.append(line)
    return out


def reader_text(title: str, subtitle: str | None, body: str) -> str:
    """The text a reader sees, normalised so that only real edits change it."""
    return "\n".join([*_paragraphs(title), *_paragraphs(subtitle), *_paragraphs(body)])


def content_hash(title: str, subtitle: str | None, body: str) -> str:
    """A hash of the reader text: equal hashes mean no change a reader would notice."""
    return hashlib.sha256(reader_text(title, subtitle, body).encode()).hexdigest()


def word_count(text: str | None) -> int:
    return len(_WORD.findall(text or ""))


def unified_diff(old: str, new: str, *, old_name: str, new_name: str) -> str:
    """A unified diff of two reader texts, one paragraph a line."""
    lines = difflib.unified_diff(
        old.splitlines(), new.splitlines(), fromfile=old_name, tofile=new_name, lineterm=""
    )
    return "\n".join(lines)


def changed_words(old: str, new: str, *, limit: int = 240) -> str:
    """A short word-level account of an edit: `-[removed] +[added]` runs, at most `limit` chars."""
    a, b = old.split(), new.split()
    parts: list[str] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        if i2 > i1:
            parts.append(f"-[{' '.join(a[i1:i2])}]")
        if j2 > j1:
            parts.append(f"+[{' '.join(b[j1:j2])}]")
    text = " ".join(parts)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
