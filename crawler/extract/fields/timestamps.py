"""When a page says it was published and last modified, from its sources in order of trust."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from weakref import WeakKeyDictionary

from htmldate import find_date
from lxml import etree

from crawler.dates import (
    LATEST,
    SKEW,
    Stamp,
    day_of,
    is_plausible,
    not_before,
    parse_date,
    parse_relative,
    written_order,
)
from crawler.extract.primitives.dateline import Shown, labelled_dates, shown_dates
from crawler.extract.primitives.jsonld import texts, types_of
from crawler.extract.primitives.page import Page, element_text

_PUBLISHED_META = (
    "article:published_time",
    "article:published:time",
    "datepublished",
    "og:published_time",
    "og:article:published_time",
    "article:published",
    "published_time",
    "published-date",
    "publish-date",
    "publishdate",
    "publish_date",
    "publication_date",
    "publication-date",
    "pubdate",
    "date_published",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date.created",
    "dcterms.created",
    "dc.date",
    "dcterms.date",
    "date",
    "cxenseparse:recs:publishtime",
    "article.published",
    "citation_publication_date",
)
_MODIFIED_META = (
    "article:modified_time",
    "article:modified:time",
    "datemodified",
    "og:updated_time",
    "article:modified",
    "modified_time",
    "last-modified",
    "dc.date.modified",
    "dcterms.modified",
    "lastmod",
)
_URL_DATE = re.compile(
    r"/((?:19|20)\d{2})[/-]?(0[1-9]|1[0-2])[/-]?(0[1-9]|[12]\d|3[01])(?:/|[^\d])"
)


def _jsonld_values(page: Page, key: str, *, any_node: bool = False) -> Iterator[str]:
    for node in [page.article, *page.jsonld.articles()]:
        yield from texts(node.get(key))
    if any_node:  # a WebPage or ClaimReview dated when the article object is not
        for node in page.jsonld.nodes:
            yield from texts(node.get(key))


_MARKED_TIME = (
    ".//time[@pubdate or contains(@class, 'publish') or contains(@itemprop, 'datePublished')]"
    "/@datetime"
)


def _time_elements(page: Page) -> list[str]:
    """datetime attributes of <time>: marked publication times first, then the first one.

    Those in the <article> that holds the headline come before the rest of the page's, whose
    teasers and sidebars carry other stories' times.
    """
    story = next(iter(page.tree.xpath("(//h1)[1]/ancestor::article[1]")), None)
    scoped = [] if story is None else story.xpath(_MARKED_TIME)[:2]
    scoped += [] if story is None else story.xpath(".//time/@datetime")[:1]
    marked = page.tree.xpath(_MARKED_TIME)
    # the story's own <article> before the page's teasers and sidebars
    first = (
        page.tree.xpath("//article//time/@datetime")[:1] or page.tree.xpath("//time/@datetime")[:1]
    )
    return [str(v) for v in [*scoped, *marked[:2], *first]]


_PUBDATE = (
    "//body//time[@pubdate or @itemprop='datePublished'][@datetime]"
    "[not(ancestor::aside or ancestor::nav or ancestor::footer)]"
)


def _marked_shown(page: Page, now: datetime | None) -> list[Stamp]:
    """The page's one <time> marked as its publication (HTML's pubdate, schema.org's
    itemprop), wherever it shows it: a date the page gives its reader as the story's own.
    With more than one, the others are teasers' and which is the story's is not known.
    """
    marked = page.tree.xpath(_PUBDATE)
    if len(marked) != 1:
        return []
    value = parse_date(marked[0].get("datetime"))
    return [value] if value is not None and is_plausible(value, now) else []


def _labelled(page: Page, now: datetime | None) -> Stamp | None:
    """The first date a label anywhere in the page gives as a publication, not an update."""
    for shown in labelled_dates(page.tree):
        value = None if shown.updated else _read(shown.text, page)
        if value is not None and is_plausible(value, now):
            return value
    return None


def _url_date(page: Page) -> list[str]:
    match = _URL_DATE.search(page.url)
    return ["-".join(match.groups())] if match else []


def _selected(page: Page, selectors: Mapping[str, str], field: str) -> list[str]:
    values = []
    for element in page.select(selectors, field):
        if isinstance(element, str):
            values.append(element)
            continue
        for attribute in ("datetime", "content", "data-timestamp", "title"):
            if element.get(attribute):
                values.append(element.get(attribute))
        values.append(element_text(element))
    return values


def _first(
    sources: Iterable[Iterable[str]], now: datetime | None, floor: Stamp | None = None
) -> Stamp | None:
    """The first plausible stamp; a day-only stamp takes the time of a later one that agrees."""
    found: Stamp | None = None
    for source in sources:
        for raw in source:
            value = parse_date(raw) if raw else None
            if value is None or not is_plausible(value, now):
                continue
            if floor is not None and not not_before(value, floor):
                continue
            if found is None:
                found = value
                if isinstance(found, datetime):
                    return found
            elif isinstance(value, datetime) and day_of(value) == found:
                return value
    return found


def published(page: Page, selectors: Mapping[str, str], now: datetime | None) -> Stamp | None:
    """The publication date: selector, JSON-LD, meta tags, microdata, <time>, the URL.

    Outside news, the date the page shows beside its headline wins over a markup date it
    contradicts: such pages are re-dated when they are refreshed, and their markup keeps the
    day the page was first saved. A date labelled as an update does not count while the page
    states its first publication in OpenGraph (article:published_time) or shows a date not so
    labelled; without either, the "Updated" date is the one the page gives its reader (sites
    that re-publish a guide show only that, and their JSON-LD keeps the first draft's day).
    A NewsArticle's markup is the newsroom's own and stands over any other shown date.
    Without a publication date anywhere, the markup's modification date is the page's date.
    A markup date whose day the URL also gives stands over any shown date, and where the
    JSON-LD and OpenGraph disagree, the one the page shows is taken.
    """
    selected = _first([_selected(page, selectors, "published")], now) or _stated(page, now)
    if selected is not None:
        return selected
    sources: list[list[str]] = [
        list(_jsonld_values(page, "datePublished")),
        [v for name in _PUBLISHED_META for v in page.meta.get(name, ())],
        page.microdata("datepublished"),
        list(_jsonld_values(page, "dateCreated")),
        list(_jsonld_values(page, "datePublished", any_node=True)),
        _time_elements(page),
        _url_date(page),
    ]
    found = _first(sources, now)
    shown = _shown(page, now) or _marked_shown(page, now)
    if found is not None and _url_day(page) == day_of(found):
        return found  # the URL's day is the day the site gave the story when it was filed
    found = _shown_markup(page, found, shown or _shown(page, now, updated=True), now)
    if found is not None and _is_news(page) and (shown or _states_first_publication(page)):
        return _local_day(found, page)
    if not shown and (found is None or not _states_first_publication(page)):
        shown = _shown(page, now, updated=True)
        if found is not None and shown and day_of(found) in _visible_days(page):
            shown = []  # the page does show its first publication, further from the headline
    if found is None and shown:
        return shown[0]
    if found is None:
        # a label that says when the story was published, wherever it stands; then a markup
        # modification date (the only day the page gives) before htmldate's guess
        labelled = _labelled(page, now)
        return labelled or _local_day(
            modified(page, selectors, now, None) or _guessed(page, now), page
        )
    if not shown or any(_agrees(value, found) for value in shown):
        return _local_day(found, page)
    return shown[0]


def _url_day(page: Page) -> date | None:
    value = parse_date(_url_date(page)[0]) if _url_date(page) else None
    return day_of(value) if value is not None else None


def _shown_markup(
    page: Page, found: Stamp | None, shown: list[Stamp], now: datetime | None
) -> Stamp | None:
    """OpenGraph's publication time where the JSON-LD's contradicts it and the page shows
    OpenGraph's day beside its headline: the page tells its reader which one it stands by.
    """
    if found is None or not shown or any(day_of(v) == day_of(found) for v in shown):
        return found
    stated = _first([page.meta.get("article:published_time", ())], now)
    if stated is not None and any(day_of(v) == day_of(stated) for v in shown):
        return stated
    return found


_ORIGINALLY = re.compile(r"(?i)\boriginally\s+(?:published|posted)\b.{0,60}")
# the texts saying "originally"/"Originally" (contains() in C, no copy of each text as translate()
# makes; a script's text is never shown)
_SAYS_ORIGINALLY: Any = etree.XPath(
    "//body//text()[contains(., 'riginally')][not(parent::script or parent::style)]"
)
_LATER = re.compile(r"(?i)\b(?:updat|edit|modif|revis|republish)")


def _stated(page: Page, now: datetime | None) -> Stamp | None:
    """The day a page says in words it was first published: "This article was originally
    published on 26 Sep 2019 and has been updated since", "Originally posted November 9, 2022".
    """
    for node in _SAYS_ORIGINALLY(page.tree)[:5]:
        element = node.getparent()
        if element is not None and node.is_tail:  # the text after an element is its parent's
            element = element.getparent()
        for _ in range(2):  # the words may be in an <em> or <a> inside the sentence
            if element is None:
                break
            if (value := _stated_in(element_text(element), page, now)) is not None:
                return value
            element = element.getparent()
    return None


def _stated_in(text: str, page: Page, now: datetime | None) -> Stamp | None:
    for match in _ORIGINALLY.finditer(text):
        said = _LATER.split(match.group(0), maxsplit=1)[0]
        value = _read(said, page)
        if value is not None and is_plausible(value, now):
            return value
    return None


def _is_news(page: Page) -> bool:
    return any("newsarticle" in t for node in page.jsonld.articles() for t in types_of(node))


_WRITTEN_DATE = re.compile(
    r"[^\W\d_]{3,10}\.? \d{1,2}(?:st|nd|rd|th)?,? \d{4}"
    r"|\d{1,2}(?:st|nd|rd|th|er)?\.? (?:de )?[^\W\d_]{3,10}\.?,? (?:de )?\d{4}"
    r"|(?<!\d)\d{4}-\d\d-\d\d(?!\d)|(?<!\d)\d{1,2}[./]\d{1,2}[./]\d{4}(?!\d)"
)


def _visible_days(page: Page) -> set[date]:
    """The days written anywhere in the page's visible text."""
    body = page.tree.find("body")
    text = element_text(body) if body is not None else ""
    values = (_read(m.group(0), page) for m in _WRITTEN_DATE.finditer(text))
    return {day_of(value) for value in values if value is not None}


def _states_first_publication(page: Page) -> bool:
    """Whether the page gives OpenGraph's article:published_time, a day that sites set once."""
    return bool(page.meta.get("article:published_time"))


def _shown(page: Page, now: datetime | None, *, updated: bool = False) -> list[Stamp]:
    """The plausible dates shown beside the headline, nearest first: publication dates, or
    with `updated` those labelled as an update."""
    values = (_shown_stamp(d, page, now) for d in shown_dates(page.tree) if d.updated is updated)
    return [v for v in values if v is not None and is_plausible(v, now)]


_MONTH_FIRST_REGIONS = frozenset({"us", "ph", "fm", "mh", "pw"})
_YEAR_FIRST_LANGUAGES = frozenset({"zh", "ja", "ko", "hu", "lt", "mn"})


def _read(text: str, page: Page) -> Stamp | None:
    """The date in `text`; one such as 03/04/2025 read in the page's order (_day_first)."""
    order = _day_first(page)
    value = parse_date(text, day_first=order)
    if value is None and order is None and parse_date(text, day_first=True) is not None:
        value = parse_date(text, day_first=_written_order(page))
    return value


def _day_first(page: Page) -> bool | None:
    """Whether the page writes 03/04/2025 for 3 April, by its language and region.

    The US (and a few places that follow it) put the month first; English without a region,
    Canada (both orders in use) and languages that put the year first leave it open to the
    page's other dates (_written_order).
    """
    language, region = _language(page)
    if not language or language in _YEAR_FIRST_LANGUAGES or region == "ca":
        return None
    if region in _MONTH_FIRST_REGIONS:
        return False
    return None if language == "en" and not region else True


def _language(page: Page) -> tuple[str, str]:
    tag = page.tree.get("lang") or page.first_meta("og:locale") or ""
    parts = tag.strip().lower().replace("_", "-").split("-")
    return parts[0], parts[1] if len(parts) > 1 else ""


def _written_order(page: Page) -> bool | None:
    """Whether a page its language leaves open writes the day first, by the order of the
    dates it writes in full ("3 October 2023", "October 3, 2023") or with a part above 12;
    when they do not tell, an English page is read the American way, the web's most common.
    """
    if page not in _ORDERS:  # read once for a page
        body = page.tree.find("body")
        _ORDERS[page] = written_order(element_text(body) if body is not None else "")
    order = _ORDERS[page]
    return False if order is None and _language(page) == ("en", "") else order


# pages' orders as their text shows them, kept while the page is: several readers ask
_ORDERS: WeakKeyDictionary[Page, bool | None] = WeakKeyDictionary()


def _shown_stamp(shown: Shown, page: Page, now: datetime | None) -> Stamp | None:
    """A shown date; a <time> in UTC whose text gives the day before or after is that day.

    Sites that store times in UTC put them in the datetime attribute and print the reader's
    (the site's) own day in the text: a story posted in the evening west of Greenwich is
    the next day in UTC. A relative label ("3 hours ago") counts from `now`, and only
    when `now` is given.
    """
    value = _read(shown.text, page)
    if value is None and now is not None:
        return parse_relative(shown.text, now)
    if not isinstance(value, datetime) or value.utcoffset() != timedelta(0) or not shown.label:
        return value
    local = _read(shown.label, page)
    if local is not None and abs((day_of(local) - value.date()).days) == 1:
        return day_of(local)
    return value


def _agrees(shown: Stamp, found: Stamp) -> bool:
    """Whether a date the page shows is the markup's `found` as a reader would see it.

    The same day; or the day read the other way round ("09.10.2024" is 10 September in the
    US); or, next to a time, a day before or after it: the same moment in another time zone.
    """
    day, other = day_of(shown), day_of(found)
    if day == other:
        return True
    if day.day <= 12 and day.replace(day=day.month, month=day.day) == other:
        return True
    if isinstance(found, datetime):
        return day in _local_days(found)
    return isinstance(shown, datetime) and other in _local_days(shown)


def _local_days(moment: datetime) -> set[date]:
    """The calendar days `moment` falls on somewhere on Earth (offsets from -12:00 to +14:00)."""
    utc = moment.astimezone(UTC)
    return {(utc + timedelta(hours=hours)).date() for hours in (-12, 14)} | {utc.date()}


def _local_day(found: Stamp | None, page: Page) -> Stamp | None:
    """The day in the page's URL for a UTC time one day off it.

    Sites that store times in UTC print them that way; a story posted late in the evening
    west of Greenwich (or early in the morning east of it) then carries the next (or
    previous) day, while its URL keeps the day the site's own calendar gave it.
    """
    if not isinstance(found, datetime) or found.utcoffset() != timedelta(0):
        return found
    match = _URL_DATE.search(page.url)
    if match is None:
        return found
    local = parse_date("-".join(match.groups()))
    if isinstance(local, date) and abs((found.date() - local).days) == 1:
        return local
    return found


def htmldate_bound(now: datetime | None) -> datetime:
    """The latest date htmldate may return: `now` with the clock skew allowed, or LATEST.

    Always given explicitly, so that htmldate's own default (today by the clock) never
    decides what a page's date is.
    """
    return now + SKEW if now is not None else datetime.combine(LATEST, time.max)


def _guessed(page: Page, now: datetime | None) -> Stamp | None:
    """htmldate's reading of the visible page, for pages without any date markup; its extensive
    search, which also reads dates from the text, finds the day on many more of them.
    """
    try:
        found = find_date(
            page.tree,
            url=page.url,
            original_date=True,
            extensive_search=True,
            max_date=htmldate_bound(now),
        )
    except Exception:  # a third-party heuristic must not break extraction
        return None
    value = parse_date(found) if isinstance(found, str) else None
    return value if value is not None and is_plausible(value, now) else None


def modified(
    page: Page, selectors: Mapping[str, str], now: datetime | None, since: Stamp | None
) -> Stamp | None:
    """The last modification date; never before `since` (the publication date)."""
    sources: list[Iterable[str]] = [
        _selected(page, selectors, "modified"),
        _jsonld_values(page, "dateModified"),
        [v for name in _MODIFIED_META for v in page.meta.get(name, ())],
        page.microdata("datemodified"),
    ]
    return _first(sources, now, since)
