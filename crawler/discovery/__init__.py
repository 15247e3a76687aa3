"""Discovery: where a site's articles are listed, read without I/O.

Feeds and their `<link rel=alternate>` autodiscovery (`feeds`), sitemaps and robots.txt
`Sitemap:` lines (`sitemaps`), and article links on listing pages (`listings`). Every source
yields `FeedEntry` values: the article's link and what the source says about it.
"""

from crawler.dates import parse_feed_date as parse_date
from crawler.discovery.feeds import FeedEntry, FeedError, find_feed_links, parse_feed
from crawler.discovery.listings import find_article_links, looks_like_article
from crawler.discovery.sitemaps import (
    Sitemap,
    SitemapChild,
    SitemapError,
    parse_sitemap,
    recent_children,
    recent_entries,
    robots_sitemaps,
)
from crawler.discovery.sniff import NothingFound, discover

__all__ = [
    "FeedEntry",
    "FeedError",
    "NothingFound",
    "Sitemap",
    "SitemapChild",
    "SitemapError",
    "discover",
    "find_article_links",
    "find_feed_links",
    "looks_like_article",
    "parse_date",
    "parse_feed",
    "parse_sitemap",
    "recent_children",
    "recent_entries",
    "robots_sitemaps",
]
