"""`discover`: whatever a URL or file holds (feed, sitemap, robots.txt, page), its article links.

Used by `newsmon discover` to show a user what newsmon finds at an address and why a site may
yield nothing. The kind is sniffed from the bytes, never from the name or the content type.
"""

from __future__ import annotations

import re
from dataclasses import replace

from crawler.discovery.feeds import FeedEntry, FeedError, find_feed_links, parse_feed
from crawler.discovery.listings import find_article_links
from crawler.discovery.sitemaps import MAX_SITEMAP_BYTES, parse_sitemap, robots_sitemaps

_SITEMAP_ROOT = re.compile(rb"<(?:[\w-]+:)?(?:urlset|sitemapindex)[\s>]")
_ROBOTS_LINE = re.compile(rb"^\s*(?:user-agent|disallow|allow|sitemap)\s*:", re.I | re.M)


class NothingFound(ValueError):
    """What was read holds no article links; the message says what it is and why."""


def discover(
    body: bytes, url: str, *, content_type: str | None = None, pattern: str | None = None
) -> list[FeedEntry]:
    """Every entry `body` lists: a feed's entries, a urlset's URLs, an index's child sitemaps
    (source "sitemap-index"), robots.txt's sitemaps (source "robots"), or a page's feed links
    (source "feed-link") and article links (source "listing"). No date filter.
    """
    data = bytes(body)
    if data[:2] == b"\x1f\x8b" or _SITEMAP_ROOT.search(data[:4096]):
        sitemap = parse_sitemap(data[:MAX_SITEMAP_BYTES], url)
        children = [
            replace(_link(child.url, "sitemap-index"), updated=child.lastmod)
            for child in sitemap.children
        ]
        return [*sitemap.entries, *children]
    start = data.lstrip()[:1]
    if start not in (b"<", b"{", b"[") and _ROBOTS_LINE.search(data[:65536]):
        return [_link(link, "robots") for link in robots_sitemaps(data, url)]
    if data.lstrip()[:4].lower() == b"http":  # a text sitemap: one URL a line
        return list(parse_sitemap(data, url).entries)
    try:
        return parse_feed(data, url, content_type=content_type)
    except FeedError as e:
        if "HTML" not in str(e):
            raise NothingFound(str(e)) from e
    feeds = [_link(link, "feed-link") for link in find_feed_links(data, url)]
    return [*feeds, *find_article_links(data, url, pattern=pattern)]


def _link(link: str, source: str) -> FeedEntry:
    return FeedEntry(link=link, guid=None, title=None, published=None, updated=None, source=source)
