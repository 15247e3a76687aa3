"""Match articles against every watch at once, and cut highlighted snippets.

Words are compared whole, case-insensitively and with Unicode folded: NFKC, casefold, accents
removed (``é`` matches ``e``, ``İ`` matches ``i``).  A word is a run of letters and digits (with
their combining marks); everything else separates words, so ``Japan`` matches ``Japan's``,
``Japan.`` and ``(Japan)`` but not ``Japanese``, and ``Wi-Fi`` is the phrase ``Wi Fi``.  Chinese
and Japanese characters are one word each, so a query in those scripts matches as a substring.
A phrase matches consecutive words of the same field, whatever whitespace or punctuation lies
between them.  NOT applies to the whole article: title and body.

Offsets (``Span``) always refer to the original, unfolded title or body.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from monitor.query import And, Node, Not, Term, positive_terms, unparse

__all__ = ["Hit", "Matcher", "Snippet", "Span", "fold", "snippet", "words"]

Field = Literal["title", "body"]

# Combining marks that folding drops: the diacritics of Latin, Greek and Cyrillic scripts.  Marks
# that are part of other scripts' letters (Devanagari vowel signs, viramas) are kept.
_ACCENTS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_SPECIAL_FOLDS = str.maketrans({"\u0131": "i"})  # dotless i, whose capital is I
_CJK = re.compile(
    "[\u3005\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]"
)
_SPACE = re.compile(r"\S+")


@functools.cache
def _word_pattern() -> re.Pattern[str]:
    """Letters and digits (``[^\\W_]``) plus every combining mark, built once on first use."""
    ranges: list[str] = []
    start = -1
    for cp in [*range(0x40000), *range(0xE0000, 0xE1000), 0x110000]:
        is_mark = cp < 0x110000 and unicodedata.category(chr(cp))[0] == "M"
        if is_mark and start < 0:
            start = cp
        elif not is_mark and start >= 0:
            ranges.append(f"{chr(start)}-{chr(cp - 1)}")
            start = -1
    return re.compile(f"(?:[^\\W_]|[{''.join(ranges)}])+")


def _tokens(text: str) -> Iterator[tuple[int, int]]:
    """The (start, end) offsets of the words of text, in order."""
    for m in _word_pattern().finditer(text):
        start, end = m.span()
        if _CJK.search(text, start, end) is None:
            yield start, end
            continue
        run = start
        for c in _CJK.finditer(text, start, end):
            if run < c.start():
                yield run, c.start()
            yield c.span()
            run = c.end()
        if run < end:
            yield run, end


@functools.lru_cache(maxsize=1 << 16)
def fold(word: str) -> str:
    """The form in which words are compared: NFKC, casefolded, without accents."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", word).casefold())
    folded = _ACCENTS.sub("", unicodedata.normalize("NFD", folded.translate(_SPECIAL_FOLDS)))
    return unicodedata.normalize("NFC", folded)


def words(text: str) -> tuple[str, ...]:
    """The folded words of text, as the matcher sees them."""
    return tuple(w for w in (fold(text[s:e]) for s, e in _tokens(text)) if w)


@dataclass(frozen=True)
class Span:
    """Where a positive term occurred: a field and offsets into its original text."""

    field: Field
    start: int
    end: int


@dataclass(frozen=True)
class Hit:
    """A watch that matched: the positive terms that occurred (canonical text, query order) and
    every place they occurred, title spans first, then body spans, each by offset."""

    watch: str
    terms: tuple[str, ...]
    spans: tuple[Span, ...]


@dataclass(frozen=True)
class Snippet:
    """An excerpt of a text, with the marked ranges as offsets into the excerpt."""

    text: str
    marks: tuple[tuple[int, int], ...]


Key = tuple[str, ...]


@dataclass(frozen=True)
class _Watch:
    name: str
    query: Node
    keys: dict[Term, Key]
    positive: tuple[Term, ...]


class _Article:
    """One article's folded words, indexed by word, built once per match() call."""

    def __init__(self, title: str, body: str) -> None:
        self.fields: list[tuple[Field, list[tuple[int, int]], list[str]]] = []
        self.index: dict[str, list[tuple[int, int]]] = {}  # word -> [(field number, position)]
        texts: tuple[tuple[Field, str], ...] = (("title", title), ("body", body))
        for number, (field, text) in enumerate(texts):
            offsets: list[tuple[int, int]] = []
            folded: list[str] = []
            for s, e in _tokens(text):
                word = fold(text[s:e])
                if word:
                    self.index.setdefault(word, []).append((number, len(folded)))
                    offsets.append((s, e))
                    folded.append(word)
            self.fields.append((field, offsets, folded))

    def find(self, key: Key) -> list[Span]:
        found: list[Span] = []
        for number, pos in self.index.get(key[0], ()):
            field, offsets, folded = self.fields[number]
            if tuple(folded[pos : pos + len(key)]) == key:
                found.append(Span(field, offsets[pos][0], offsets[pos + len(key) - 1][1]))
        return found


