"""How text is folded for matching, with a way back to offsets in the original text.

Words are compared whole, case-insensitively and with Unicode folded: NFKC, casefold, accents
removed (``é`` is ``e``, ``İ`` is ``i``).  A word is a run of letters, digits and their combining
marks; everything else separates words.  Chinese and Japanese characters are one word each, so a
query in those scripts matches as a substring.

`fold_segment` turns a text into `Folded`: each character replaced by its folded form, anything
that is not part of a word by a space, with one space added at each end (``" japan s ai  "``
for "Japan's AI."), so that ``" japan "`` finds the whole word.  Runs of spaces are kept, so
that in most texts (every character folding to one character) a folded offset is the original
offset plus one and no map back is needed.

Folding runs in C-level passes: ``str.translate`` for ASCII text.  Other text first has its most
common non-ASCII characters replaced (curly quotes, dashes: one ``str.replace`` each), after which
most news text is ASCII; most of the rest is Latin-1 (German, French, Spanish), encoded so and
decoded byte by byte to each character's folded form (``codecs.charmap_decode``, one C pass);
otherwise it is encoded once to find its other non-ASCII characters,
each replaced in one ``str.replace``, and its ASCII part folded by one ``bytes.translate``.  Only
characters whose folded form is not one character (``ß``, ligatures, Chinese and Japanese
characters, lone combining marks) need a Python step each and an offset map.
"""

from __future__ import annotations

import bisect
import codecs
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["Folded", "fold", "fold_segment", "words"]

# Combining marks that folding drops: the diacritics of Latin, Greek and Cyrillic scripts.  Marks
# that are part of other scripts' letters (Devanagari vowel signs, viramas) are kept.
_ACCENTS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_SPECIAL_FOLDS = str.maketrans({"\u0131": "i"})  # dotless i, whose capital is I
_CJK_RANGES = "\u3005\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
_CJK = re.compile(f"[{_CJK_RANGES}]")


def fold(word: str) -> str:
    """A word in the form in which words are compared: NFKC, casefolded, without accents."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", word).casefold())
    folded = _ACCENTS.sub("", unicodedata.normalize("NFD", folded.translate(_SPECIAL_FOLDS)))
    return unicodedata.normalize("NFC", folded)


def _is_word_char(c: str) -> bool:
    return unicodedata.category(c)[0] in "LNM"


def _fold_char(c: str) -> str:
    """What one character of a text becomes: its folded letters (CJK ones set apart by spaces),
    or a space for anything that is not part of a word."""
    if not _is_word_char(c):
        return " "
    out = []
    for f in fold(c):
        if _CJK.match(f):
            out.append(f" {f} ")
        else:
            out.append(f if _is_word_char(f) else " ")
    return "".join(out)


class _Table(dict[int, str]):
    """Code point -> folded string, filled on first sight of each character."""

    def __missing__(self, cp: int) -> str:
        value = self[cp] = _fold_char(chr(cp))
        return value


_TABLE = _Table()
_ASCII = {cp: _fold_char(chr(cp)) for cp in range(128)}
_ASCII_BYTES = bytes(range(128))
# ASCII bytes folded (every ASCII character folds to one); the bytes of other characters kept.
_BYTE_TABLE = bytes(ord(_ASCII[b]) if b < 128 else b for b in range(256))


@dataclass
class Folded:
    """One text folded: `text` is ``" " + folded + " "``; offsets map back to `original`."""

    original: str
    text: str
    # characters whose folded form is not one character: folded offsets (without the leading
    # space), and for each its (original offset, folded length, folded minus original offset
    # after it)
    _resized_at: Sequence[int] = ()
    _resized: Sequence[tuple[int, int, int]] = ()
    _original_at: Sequence[int] = ()  # the original offsets alone

    @property
    def exact(self) -> bool:
        """Whether every folded offset is the original one plus one (no character resized)."""
        return not self._resized

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The original offsets of the words in text[start:end] (no leading/trailing space)."""
        if not self._resized:
            return start - 1, end - 1
        begin = self._to_original(start - 1)
        last = self._to_original(end - 2) + 1
        while last < len(self.original) and _TABLE[ord(self.original[last])] == "":
            last += 1  # a dropped accent after the word belongs to it
        return begin, last

    def original_offset(self, at: int) -> int:
        """The original offset of the character at folded offset `at`."""
        return self._to_original(at - 1)

    def folded_offset(self, at: int) -> int:
        """The offset in `text` where the original offset `at` begins."""
        k = bisect.bisect_left(self._original_at, at) - 1
        return at + 1 + (self._resized[k][2] if k >= 0 else 0)

    def _to_original(self, at: int) -> int:
        k = bisect.bisect_right(self._resized_at, at) - 1
        if k < 0:
            return at
        original_at, length, shift = self._resized[k]
        if at < self._resized_at[k] + length:
            return original_at
        return at - shift


