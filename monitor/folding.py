"""How text is folded for matching, with a way back to offsets in the original text.

Words are compared whole, case-insensitively and with Unicode folded: NFKC, casefold, accents
removed (``é`` is ``e``, ``İ`` is ``i``).  A word is a run of letters, digits and their combining
marks; everything else separates words.  Chinese and Japanese characters are one word each, so a
query in those scripts matches as a substring.

`fold_segment` turns a text into `Folded`: its words, lower-cased and folded, each preceded and
followed by exactly one space (``" japan s ai "`` for "Japan's AI"), so that a search for
``" japan "`` finds the whole word and ``" japan display "`` the phrase whatever lay between the
words.  Folding is one ``str.translate`` (a C loop) plus a split and a join; the way back to the
original offsets is worked out only when a span is asked for.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field
from itertools import accumulate
from operator import sub

__all__ = ["Folded", "fold", "fold_segment", "words"]

# Combining marks that folding drops: the diacritics of Latin, Greek and Cyrillic scripts.  Marks
# that are part of other scripts' letters (Devanagari vowel signs, viramas) are kept.
_ACCENTS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_SPECIAL_FOLDS = str.maketrans({"\u0131": "i"})  # dotless i, whose capital is I
_CJK = re.compile(
    "[\u3005\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]"
)
_NON_ASCII_RUN = re.compile("([^\x00-\x7f]+)")
_RUNS = re.compile("  +")
_BYTE_RUNS = re.compile(b"  +")


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
_ASCII_BYTE_TABLE = bytes(ord(_ASCII[b]) if b < 128 else b for b in range(256))


@dataclass
class Folded:
    """One text folded: `text` is ``" w1 w2 ... "``; offsets map back to `original`."""

    original: str
    text: str
    _spaced: str  # the translated text before runs of spaces were collapsed
    # characters whose folded form is not one character: folded offsets, and for each its
    # (original offset, folded length, folded minus original offset after it)
    _resized_at: list[int]
    _resized: list[tuple[int, int, int]]
    _cuts: list[int] | None = field(default=None)  # collapsed offsets after each run of spaces
    _dropped: list[int] = field(default_factory=list)  # spaces dropped up to each cut

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The original offsets of the words in text[start:end] (no leading/trailing space)."""
        begin = self._to_original(self._uncollapse(start) - 1)
        last = self._to_original(self._uncollapse(end - 1) - 1) + 1
        while last < len(self.original) and _TABLE[ord(self.original[last])] == "":
            last += 1  # a dropped accent after the word belongs to it
        return begin, last

    def _uncollapse(self, at: int) -> int:
        if self._cuts is None:
            # Each run of 2+ spaces became one space: after it, collapsed offsets are behind
            # the spaced ones by the spaces dropped so far.
            runs = [m.span() for m in _RUNS.finditer(" " + self._spaced + " ")]
            self._dropped = list(accumulate(end - start - 1 for start, end in runs))
            self._cuts = list(map(sub, (end for _, end in runs), self._dropped))
        k = bisect.bisect_right(self._cuts, at) - 1
        return at + self._dropped[k] if k >= 0 else at

    def _to_original(self, at: int) -> int:
        k = bisect.bisect_right(self._resized_at, at) - 1
        if k < 0:
            return at
        original_at, length, shift = self._resized[k]
        if at < self._resized_at[k] + length:
            return original_at
        return at - shift


def fold_segment(text: str) -> Folded:
    """Fold `text` for matching (see the module's docstring)."""
    if text.isascii():
        spaced = text.translate(_ASCII)
        return Folded(text, " " + " ".join(spaced.split()) + " ", spaced, [], [])
    quick = _fold_bytes(text)
    if quick is not None:
        return quick
    # ASCII stretches take translate's fast path; the rest goes through the full table.
    parts = _NON_ASCII_RUN.split(text)
    out: list[str] = []
    resized_at: list[int] = []
    resized: list[tuple[int, int, int]] = []
    at = shift = 0  # offset in text; folded offset minus original offset so far
    for number, part in enumerate(parts):
        if number % 2 == 0:
            out.append(part.translate(_ASCII))
        else:
            folded = part.translate(_TABLE)
            out.append(folded)
            if len(folded) != len(part) or _ACCENTS.search(part):
                for k, c in enumerate(part):
                    length = len(_TABLE[ord(c)])
                    if length != 1:
                        folded_at = at + k + shift
                        shift += length - 1
                        resized_at.append(folded_at)
                        resized.append((at + k, length, shift))
        at += len(part)
    spaced = "".join(out)
    return Folded(text, " " + " ".join(spaced.split()) + " ", spaced, resized_at, resized)


def _fold_bytes(text: str) -> Folded | None:
    """The fold of a text whose non-ASCII characters each fold to one ASCII character (curly
    quotes, dashes, accented Latin letters), done on its UTF-8 bytes in a few C passes; None
    for any other text."""
    data = text.encode("utf-8")
    for c in set(data.translate(None, _ASCII_BYTES).decode("utf-8")):
        folded = _TABLE[ord(c)]
        if len(folded) != 1 or not folded.isascii():
            return None
        data = data.replace(c.encode("utf-8"), folded.encode("ascii"))
    spaced = data.translate(_ASCII_BYTE_TABLE)
    collapsed = _BYTE_RUNS.sub(b" ", b" " + spaced + b" ")
    return Folded(text, collapsed.decode("ascii"), spaced.decode("ascii"), [], [])


def words(text: str) -> tuple[str, ...]:
    """The folded words of text, as the matcher sees them."""
    return tuple(fold_segment(text).text.split())