def _evaluate(node: Node, present: dict[Term, bool]) -> bool:
    if isinstance(node, Term):
        return present[node]
    if isinstance(node, Not):
        return not _evaluate(node.child, present)
    if isinstance(node, And):
        return all(_evaluate(c, present) for c in node.children)
    return any(_evaluate(c, present) for c in node.children)


def _terms(node: Node) -> Iterator[Term]:
    if isinstance(node, Term):
        yield node
    elif isinstance(node, Not):
        yield from _terms(node.child)
    else:
        for child in node.children:
            yield from _terms(child)


class Matcher:
    """All watches compiled once; match() tells which of them an article satisfies."""

    def __init__(self, watches: Iterable[tuple[str, Node]]) -> None:
        self._watches: list[_Watch] = []
        for name, query in watches:
            keys = {t: tuple(w for word in t.words for w in words(word)) for t in _terms(query)}
            self._watches.append(_Watch(name, query, keys, positive_terms(query)))
        self._keys = sorted({k for w in self._watches for k in w.keys.values() if k})

    def match(self, title: str, body: str) -> list[Hit]:
        """The hits for one article, in the order the watches were given."""
        article = _Article(title, body)
        occurrences = {k: spans for k in self._keys if (spans := article.find(k))}
        hits: list[Hit] = []
        for watch in self._watches:
            present = {t: k in occurrences for t, k in watch.keys.items()}
            if not _evaluate(watch.query, present):
                continue
            found = [t for t in watch.positive if present[t]]
            unique = {s for t in found for s in occurrences[watch.keys[t]]}
            order = sorted(unique, key=lambda s: (s.field != "title", s.start, s.end))
            hits.append(Hit(watch.name, tuple(dict.fromkeys(map(unparse, found))), tuple(order)))
        return hits


def _merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def snippet(text: str, spans: Sequence[tuple[int, int]], *, width: int = 240) -> Snippet:
    """About ``width`` characters of text around its first spans, cut at word boundaries.

    Whitespace is collapsed, "…" shows where the text was cut, and ``marks`` are the spans
    (overlapping ones merged) that fit in the excerpt, as offsets into the excerpt's text.
    """
    # Collapse whitespace, remembering where each chunk of the original went.
    chunks = [(m.start(), m.group()) for m in _SPACE.finditer(text)]
    flat = " ".join(chunk for _, chunk in chunks)
    starts = [start for start, _ in chunks]
    origins: list[int] = []
    at = 0
    for _, chunk in chunks:
        origins.append(at)
        at += len(chunk) + 1

    def first_char(offset: int) -> int:
        k = bisect.bisect_right(starts, offset) - 1
        if k >= 0 and offset < starts[k] + len(chunks[k][1]):
            return origins[k] + offset - starts[k]
        return origins[k + 1] if k + 1 < len(origins) else len(flat)

    def after_last_char(offset: int) -> int:
        k = bisect.bisect_right(starts, offset - 1) - 1
        if k < 0:
            return 0
        return origins[k] + min(offset - starts[k], len(chunks[k][1]))

    marks = _merge((first_char(s), after_last_char(e)) for s, e in spans if 0 <= s < e <= len(text))
    marks = [(s, e) for s, e in marks if s < e]
    begin, end = _window(flat, marks[0] if marks else (0, 0), width)
    kept = tuple((s - begin, e - begin) for s, e in marks if begin <= s and e <= end)
    prefix = "…" if begin > 0 else ""
    suffix = "…" if end < len(flat) else ""
    shift = len(prefix)
    return Snippet(
        prefix + flat[begin:end] + suffix, tuple((s + shift, e + shift) for s, e in kept)
    )


def _window(flat: str, first: tuple[int, int], width: int) -> tuple[int, int]:
    """The [begin, end) of flat to show: about width characters holding the first mark whole."""
    s0, e0 = first
    lead = max(0, (width - (e0 - s0)) // 4)
    begin = max(0, s0 - lead)
    end = max(e0, min(len(flat), begin + width))
    begin = max(0, min(begin, end - width))
    # Cut at word boundaries without cutting into the first mark.
    if begin > 0 and flat[begin - 1] != " ":
        space = flat.find(" ", begin, s0 + 1)
        begin = space + 1 if space >= 0 else flat.rfind(" ", 0, begin) + 1
    if end < len(flat) and flat[end] != " ":
        space = flat.rfind(" ", e0, end)
        if space >= 0:
            end = space
        else:
            space = flat.find(" ", end)
            end = space if space >= 0 else len(flat)
    return begin, end
