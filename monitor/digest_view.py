"""What a digest shows, before it is HTML or text: watches, their stories, and the overflow list.

Pure. Items are grouped by watch in order of first appearance; within the whole message each
story appears once (in the section of the first watch that matched it): a story is the item's
``story`` key when the store knows one, else its URL. Later items of the same story add their
site to "also covered by" and their watch to "also matches".
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

TEXT_WIDTH = 76
SNIPPET_INDENT = "    "
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

Span = tuple[int, int]


@dataclass(frozen=True)
class Segment:
    """A run of text that is either highlighted (a match) or not."""

    text: str
    marked: bool


@dataclass(frozen=True)
class Link:
    """A labelled URL; ``linkable`` is False for anything but http(s), shown as text only."""

    label: str
    url: str
    linkable: bool


@dataclass(frozen=True)
class DiffLine:
    """A line of an "updated" alert's diff: ``sign`` is "-" (removed), "+" (added) or " "."""

    sign: str
    text: str


@dataclass(frozen=True)
class Entry:
    """One story shown in full."""

    kind: str
    title_segments: tuple[Segment, ...]
    link: Link
    byline: str
    terms: tuple[str, ...]
    snippet_segments: tuple[Segment, ...]
    diff: tuple[DiffLine, ...]
    also: tuple[Link, ...]
    also_watches: tuple[str, ...]
    text_lines: tuple[str, ...]  # the whole entry as plain text


def split_marks(text: str, spans: Sequence[Span]) -> tuple[Segment, ...]:
    """Cut ``text`` into plain and marked segments; overlapping or touching spans merge."""
    segments: list[Segment] = []
    pos = 0
    for start, end in merge_spans(spans):
        if start > pos:
            segments.append(Segment(text[pos:start], marked=False))
        segments.append(Segment(text[start:end], marked=True))
        pos = end
    if pos < len(text):
        segments.append(Segment(text[pos:], marked=False))
    return tuple(segments)


def merge_spans(spans: Sequence[Span]) -> list[Span]:
    """Spans sorted, empty ones dropped, overlapping or touching ones merged."""
    merged: list[Span] = []
    for start, end in sorted(spans):
        if start == end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def format_when(value: datetime | date | None, tz: tzinfo) -> str:
    """``10 Apr 2024, 02:12 CEST`` for a datetime (shown in ``tz``), ``10 Apr 2024`` for a date."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        local = value.astimezone(tz)
        zone = local.tzname() or local.strftime("%z")
        return f"{_day(local)}, {local:%H:%M} {zone}"
    return _day(value)


def one_line(text: str) -> str:
    """Whitespace (line breaks included) collapsed to single spaces: safe in a header."""
    return " ".join(text.split())


def link(label: str, url: str) -> Link:
    """A link only for http(s) URLs: ``javascript:``, ``data:`` and the like stay text."""
    clean = url.strip()
    scheme = clean.partition(":")[0].lower()
    ok = scheme in ("http", "https") and clean.startswith(f"{clean[: len(scheme)]}://")
    return Link(one_line(label) or clean, clean, ok and not any(c.isspace() for c in clean))


_RUN = re.compile(r"([+-])\[(.*?)(?:\](?=\s*(?:[+-]\[|…?$))|…$)", re.S)


def diff_lines(diff: str | None) -> tuple[DiffLine, ...]:
    """An edit as lines: "-" removed, "+" added, " " context.

    Reads the store's word-level form (``-[old words] +[new words] ...``) and a line-based one
    (lines starting with "-" or "+").
    """
    if not diff or not diff.strip():
        return ()
    runs = list(_RUN.finditer(diff.strip()))
    if runs:
        cut = "…" if diff.strip().endswith("…") else ""
        return tuple(
            DiffLine(m[1], one_line(m[2]) + (cut if m.end() == len(diff.strip()) else ""))
            for m in runs
        )
    out = []
    for raw in diff.splitlines():
        if not raw.strip():
            continue
        sign = raw[0] if raw[0] in "+-" else " "
        out.append(DiffLine(sign, one_line(raw[1:] if sign != " " else raw)))
    return tuple(out)


def wrap(text: str, indent: str = "", first: str | None = None) -> list[str]:
    """``text`` wrapped to TEXT_WIDTH, words never broken (a long URL stays whole)."""
    return textwrap.wrap(
        text,
        TEXT_WIDTH,
        initial_indent=indent if first is None else first,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    )


def text_lines(
    title: str,
    main: Link,
    byline: str,
    terms: Sequence[str],
    snippet: Sequence[Segment],
    diff: Sequence[DiffLine],
    also: Sequence[Link],
    also_watches: Sequence[str],
    kind: str,
) -> tuple[str, ...]:
    """An entry as plain text: headline, URL, byline, terms, snippet or diff, other coverage."""
    label = "[updated] " if kind == "updated" else ""
    lines = wrap(label + one_line(title), "  ", "* ")
    lines.append(f"  {main.url}")
    if byline:
        lines += wrap(byline, "    ", "  ")
    if terms:
        lines += wrap("Matched: " + ", ".join(terms), "    ", "  ")
    if also_watches:
        lines += wrap("Also matches: " + ", ".join(also_watches), "    ", "  ")
    if diff:
        lines.append("")
        lines.append(f"{SNIPPET_INDENT}What changed:")
        for d in diff:
            lines += wrap(d.text, SNIPPET_INDENT + "  ", f"{SNIPPET_INDENT}{d.sign} ")
    if snippet:
        starred = "".join(f"*{s.text}*" if s.marked else s.text for s in snippet)
        lines.append("")
        lines += wrap(starred, SNIPPET_INDENT)
    if also:
        lines.append("")
        lines.append("  Also covered by:")
        for other in also:
            lines += wrap(f"{other.label}: {other.url}", "      ", "    ")
    return tuple(lines)


def _day(value: date) -> str:
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"
