"""One article as the matcher reads it: its fields folded into segments, and where the
automaton found each term in them.

Segments: the headline, the standfirst, the body, the site's name, each author and each tag.
Each has a bit, and the body two (its lead, the first two paragraphs, and the rest), so that
where a term may be looked for is a mask: `SCOPES` gives the mask of each field a query can name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from monitor.folding import Folded, fold_segment

__all__ = [
    "ORDER",
    "SCOPES",
    "TEXT",
    "Article",
    "FieldName",
    "Occurrence",
    "Scan",
    "Segment",
    "Span",
    "segments",
]

FieldName = Literal["title", "subtitle", "body", "site", "author", "tag"]
ORDER: dict[str, int] = {f: i for i, f in enumerate(FieldName.__args__)}  # type: ignore[attr-defined]

# Where an occurrence is, as a bit: masks say where a term may be found.
_TITLE, _SUBTITLE, _LEAD, _REST, _SITE, _AUTHOR, _TAG = (1 << i for i in range(7))
TEXT = _TITLE | _SUBTITLE | _LEAD | _REST
SCOPES = {
    "title": _TITLE,
    "body": _LEAD | _REST,
    "lead": _TITLE | _SUBTITLE | _LEAD,
    "site": _SITE,
    "author": _AUTHOR,
    "tag": _TAG,
}


@dataclass(frozen=True)
class Article:
    """What the matcher reads of an article; the caller builds it from the store."""

    title: str
    body: str = ""
    subtitle: str = ""
    site: str = ""
    authors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Span:
    """Where a positive term occurred: a field (its `item`-th author or tag) and offsets into
    its original text."""

    field: FieldName
    start: int
    end: int
    item: int = 0


@dataclass(frozen=True)
class Segment:
    """One field's text (one author or tag) folded; the body is one segment whose words from
    folded offset `cut` on are the rest (`REST`) rather than the lead."""

    field: FieldName
    item: int
    bit: int
    folded: Folded
    cut: int = -1

    def bit_at(self, start: int) -> int:
        """The bit of the word at folded offset `start`."""
        return _REST if 0 <= self.cut <= start else self.bit


# An occurrence of a term: (segment number, folded start, folded end, bit of its segment part)
Occurrence = tuple[int, int, int, int]


class Scan:
    """One article: its segments, and where each term (key id) occurred."""

    def __init__(self, segments: list[Segment], article: Article) -> None:
        self.segments = segments
        self.article = article
        self.found: dict[int, list[Occurrence]] = {}  # key id -> occurrences
        self.where: dict[int, int] = {}  # key id -> bits of the segments it occurred in
        self.present: dict[int, int] = {}  # group id -> bits of the segments any occurred in
        self.spans: dict[tuple[int, int, int], Span] = {}  # (segment, start, end) -> Span

    def words_between(self, number: int, start: int, end: int, limit: int) -> int:
        """The words of segment `number` between folded offsets `start` and `end`, counted up
        to limit + 1."""
        if end <= start:
            return 0
        return len(self.segments[number].folded.text[start:end].split(None, limit))


def field_text(article: Article, field: str, item: int) -> str:
    if field in ("author", "tag"):
        return (article.authors if field == "author" else article.tags)[item]
    text: str = getattr(article, field)
    return text


def _lead_end(body: str) -> int:
    first = body.find("\n\n")
    second = body.find("\n\n", first + 2) if first >= 0 else -1
    return second if second >= 0 else len(body)


def segments(article: Article) -> list[Segment]:
    """The article's non-empty fields, folded."""
    segments = []
    if article.title:
        segments.append(Segment("title", 0, _TITLE, fold_segment(article.title)))
    if article.subtitle:
        segments.append(Segment("subtitle", 0, _SUBTITLE, fold_segment(article.subtitle)))
    body = article.body
    if body:
        folded = fold_segment(body)
        cut = _lead_end(body)
        rest = folded.folded_offset(cut) if cut < len(body) else -1
        segments.append(Segment("body", 0, _LEAD, folded, rest))
    if article.site:
        segments.append(Segment("site", 0, _SITE, fold_segment(article.site)))
    for item, name in enumerate(article.authors):
        segments.append(Segment("author", item, _AUTHOR, fold_segment(name)))
    for item, tag in enumerate(article.tags):
        segments.append(Segment("tag", item, _TAG, fold_segment(tag)))
    return segments
