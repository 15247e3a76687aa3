"""One article as the matcher reads it: its fields folded into segments, and where the
automaton found each term in them.

Segments: the headline, the standfirst, the body, the site's name, each author and each tag.
Each has a bit, and the body two (its lead, the first two paragraphs, and the rest), so that
where a term may be looked for is a mask: `SCOPES` gives the mask of each field a query can name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from monitor.folding import Folded, fold_segment

__all__ = [
    "ALL",
    "ORDER",
    "REST",
    "SCOPES",
    "TEXT",
    "Article",
    "FieldName",
    "Occurrence",
    "Place",
    "Rows",
    "Scan",
    "Segment",
    "Span",
    "segments",
]

FieldName = Literal["title", "subtitle", "body", "site", "author", "tag"]
ORDER: dict[str, int] = {f: i for i, f in enumerate(FieldName.__args__)}  # type: ignore[attr-defined]

# A sentence ends at a line break, a CJK full stop, or [.!?…] (and closing quotes) before a space.
_SENTENCE_END = re.compile(r"[.!?\u2026]+[\"'\u2019\u201d)\]]*(?=\s)|[\u3002\uff01\uff1f\n]")
_MORE_THAN: dict[int, re.Pattern[str]] = {}  # limit -> a regex for more than limit words

# Where an occurrence is, as a bit: masks say where a term may be found.
_TITLE, _SUBTITLE, _LEAD, REST, _SITE, _AUTHOR, _TAG = (1 << i for i in range(7))
TEXT = _TITLE | _SUBTITLE | _LEAD | REST
ALL = TEXT | _SITE | _AUTHOR | _TAG
SCOPES = {
    "title": _TITLE,
    "body": _LEAD | REST,
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


# An occurrence of a term: (segment number, folded start, folded end, bit of its segment part)
Occurrence = tuple[int, int, int, int]
# A key's occurrences as a hit reports them: for each, its place in the original text (field
# order, item, start, end: what orders a hit's spans) and its Span; and for each, its bit, that
# place, its Span and the occurrence
Place = tuple[int, int, int, int]
Rows = tuple[list[tuple[Place, Span]], list[tuple[int, Place, Span, Occurrence]]]


class Scan:
    """One article: its segments, and where each term (key id) occurred."""

    def __init__(self, segments: list[Segment], article: Article) -> None:
        self.segments = segments
        self.article = article
        self.found: dict[int, list[Occurrence]] = {}  # key id -> occurrences
        self.where: dict[int, int] = {}  # key id -> bits of the segments it occurred in
        self.present: dict[int, int] = {}  # group id -> bits of the segments any occurred in
        self._sentences: dict[tuple[int, int], int] = {}  # (segment, start) -> sentence end
        # key id -> its occurrences' places and Spans, made when a hit first needs them
        self.rows: dict[int, Rows] = {}

    def words_between(self, number: int, start: int, end: int, limit: int) -> int:
        """The words of segment `number` between folded offsets `start` and `end`, counted up
        to limit + 1."""
        if end <= start:
            return 0
        return len(self.segments[number].folded.text[start:end].split(None, limit))

    def beyond(self, number: int, start: int, end: int, limit: int) -> bool:
        """Whether more than `limit` words of segment `number` lie between folded offsets
        `start` (after a word) and `end`: a regex that stops after limit + 1 words."""
        if end <= start:
            return False
        pattern = _MORE_THAN.get(limit)
        if pattern is None:
            pattern = _MORE_THAN[limit] = re.compile(f"(?: +[^ ]++){{{limit + 1}}}")
        return pattern.match(self.segments[number].folded.text, start, end) is not None

    def one_sentence(self, number: int, start: int, end: int) -> bool:
        """Whether no sentence end lies between the words at folded offsets `start` and `end`
        of segment `number`."""
        folded = self.segments[number].folded
        begin, stop = folded.original_offset(start), folded.original_offset(end)
        return _SENTENCE_END.search(folded.original, begin, stop) is None

    def sentence(self, number: int, start: int) -> int:
        """Which sentence of its field the word at folded offset `start` of segment `number` is
        in, as the original offset of the sentence end that follows it: words are in one
        sentence when no sentence end lies between them."""
        key = (number, start)
        found = self._sentences.get(key)
        if found is None:
            folded = self.segments[number].folded
            end = _SENTENCE_END.search(folded.original, folded.original_offset(start))
            found = self._sentences[key] = end.start() if end else len(folded.original)
        return found


def _lead_end(body: str) -> int:
    first = body.find("\n\n")
    second = body.find("\n\n", first + 2) if first >= 0 else -1
    return second if second >= 0 else len(body)


def segments(article: Article, wanted: int = ALL) -> list[Segment]:
    """The article's non-empty fields, folded: those with a bit in `wanted`."""
    segments = []
    if article.title and wanted & _TITLE:
        segments.append(Segment("title", 0, _TITLE, fold_segment(article.title)))
    if article.subtitle and wanted & _SUBTITLE:
        segments.append(Segment("subtitle", 0, _SUBTITLE, fold_segment(article.subtitle)))
    body = article.body
    if body and wanted & (_LEAD | REST):
        folded = fold_segment(body)
        cut = _lead_end(body)
        rest = folded.folded_offset(cut) if cut < len(body) else -1
        segments.append(Segment("body", 0, _LEAD, folded, rest))
    if article.site and wanted & _SITE:
        segments.append(Segment("site", 0, _SITE, fold_segment(article.site)))
    if wanted & _AUTHOR:
        for item, name in enumerate(article.authors):
            segments.append(Segment("author", item, _AUTHOR, fold_segment(name)))
    if wanted & _TAG:
        for item, tag in enumerate(article.tags):
            segments.append(Segment("tag", item, _TAG, fold_segment(tag)))
    return segments
