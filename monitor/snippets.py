"""Highlighted snippets: about ``width`` characters of a text around the spans that matched."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = ["Snippet", "snippet"]

_SPACE = re.compile(r"\S+")


@dataclass(frozen=True)
class Snippet:
    """An excerpt of a text, with the marked ranges as offsets into the excerpt."""

    text: str
    marks: tuple[tuple[int, int], ...]


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
    spans = [(s, e) for s, e in spans if 0 <= s < e <= len(text)]
    cut_before = cut_after = False
    if spans and len(text) > 16 * width:
        # Only the text near the first span can be shown: collapse just that stretch.
        s0 = min(s for s, _ in spans)
        e0 = max(e for s, e in spans if s == s0)
        lo, hi = max(0, s0 - 4 * width), min(len(text), e0 + 4 * width)
        while lo > 0 and not text[lo - 1].isspace():
            lo -= 1
        while hi < len(text) and not text[hi].isspace():
            hi += 1
        cut_before, cut_after = bool(text[:lo].strip()), bool(text[hi:].strip())
        spans = [(s - lo, e - lo) for s, e in spans if e <= hi]
        text = text[lo:hi]
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

    marks = _merge((first_char(s), after_last_char(e)) for s, e in spans)
    marks = [(s, e) for s, e in marks if s < e]
    begin, end = _window(flat, marks[0] if marks else (0, 0), width)
    kept = tuple((s - begin, e - begin) for s, e in marks if begin <= s and e <= end)
    prefix = "…" if begin > 0 or cut_before else ""
    suffix = "…" if end < len(flat) or cut_after else ""
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
