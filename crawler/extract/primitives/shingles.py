"""Compare texts the way the extraction benchmark does: \\w+ words, 4-word shingles."""

from __future__ import annotations

import re
import unicodedata

_TOKEN = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """The \\w+ words of `text` after NFC (so a decomposed "ü" is one letter, as on screen)."""
    return _TOKEN.findall(unicodedata.normalize("NFC", text))


class Reference:
    """A text that blocks are checked against: how much of a block does it hold?"""

    def __init__(self, text: str) -> None:
        tokens = words(text)
        self._joined = f" {' '.join(tokens)} "
        self._shingles = {tuple(tokens[i : i + 4]) for i in range(len(tokens) - 3)}
        self._coverage: dict[str, float] = {}  # readers ask again about the same blocks

    def coverage(self, text: str) -> float:
        """The share of the text's 4-word shingles found in the reference, 0 to 1.

        Texts under four words count as covered when they appear whole.
        """
        known = self._coverage.get(text)
        if known is None:
            known = self._coverage[text] = self._measure(text)
        return known

    def _measure(self, text: str) -> float:
        tokens = words(text)
        if len(tokens) < 4:
            return 1.0 if tokens and f" {' '.join(tokens)} " in self._joined else 0.0
        shingles = [tuple(tokens[i : i + 4]) for i in range(len(tokens) - 3)]
        return sum(1 for s in shingles if s in self._shingles) / len(shingles)
