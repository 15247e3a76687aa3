"""One article as the matcher reads it: its fields folded into segments, and where the
automaton found each term in them.

Segments: the headline, the standfirst, the body's lead (its first two paragraphs) and the rest
of the body, the site's name, each author and each tag. Each has a bit, so that where a term may
be looked for is a mask: `SCOPES` gives the mask of each field a query can name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from monitor.folding import Folded, fold_segment

__all__ = ["ORDER", "SCOPES", "TEXT", "Article", "FieldName", "Scan", "Segment", "Span", "segments"]

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
    field: FieldName
    item: int
    bit: int
    folded: Folded
    base: int  # offset of the segment in its field's text
    word_base: int  # words of the field before the segment


class Scan:
    """One article: its segments, and where each term (key id) occurred."""

    def __init__(self, segments: list[Segment], article: Article) -> None:
        self.segments = segments
        self.article = article
        self.found: dict[int, list[tuple[int, int]]] = {}  # key id -> [(segment, last index)]
        self.where: dict[int, int] = {}  # key id -> bits of the segments it occurred in
        self.present: dict[int, int] = {}  # group id -> bits of the segments any occurred in
        self.spans: dict[tuple[int, int, int], Span] = {}  # (segment, start, end) -> Span
        self._words: dict[tuple[int, int], int] = {}

    def word(self, number: int, start: int) -> int:
        """The number of the word of its field at collapsed offset `start` of a segment."""
        key = (number, start)
        found = self._words.get(key)
        if found is None:
            segment = self.segments[number]
            found = segment.word_base + segment.folded.text.count(" ", 0, start - 1)
            self._words[key] = found
        return found


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
    segments = [
        Segment("title", 0, _TITLE, fold_segment(article.title), 0, 0),
        Segment("subtitle", 0, _SUBTITLE, fold_segment(article.subtitle), 0, 0),
    ]
    body = article.body
    cut = _lead_end(body)
    lead = fold_segment(body[:cut])
    segments.append(Segment("body", 0, _LEAD, lead, 0, 0))
    if cut < len(body):
        lead_words = lead.text.count(" ") - 1 if len(lead.text) > 2 else 0
        segments.append(Segment("body", 0, _REST, fold_segment(body[cut:]), cut, lead_words))
    if article.site:
        segments.append(Segment("site", 0, _SITE, fold_segment(article.site), 0, 0))
    for item, name in enumerate(article.authors):
        segments.append(Segment("author", item, _AUTHOR, fold_segment(name), 0, 0))
    for item, tag in enumerate(article.tags):
        segments.append(Segment("tag", item, _TAG, fold_segment(tag), 0, 0))
    return segments
