"""The dates a page shows its reader beside the headline: the dateline and the byline's date.

A story's page prints its date where the reader looks for it, just above or below the <h1>
("March 1, 2024", "Updated: Dec 12, 2025", "12.12.2025 · 3 min read", "3 hours ago"). Dates
further away belong to something else: teasers of other stories, comments, the footer's
copyright line. Navigation, asides and footers are not read at all, and neither is text that
is a sentence rather than a label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from lxml import etree

from crawler.dates import mentions_relative_day

_BEFORE = 300  # characters of visible text before the headline that may hold its dateline
_AFTER = 600  # characters after the headline's end
_BYLINE_AFTER = 200  # characters after the headline's end where its byline may be
_LABEL_CHARS = 60  # a dateline is a short label; a longer text is a sentence that cites a date
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_CONTEXT_CHARS = 30  # of the text before a date that may label it
_UPDATED = re.compile(
    r"(?i)updat|modif|revis|reviewed|edited|aktualisiert|ge\u00e4ndert|mis\s+\u00e0\s+jour"
    r"|actualiza|aggiornat|bijgewerkt|g\u00fcncel"
)
_PUBLISHED = re.compile(r"(?i)publi")
_SKIPPED = frozenset(
    {"script", "style", "noscript", "template", "svg", "nav", "aside", "footer", "select"}
)


@dataclass(frozen=True)
class Shown:
    """A date label the page shows (its text, or a <time>'s datetime) and whether the page
    calls it an update ("Updated:", "Last modified", a <time class="updated">)."""

    text: str
    updated: bool
    label: str = ""  # a <time>'s own text, which may give the day where the datetime is UTC


@dataclass
class _Walk:
    """What a walk through the page collects: date labels by offset and the headline's span."""

    marks: list[tuple[int, Shown]] = field(default_factory=list)
    labels: list[tuple[int, str]] = field(default_factory=list)  # every short text
    span: list[int] = field(default_factory=list)
    offset: int = 0
    previous: str = ""  # the last piece of text passed, which may label the next one
    in_time: int = 0  # inside a <time> with a datetime, whose text is that datetime
    heading: Any = None  # the <h1> being walked through
    articles: dict[Any, list[int]] = field(default_factory=dict)  # <article>: start, end
    story: Any = None  # the <article> the headline stands in, if any


def shown_dates(tree: Any) -> list[Shown]:
    """The date labels near the page's first <h1>, nearest first; [] without an <h1>."""
    walk = _headline_walk(tree)
    if walk is None:
        return []
    start, end = walk.span
    # the <article> that holds the headline bounds its dateline: what lies outside it (a
    # "today" line, a ticker) is not the story's
    bounds = walk.articles.get(walk.story, [])
    first, last = bounds[0] if bounds else 0, bounds[1] if len(bounds) > 1 else walk.offset
    near = [
        (start - offset if offset < start else offset - end, shown)
        for offset, shown in walk.marks
        if max(start - _BEFORE, first) <= offset <= min(end + _AFTER, last)
        and not start <= offset < end
    ]
    near.sort(key=lambda pair: pair[0])
    return [shown for _, shown in near]


# texts that name a publication or an update, outside the parts of a page that are not read
_SAYS_WHEN: Any = etree.XPath(
    "//body//text()[contains(., 'ublished') or contains(., 'pdated')]"
    "[not(ancestor::script or ancestor::style or ancestor::nav or ancestor::aside"
    " or ancestor::footer)]"
)
_LABELS_READ = 20  # such texts looked at; a page of teasers has many, a story's foot a few


def labelled_dates(tree: Any) -> list[Shown]:
    """The dates of short labels anywhere in the page that say "Published" or "Updated"
    ("December 3, 2025. Updated: December 7, 2025" at a story's foot), in page order."""
    found: list[Shown] = []
    for node in _SAYS_WHEN(tree)[:_LABELS_READ]:
        element = node.getparent()
        if element is not None and node.is_tail:
            element = element.getparent()
        label = ""
        for _ in range(2):  # the word may be in an <em> or <strong> inside the label
            text = " ".join("".join(element.itertext()).split()) if element is not None else ""
            if not text or len(text) > _LABEL_CHARS:
                break
            label, element = text, element.getparent()
        found.extend(Shown(piece, updated) for piece, updated in _pieces(label, ""))
    return found


def byline_labels(tree: Any) -> list[str]:
    """The short texts that follow the page's first <h1>, in order, up to where a dateline may
    be: where a byline sits ("By Jane Doe", "Dec 19, 2025 \u00b7 Jane Doe")."""
    walk = _headline_walk(tree)
    if walk is None:
        return []
    end = walk.span[1]
    return [label for offset, label in walk.labels if end <= offset <= end + _BYLINE_AFTER]


def _headline_walk(tree: Any) -> _Walk | None:
    """The walk of the page's <body>, or None when it has no body or no <h1> with text."""
    body = tree.find("body")
    if body is None:
        return None
    walk = _walk(body)
    return walk if len(walk.span) >= 2 else None


def _walk(body: Any) -> _Walk:
    """The page's visible text in document order, up to _AFTER characters past the <h1>."""
    walk = _Walk()
    events = etree.iterwalk(body, events=("start", "end"))
    for event, element in events:
        visible = isinstance(element.tag, str) and element.tag not in _SKIPPED
        if event == "start":
            if not visible:
                events.skip_subtree()
                continue
            _open(element, walk)
            _text(element.text, walk, element)
        else:
            if visible:
                _close(element, walk)
            if len(walk.span) == 2 and walk.offset > walk.span[1] + _AFTER:
                break
            _text(element.tail, walk, element.getparent())
    return walk


def _open(element: Any, walk: _Walk) -> None:
    if element.tag == "article":
        walk.articles[element] = [walk.offset]
    if element.tag == "h1" and not walk.span:
        walk.span.append(walk.offset)
        walk.heading = element
        walk.story = next(element.iterancestors("article"), None)
    stamp = element.get("datetime") if element.tag == "time" else None
    if stamp:  # the datetime stands for the text inside, which is not read again
        own = " ".join("".join(element.itertext()).split())[:_LABEL_CHARS]
        walk.marks.append((walk.offset, Shown(stamp, _time_updated(element, own, walk), own)))
        walk.in_time += 1


def _close(element: Any, walk: _Walk) -> None:
    if element.tag == "article" and element in walk.articles:
        walk.articles[element].append(walk.offset)
    if element.tag == "time" and element.get("datetime"):
        walk.in_time -= 1
    if element is walk.heading:
        walk.heading = None
        if walk.offset > walk.span[0]:
            walk.span.append(walk.offset)
        else:
            walk.span.clear()  # an empty <h1> (a logo): the next one is the headline


def _time_updated(element: Any, own: str, walk: _Walk) -> bool:
    """Whether a <time> is an update's: by its itemprop, its label, or its class.

    WordPress themes mark a never-edited post's date "entry-date published updated": a
    class naming both is a publication date, unless the element around it names an update.
    """
    prop = (element.get("itemprop") or "").lower()
    if prop in {"datepublished", "datemodified"}:
        return prop == "datemodified"
    if _UPDATED.search(own) or _UPDATED.search(walk.previous):
        return True
    return _classed_updated(element)


def _classed_updated(element: Any) -> bool:
    """Whether the class of the element holding a date, or else of the one around it, names
    an update and not a publication (hAtom's "updated", "updated-on", "post-modified")."""
    for node in (element, element.getparent()):
        marker = (node.get("class") or "") if node is not None else ""
        updated, published = _UPDATED.search(marker), _PUBLISHED.search(marker)
        if updated or published:
            if not (updated and published):
                return bool(updated)
            if node is not element:
                return False
    return False


def _text(text: str | None, walk: _Walk, holder: Any) -> None:
    label = " ".join(text.split()) if text else ""
    if not label:
        return
    if len(label) <= _LABEL_CHARS:
        walk.labels.append((walk.offset, label))
    if not walk.in_time and len(label) <= _LABEL_CHARS and _dated(label):
        classed = holder is not None and _classed_updated(holder)
        for piece, updated in _pieces(label, walk.previous, classed):
            walk.marks.append((walk.offset, Shown(piece, updated)))
    walk.offset += len(label) + 1
    walk.previous = label[-_CONTEXT_CHARS:]


def _dated(text: str) -> bool:
    return bool(_YEAR.search(text)) or mentions_relative_day(text)


def _pieces(label: str, previous: str, classed: bool = False) -> list[tuple[str, bool]]:
    """A label's dates, each with whether it is an update's.

    One label may give both ("Published May 1, 2024 \u00b7 Updated May 3, 2024", "December 3,
    2025. Updated: December 7, 2025"): each word opens its own piece. A date before any such
    word is an update's when the text just before the label says so, or by `classed`, the
    class of the element that holds it.
    """
    starts = sorted(
        {m.start() for m in _UPDATED.finditer(label)}
        | {m.start() for m in _PUBLISHED.finditer(label)}
    )
    pieces = []
    head = label[: starts[0]] if starts else label
    if _dated(head):
        pieces.append((head, classed or bool(_UPDATED.search(previous))))
    for start, end in pairwise([*starts, len(label)]):
        piece = label[start:end]
        if _dated(piece):
            pieces.append((piece, bool(_UPDATED.match(piece))))
    return pieces