# The non-ASCII characters most common in news text (curly quotes, dashes, no-break space,
# ellipsis, e acute) and their folded forms; each str.replace is a fast C loop.
_COMMON = tuple(
    (c, _TABLE[ord(c)]) for c in "\u2019\u201c\u201d\u2014\u2013\xa0\u2018\u2026\xe9\u201e"
)


# Latin-1 characters by byte: each folded, those whose folded form is not one character kept.
_LATIN1 = "".join(f if len(f := _TABLE[b]) == 1 else chr(b) for b in range(256))
_LATIN1_RESIZING = "".join(chr(b) for b in range(256) if len(_TABLE[b]) != 1)


@lru_cache(maxsize=256)
def _splitter(chars: frozenset[str], cjk: bool) -> re.Pattern[str]:
    """A regex that splits a text at each of `chars` (the few characters other than Chinese
    and Japanese ones whose folded form is not one character: ß, ligatures, lone accents) and,
    when `cjk`, at each Chinese or Japanese character, so that a few patterns serve every
    text."""
    ranges = _CJK_RANGES if cjk else ""
    return re.compile("([" + ranges + "".join(re.escape(c) for c in sorted(chars)) + "])")


def fold_segment(text: str) -> Folded:
    """Fold `text` for matching (see the module's docstring)."""
    if text.isascii():
        return Folded(text, " " + text.translate(_ASCII) + " ")
    original = text
    for c, folded in _COMMON:  # most texts have no other non-ASCII characters than these
        text = text.replace(c, folded)
    if text.isascii():
        return Folded(original, " " + text.translate(_ASCII) + " ")
    try:
        data = text.encode("latin-1")  # most other European text, once its quotes are replaced
    except UnicodeEncodeError:
        pass
    else:
        # each byte decoded to its character's folded form: one C pass (ß, ¼, ½, ¾ kept)
        text = codecs.charmap_decode(data, "strict", _LATIN1)[0]
        resizing = {c for c in _LATIN1_RESIZING if c in text}
        if not resizing:
            return Folded(original, " " + text + " ")
    data = text.encode("utf-8", "surrogatepass")
    others = set(data.translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass"))
    resizing = {c for c in others if len(_TABLE[ord(c)]) != 1}
    for c in others:
        if c not in resizing:
            folded = _TABLE[ord(c)]
            if folded != c:
                text = text.replace(c, folded)  # one character for one: a C loop, no search
    resized_at: list[int] = []
    resized: list[tuple[int, int, int]] = []
    if resizing:
        out: list[str] = []
        at = shift = 0  # offset in the original; folded offset minus original offset so far
        few = frozenset(c for c in resizing if not _CJK.match(c))
        for number, part in enumerate(_splitter(few, len(few) < len(resizing)).split(text)):
            if number % 2:
                folded = _TABLE[ord(part)]
                out.append(folded)
                resized_at.append(at + shift)
                shift += len(folded) - 1
                resized.append((at, len(folded), shift))
                at += 1
            else:
                out.append(part)
                at += len(part)
        text = "".join(out)
    if text.isascii():  # what most texts are once their curly quotes and dashes are replaced
        spaced = text.translate(_ASCII)
    else:
        data = text.encode("utf-8", "surrogatepass").translate(_BYTE_TABLE)
        spaced = data.decode("utf-8", "surrogatepass")
    return Folded(
        original,
        " " + spaced + " ",
        resized_at,
        resized,
        [r[0] for r in resized],
    )


def words(text: str) -> tuple[str, ...]:
    """The folded words of text, as the matcher sees them."""
    return tuple(fold_segment(text).text.split())
