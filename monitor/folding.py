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
otherwise it is encoded once to find its other non-ASCII characters (sorted by kind with set
operations against sets that the table of folded characters fills), those folded to one other
character each replaced in one ``str.replace``, and its ASCII part folded by one
``bytes.translate``.  Only characters whose folded form is not one character need a Python step
and an entry in the offset map: each ``ß``, ligature or lone combining mark, and each run of
Chinese and Japanese characters (each set apart by spaces: the run is joined in one step).
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
    """Code point -> folded string, filled on first sight of each character, which is also
    added to the sets of its kind (so that a text's characters are sorted by set operations)."""

    def __missing__(self, cp: int) -> str:
        c = chr(cp)
        value = self[cp] = _fold_char(c)
        _SEEN.add(c)
        if len(value) != 1:
            _RESIZING.add(c)
            if value == f" {c} ":
                _PLAIN_CJK.add(c)
        elif value != c:
            _CHANGED.add(c)
        if _CJK.match(c):
            _IN_CJK_RANGES.add(c)
        return value


_SEEN: set[str] = set()  # the characters in _TABLE
_CHANGED: set[str] = set()  # folded to one other character
_RESIZING: set[str] = set()  # folded to none or more than one
_PLAIN_CJK: set[str] = set()  # Chinese and Japanese characters folded to themselves, spaced
_IN_CJK_RANGES: set[str] = set()  # any character in those ranges


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
    # runs of characters whose folded form is not one character: their folded offsets (without
    # the leading space), and for each (original offset, number of characters, folded length of
    # each, folded minus original offset after the run).  A run is one character (ß, a
    # ligature, a dropped accent) or consecutive Chinese and Japanese characters, each folded
    # to itself set apart by spaces (3 characters).
    _resized_at: Sequence[int] = ()
    _resized: Sequence[tuple[int, int, int, int]] = ()
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
        if k < 0:
            return at + 1
        original_at, count, width, shift = self._resized[k]
        if at < original_at + count:  # within a run, after its first character
            return self._resized_at[k] + (at - original_at) * width + 1
        return at + 1 + shift

    def _to_original(self, at: int) -> int:
        k = bisect.bisect_right(self._resized_at, at) - 1
        if k < 0:
            return at
        original_at, count, width, shift = self._resized[k]
        inside = at - self._resized_at[k]
        if inside < count * width:
            return original_at + inside // width
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
def _splitter(chars: frozenset[str], cjk: str) -> re.Pattern[str]:
    """A regex that splits a text at each of `chars` (the few characters outside the Chinese
    and Japanese ranges whose folded form is not one character: ß, ligatures, lone accents) and
    at each run of Chinese and Japanese characters (`cjk` "+"), each one alone ("1") or none
    (""), so that a few patterns serve every text."""
    alternatives = []
    if chars:
        alternatives.append("[" + "".join(re.escape(c) for c in sorted(chars)) + "]")
    if cjk:
        alternatives.append(f"[{_CJK_RANGES}]" + ("+" if cjk == "+" else ""))
    return re.compile("(" + "|".join(alternatives) + ")")


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
    for c in others - _SEEN:  # each character's kind, on first sight
        _TABLE[ord(c)]
    for c in others & _CHANGED:  # one character for one: a C loop, no search
        text = text.replace(c, _TABLE[ord(c)])
    resizing = others & _RESIZING
    resized_at: list[int] = []
    resized: list[tuple[int, int, int, int]] = []
    original_at: list[int] = []
    if resizing:
        # split at runs of Chinese and Japanese characters that fold to themselves (a few
        # patterns serve every text) and at each other resizing character; the offset map has
        # one entry for each
        odd = resizing - _PLAIN_CJK
        # CJK characters in runs, or each alone when some of them fold to something else
        cjk = "" if not resizing & _IN_CJK_RANGES else "+" if not odd & _IN_CJK_RANGES else "1"
        pattern = _splitter(frozenset(odd - _IN_CJK_RANGES), cjk)
        parts = pattern.split(text)
        at = shift = 0  # offset in the original; folded offset minus original offset so far
        table = _TABLE
        for number in range(1, len(parts), 2):
            at += len(parts[number - 1])
            part = parts[number]
            count = len(part)
            if part[0] in _PLAIN_CJK:
                parts[number] = " " + "  ".join(part) + " "
                width = 3
            else:
                parts[number] = table[ord(part)]
                width = len(parts[number])
            resized_at.append(at + shift)
            original_at.append(at)
            shift += (width - 1) * count
            resized.append((at, count, width, shift))
            at += count
        text = "".join(parts)
    if text.isascii():  # what most texts are once their curly quotes and dashes are replaced
        spaced = text.translate(_ASCII)
    else:
        data = text.encode("utf-8", "surrogatepass").translate(_BYTE_TABLE)
        spaced = data.decode("utf-8", "surrogatepass")
    return Folded(original, " " + spaced + " ", resized_at, resized, original_at)


def words(text: str) -> tuple[str, ...]:
    """The folded words of text, as the matcher sees them."""
    return tuple(fold_segment(text).text.split())
