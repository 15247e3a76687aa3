"""Sitemaps: robots.txt `Sitemap:` lines, sitemap indexes, urlsets, Google News; no I/O.

A sitemap is read with lxml's pull parser, so a `<url>` counts only once its end tag has been
read: a truncated file yields the complete entries before the cut and nothing half-read. Elements
are matched by local name (publishers use odd prefixes, or none), `news:` fields by the Google
News namespace. gzip is recognised by its magic bytes, not by the name or the content type.
Scrapy's own `Sitemap` class is not used: it keeps only the first level of each `<url>`, so it
loses `news:title`, `news:publication_date` and `news:keywords`; its `gunzip` (with a size cap)
and `sitemap_urls_from_robots` are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

from lxml import etree
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import sitemap_urls_from_robots

from crawler.dates import parse_feed_date
from crawler.discovery.feeds import FeedEntry, FeedError, _absolute, _keywords

NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the protocol's own limit, uncompressed


class SitemapError(FeedError):
    """Nothing could be read from a sitemap; the message says why."""


@dataclass(frozen=True)
class SitemapChild:
    """A sitemap listed in a sitemap index, with its `lastmod` if given."""

    url: str
    lastmod: datetime | None


@dataclass(frozen=True)
class Sitemap:
    """What one sitemap file lists: article entries (a urlset) and child sitemaps (an index)."""

    kind: str  # "urlset", "sitemapindex" or "text"
    entries: tuple[FeedEntry, ...]
    children: tuple[SitemapChild, ...]


def robots_sitemaps(robots: bytes, url: str) -> list[str]:
    """The sitemap URLs a robots.txt names in `Sitemap:` lines, absolute, in order, once each."""
    found: list[str] = []
    for line in sitemap_urls_from_robots(bytes(robots), base_url=url):
        link = _absolute(line, url)
        if link is not None and link not in found:
            found.append(link)
    return found


def parse_sitemap(body: bytes, url: str) -> Sitemap:
    """The entries and child sitemaps of a sitemap (XML, gzip'd XML, or a text list of URLs).

    Every `<url>` is one entry (its hreflang alternates are not); a news sitemap's entries carry
    the news title, publication date and keywords, and `source="news-sitemap"`. Raises only
    SitemapError, and only when nothing can be read.
    """
    data = bytes(body)
    if data[:2] == b"\x1f\x8b":
        try:
            data = gunzip(data, max_size=MAX_SITEMAP_BYTES)
        except Exception as e:
            raise SitemapError(f"{url} is gzip that cannot be unpacked: {e}") from e
    text_start = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text_start:
        raise SitemapError(f"the sitemap at {url} is empty")
    if not text_start.startswith(b"<"):
        return _text_sitemap(text_start, url)
    return _xml_sitemap(text_start, url)


def _text_sitemap(data: bytes, url: str) -> Sitemap:
    lines = data.decode("utf-8", errors="replace").splitlines()
    links = [
        link
        for line in lines
        if line.strip().lower().startswith(("http://", "https://"))
        and (link := _absolute(line.strip(), url))
    ]
    if not links and lines:
        raise SitemapError(f"{url} is neither an XML sitemap nor a list of URLs")
    entries = tuple(
        FeedEntry(link=link, guid=None, title=None, published=None, updated=None, source="sitemap")
        for link in dict.fromkeys(links)
    )
    return Sitemap(kind="text", entries=entries, children=())


def _local(el: etree._Element) -> str:
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2].rpartition(":")[2].lower()


def _text(el: etree._Element | None) -> str:
    if el is None:
        return ""
    return " ".join("".join(t for t in el.itertext() if isinstance(t, str)).split())


def _child(el: etree._Element, name: str) -> etree._Element | None:
    return next((c for c in el if _local(c) == name), None)


def _xml_sitemap(data: bytes, url: str) -> Sitemap:
    parser = etree.XMLPullParser(
        events=("start", "end"),
        recover=True,
        no_network=True,
        resolve_entities=False,
        remove_comments=True,
        remove_pis=True,
        huge_tree=True,
    )
    kind = ""
    entries: dict[str, FeedEntry] = {}
    children: dict[str, SitemapChild] = {}
    try:
        parser.feed(data)
    except etree.XMLSyntaxError as e:
        if not kind:
            raise SitemapError(f"the sitemap at {url} is not XML that can be read: {e}") from e
    # Only events read so far: an element cut off by the end of the file has no end event yet.
    for event, el in parser.read_events():
        if not isinstance(el, etree._Element):
            continue
        name = _local(el)
        if event == "start":
            kind = kind or name
            continue
        if name == "url" and (entry := _url_entry(el, url)) is not None:
            entries.setdefault(entry.link, entry)
        elif name == "sitemap" and (link := _absolute(_text(_child(el, "loc")), url)):
            lastmod = parse_feed_date(_text(_child(el, "lastmod")))
            children.setdefault(link, SitemapChild(url=link, lastmod=lastmod))
        if name in ("url", "sitemap"):
            el.clear()
    if kind not in ("urlset", "sitemapindex"):
        what = f"<{kind}>" if kind else "not XML"
        raise SitemapError(f"{url} is {what}, not a sitemap: expected <urlset> or <sitemapindex>")
    return Sitemap(kind=kind, entries=tuple(entries.values()), children=tuple(children.values()))


def _url_entry(el: etree._Element, url: str) -> FeedEntry | None:
    link = _absolute(_text(_child(el, "loc")), url)
    if link is None:
        return None
    news = next((c for c in el if _local(c) == "news"), None)
    lastmod = parse_feed_date(_text(_child(el, "lastmod")))
    if news is None:
        return FeedEntry(
            link=link, guid=None, title=None, published=None, updated=lastmod, source="sitemap"
        )
    keywords = _text(_child(news, "keywords"))
    return FeedEntry(
        link=link,
        guid=None,
        title=_text(_child(news, "title")) or None,
        published=parse_feed_date(_text(_child(news, "publication_date"))),
        updated=lastmod,
        keywords=_keywords(keywords.split(",")) if keywords else (),
        source="news-sitemap",
    )


# --- what to follow -------------------------------------------------------------------------

_DATED_NAME = re.compile(
    r"(?<!\d)((?:19|20)\d\d)(?:[-_/.]?(0[1-9]|1[0-2])(?:[-_/.]?(0[1-9]|[12]\d|3[01]))?)?(?!\d)"
)
_NOT_ARTICLES = re.compile(
    r"(?:^|[-_/.])(?:tags?|categor(?:y|ies)|authors?|pages?|topics?|video|image|products?"
    r"|sections?|attachments?|users?|locations?)(?:[-_/.]|sitemap|$)",
    re.I,
)


def name_date_end(link: str) -> date | None:
    """The last day a dated sitemap name can cover (`sitemap-2024-06.xml`: 30 June 2024)."""
    path = urlsplit(link).path + "?" + urlsplit(link).query
    matches = list(_DATED_NAME.finditer(path))
    if not matches:
        return None
    year, month, day = matches[-1].groups()
    if day:
        return date(int(year), int(month), int(day))
    if month:
        following = date(int(year) + int(month) // 12, int(month) % 12 + 1, 1)
        return following - timedelta(days=1)
    return date(int(year), 12, 31)


def recent_children(sitemap: Sitemap, *, now: datetime, max_age: timedelta) -> list[SitemapChild]:
    """The children of an index that can hold articles newer than `now - max_age`.

    A child counts by its `lastmod`, else by a date in its name; a child with neither is kept
    unless its name says it lists tags, categories, authors, pages or media.
    """
    cutoff = now - max_age
    kept = []
    for child in sitemap.children:
        if child.lastmod is not None:
            if _aware(child.lastmod) >= cutoff:
                kept.append(child)
        elif (end := name_date_end(child.url)) is not None:
            if end >= cutoff.date():
                kept.append(child)
        elif not _NOT_ARTICLES.search(urlsplit(child.url).path.rsplit("/", 1)[-1]):
            kept.append(child)
    return kept


def recent_entries(
    entries: tuple[FeedEntry, ...], *, now: datetime, max_age: timedelta
) -> list[FeedEntry]:
    """Entries dated (published, else lastmod) after `now - max_age`, and the undated ones."""
    cutoff = now - max_age
    kept = []
    for entry in entries:
        when = entry.published or entry.updated
        if when is None or _aware(when) >= cutoff:
            kept.append(entry)
    return kept


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
