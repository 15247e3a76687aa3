"""Cut a snippet where the matched terms are densest, showing each matched term once if it fits.

Pure. The matcher reports every place a term occurred; the reader wants to see *why* the
article matched: ideally every matched term, highlighted, in as little text as possible. So:

1. one window of ``width`` characters where the most distinct terms (then the most matches)
   are; if it holds every term, that is the snippet;
2. otherwise the text is cut into two, then three, ... fragments of ``width / n`` characters
   (each at least ``MIN_FRAGMENT``), each placed where it adds the most terms not shown yet,
   joined with "…"; the first split that shows every term wins, else the one that shows most.

A term is identified by the words it matched (case-folded), so ``Japan`` and ``JAPAN`` are one
term. Whitespace is collapsed; "…" marks every cut.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

ELLIPSIS = "…"
MIN_FRAGMENT = 70

Span = tuple[int, int]


@dataclass(frozen=True)
class Excerpt:
    """The snippet text and the marked ranges in it, as [start, end) offsets."""

    text: str
    marks: tuple[Span, ...]


def excerpt(text: str, spans: Sequence[Span], *, width: int = 240) -> Excerpt:
    """About `width` characters of `text` showing the marked `spans` (offsets into `text`)."""
    flat, marks = _collapse(text, spans)
    if len(flat) <= width:
        return Excerpt(flat, tuple(marks))
    if not marks:
        end = _cut_end(flat, 0, width)
        return Excerpt(flat[:end] + ELLIPSIS, ())
    keys = [" ".join(flat[s:e].casefold().split()) for s, e in marks]
    best: list[tuple[int, int]] = []
    best_shown = -1
    for n in range(1, max(1, width // MIN_FRAGMENT) + 1):
        windows = _fragments(flat, marks, keys, n, width // n)
        shown = len({keys[i] for i, m in enumerate(marks) if _inside(m, windows)})
        if shown > best_shown:
            best, best_shown = windows, shown
        if shown == len(set(keys)):
            break
    return _join(flat, marks, best)


def _collapse(text: str, spans: Sequence[Span]) -> tuple[str, list[Span]]:
    """`text` with runs of whitespace made one space, and `spans` moved to match, merged.

    Only the spans' offsets are moved: the text up to each is split by str.split (C) once in
    all, counting the non-space characters and the words begun before it."""
    flat = " ".join(text.split())
    size = len(text)
    valid = [(s, e) for s, e in spans if 0 <= s < e <= size]
    before: dict[int, tuple[int, int]] = {}  # offset -> (non-space characters, words begun)
    solid = begun = previous = 0
    for offset in sorted({o for span in valid for o in span}):
        piece = text[previous:offset]
        words = piece.split()
        if words:
            solid += sum(map(len, words))
            begun += len(words)
            if previous > 0 and not piece[0].isspace() and not text[previous - 1].isspace():
                begun -= 1  # the piece's first word began before it
        before[offset] = (solid, begun)
        previous = offset

    def flat_end(offset: int) -> int:  # the words before offset, joined
        solid, begun = before[offset]
        return solid + begun - 1 if begun else 0

    def flat_start(offset: int) -> int:
        inside = 0 < offset < size and not text[offset - 1].isspace()
        if inside and not text[offset].isspace():  # within a word
            return flat_end(offset)
        return flat_end(offset) + 1 if before[offset][1] else 0  # the next word's start

    moved = sorted((flat_start(s), flat_end(e)) for s, e in valid)
    merged: list[Span] = []
    for s, e in moved:
        if s >= e:
            continue
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return flat, merged


def _fragments(
    flat: str, marks: list[Span], keys: list[str], n: int, size: int
) -> list[tuple[int, int]]:
    """Up to `n` windows of about `size` characters, greedily covering the most new terms."""
    windows: list[tuple[int, int]] = []
    shown: set[str] = set()
    for _ in range(n):
        choice = _densest(marks, keys, size, shown, windows)
        if choice is None:
            break
        first, last = choice
        windows.append(_place(flat, marks[first][0], marks[last][1], size))
        shown |= {keys[i] for i in range(first, last + 1)}
    return sorted(windows)


def _densest(
    marks: list[Span], keys: list[str], size: int, shown: set[str], taken: list[tuple[int, int]]
) -> tuple[int, int] | None:
    """The run of marks [first, last] fitting in `size` that adds the most unseen terms."""
    best: tuple[int, int, int] | None = None
    best_at: tuple[int, int] | None = None
    last = 0
    for first, (start, _) in enumerate(marks):
        if any(s <= start < e for s, e in taken):
            continue
        last = max(last, first)
        while last + 1 < len(marks) and marks[last + 1][1] - start <= size:
            last += 1
        if marks[first][1] - start > size:
            last = first
        new = {keys[i] for i in range(first, last + 1)} - shown
        score = (len(new), last - first + 1, -first)
        if new and (best is None or score > best):
            best, best_at = score, (first, last)
    return best_at


def _place(flat: str, start: int, end: int, size: int) -> tuple[int, int]:
    """A window of about `size` around [start, end): a quarter of the slack before, word cuts."""
    slack = max(0, size - (end - start))
    begin = max(0, start - slack // 4)
    stop = min(len(flat), max(end, begin + size))
    begin = max(0, min(begin, stop - size, start))
    if begin > 0 and flat[begin - 1] != " ":
        space = flat.find(" ", begin, start + 1)
        begin = space + 1 if space >= 0 else flat.rfind(" ", 0, begin) + 1
    sentence = max(flat.rfind(mark, begin, start) for mark in (". ", "! ", "? "))
    if sentence >= 0:  # start at the sentence holding the first mark, and give the room back
        begin = sentence + 2
        stop = min(len(flat), max(end, begin + size))
    return begin, max(end, _cut_end(flat, end, stop))


def _cut_end(flat: str, floor: int, stop: int) -> int:
    """`stop` moved back to a word boundary, not before `floor`."""
    if stop >= len(flat) or flat[stop] == " ":
        return stop
    space = flat.rfind(" ", floor, stop)
    if space > floor:
        return space
    space = flat.find(" ", stop)
    return space if space >= 0 else len(flat)


def _inside(mark: Span, windows: list[tuple[int, int]]) -> bool:
    return any(b <= mark[0] and mark[1] <= e for b, e in windows)


def _join(flat: str, marks: list[Span], windows: list[tuple[int, int]]) -> Excerpt:
    merged: list[tuple[int, int]] = []
    for b, e in sorted(windows):
        if merged and b <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((b, e))
    parts: list[str] = []
    out: list[Span] = []
    pos = 0
    for b, e in merged:
        if b > 0:
            parts.append(ELLIPSIS if not parts else f" {ELLIPSIS} ")
            pos += len(parts[-1])
        elif parts:
            parts.append(" ")
            pos += 1
        out.extend((s - b + pos, t - b + pos) for s, t in marks if b <= s and t <= e)
        parts.append(flat[b:e])
        pos += len(parts[-1])
    if merged and merged[-1][1] < len(flat):
        parts.append(ELLIPSIS)
    return Excerpt("".join(parts), tuple(out))
