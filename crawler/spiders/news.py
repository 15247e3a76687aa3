"""The one generic spider: reads each site's feeds, fetches articles it has not stored yet."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urljoin

import scrapy
from scrapy.crawler import Crawler
from scrapy.exceptions import UsageError
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.discovery import (
    FeedEntry,
    FeedError,
    SitemapError,
    find_article_links,
    find_feed_links,
    parse_feed,
    parse_sitemap,
    recent_children,
    recent_entries,
    robots_sitemaps,
)
from crawler.extract import extract_article
from crawler.items import ArticleItem
from crawler.middlewares import ENTRY, RECHECK
from crawler.problems import Problems, classify, quiet_scrapy_noise
from crawler.sites import Site, site_from_dict
from crawler.store import ArticleStore, Fetch

logger = logging.getLogger(__name__)

MAX_SITEMAP_DEPTH = 3  # an index of indexes of indexes; deeper is a loop or a mistake


NO_SITES = (
    "no sites to crawl: run `newsmon crawl` (it reads newsmon.toml and passes the sites), "
    'or give them yourself: scrapy crawl news -s NEWSMON_SITES=\'[{"name": "example", '
    '"home": "https://news.example.com/"}]\' -s NEWSMON_DB=newsmon.db'
)


def _header(value: bytes | None) -> str | None:
    return value.decode("latin-1") if value else None


def sites_from_setting(raw: str) -> list[Site]:
    """Sites from the NEWSMON_SITES setting (a JSON list of objects)."""
    try:
        entries = json.loads(raw)
        return [site_from_dict(entry) for entry in entries]
    except (ValueError, TypeError, KeyError) as e:
        why = f"a site has no {e}" if isinstance(e, KeyError) else str(e)
        raise UsageError(
            f"NEWSMON_SITES is not a JSON list of sites with name and home ({why}); {NO_SITES}"
        ) from e


class NewsSpider(scrapy.Spider):
    """Discovers articles through feeds and fetches the ones the store does not know."""

    name = "news"

    def __init__(self, sites: list[Site], store: ArticleStore, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sites = sites
        self.store = store

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        sites = sites_from_setting(crawler.settings.get("NEWSMON_SITES", "[]"))
        if not sites:
            raise UsageError(NO_SITES)
        store = ArticleStore.open(crawler.settings.get("NEWSMON_DB"))
        spider = cls(sites, store, *args, **kwargs)
        spider._set_crawler(crawler)
        spider.problems = Problems(crawler)
        quiet_scrapy_noise()
        crawler.signals.connect(spider.on_closed, signal=scrapy.signals.spider_closed)
        return spider

    problems: Problems

    def on_closed(self) -> None:
        self.store.close()

    def count(self, site: Site, key: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"newsmon/site/{site.name}/{key}")

    def request(self, url: str, callback: Any, site: Site, **kwargs: Any) -> scrapy.Request:
        self.count(site, "requests")
        return scrapy.Request(
            url,
            callback=callback,
            errback=self.failed,
            cb_kwargs={"site": site, **kwargs},
        )

    def article_request(self, entry: FeedEntry, site: Site) -> scrapy.Request:
        """A request for an entry's article; KnownArticleMiddleware counts it, or drops it when
        the article is stored and not due for a re-check."""
        updated = entry.updated.isoformat() if entry.updated else None
        return scrapy.Request(
            entry.link,
            callback=self.parse_article,
            errback=self.failed,
            cb_kwargs={"site": site, "entry": entry},
            meta={ENTRY: {"guid": entry.guid, "updated": updated}},
        )

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for site in self.sites:
            for request in self.site_requests(site):
                yield request

    def parse_home(self, response: Response, site: Site) -> Iterator[scrapy.Request]:
        self.count(site, "sources_ok")
        feeds = find_feed_links(response.body, response.url)
        for feed in feeds:
            yield self.request(feed, self.parse_feed, site)
        if not feeds:
            yield from self.home_without_feeds(response, site)

    def parse_feed(self, response: Response, site: Site) -> Iterator[scrapy.Request]:
        content_type = response.headers.get("Content-Type")
        try:
            entries = parse_feed(
                response.body,
                response.url,
                content_type=content_type.decode("latin-1") if content_type else None,
            )
        except FeedError as e:
            message = f"feed {response.url} cannot be read: {e}"
            self.problems.add(site.name, "unreadable", message, level=logging.ERROR)
            return
        self.count(site, "sources_ok")
        yield from self.follow_entries(site, entries)

    def parse_article(
        self, response: Response, site: Site, entry: FeedEntry
    ) -> Iterator[ArticleItem]:
        kind = _header(response.headers.get(b"Content-Type")) or "text/html"
        if "html" not in kind.lower():
            message = f"{response.url} is {kind.split(';')[0]}, not an HTML page; skipped"
            self.problems.add(site.name, "not_html", message)
            return
        article = extract_article(
            response.body,
            response.url,
            site=site,
            headers={str(k): str(v) for k, v in response.headers.to_unicode_dict().items()},
            now=datetime.now(UTC),
        )
        recheck = response.meta.get(RECHECK)
        if article is None and recheck is not None:
            self.count(site, "not_article")
            fetch = Fetch(url=entry.link, status=response.status, schedule=site.recheck)
            self.store.checked(recheck, fetch, now=datetime.now(UTC))
            logger.warning(
                "site %s: %s no longer reads as an article (a paywall?); the stored copy is kept",
                site.name,
                response.url,
            )
            return
        if article is None:
            self.count(site, "not_article")
            logger.info("site %s: %s is not an article page; skipped", site.name, response.url)
            return
        if article.published is None and entry.published is not None:
            article = replace(article, published=entry.published)
        headers = response.headers
        yield ArticleItem(
            article=article,
            site=site.name,
            fetched_url=response.url,
            link=entry.link,
            guid=entry.guid,
            status=response.status,
            etag=_header(headers.get(b"ETag")),
            last_modified=_header(headers.get(b"Last-Modified")),
        )

    # --- sitemaps and listing pages --------------------------------------------------------------

    def site_requests(self, site: Site) -> Iterator[scrapy.Request]:
        """The discovery requests of a site: its feeds, sitemaps and listings, else its home."""
        for feed in site.feeds:
            yield self.request(feed, self.parse_feed, site)
        for sitemap in site.sitemaps:
            yield self.request(sitemap, self.parse_sitemap, site, depth=0)
        for listing in site.listings:
            yield self.request(listing, self.parse_listing, site)
        if not site.sources:
            yield self.request(site.home, self.parse_home, site)

    def home_without_feeds(self, response: Response, site: Site) -> Iterator[scrapy.Request]:
        """No feed linked from home: the sitemaps robots.txt names, else home as a listing."""
        links = find_article_links(
            response.body, response.url, home=site.home, pattern=site.article_pattern
        )
        self.count(site, "requests")
        yield scrapy.Request(
            urljoin(response.url, "/robots.txt"),
            callback=self.parse_robots,
            errback=self.failed,
            cb_kwargs={"site": site, "fallback": links, "home": response.url},
            meta={"handle_httpstatus_all": True},  # no robots.txt is an answer too
        )

    def parse_robots(
        self, response: Response, site: Site, fallback: list[FeedEntry], home: str
    ) -> Iterator[scrapy.Request]:
        sitemaps = robots_sitemaps(response.body, response.url) if response.status == 200 else []
        for sitemap in sitemaps:
            yield self.request(sitemap, self.parse_sitemap, site, depth=0)
        if not sitemaps:
            yield from self.fall_back_to_listing(site, fallback, home)

    def fall_back_to_listing(
        self, site: Site, links: list[FeedEntry], home: str
    ) -> Iterator[scrapy.Request]:
        if not links:
            self.count(site, "errors")
            logger.error(
                "site %s: %s links no feed and no article, and robots.txt names no sitemap; "
                "add feeds, sitemaps or listings (and maybe article_pattern) to its [[site]]",
                site.name,
                home,
            )
        yield from self.follow_entries(site, links)

    def parse_sitemap(self, response: Response, site: Site, depth: int) -> Iterator[scrapy.Request]:
        try:
            sitemap = parse_sitemap(response.body, response.url)
        except SitemapError as e:
            message = f"sitemap {response.url} cannot be read: {e}"
            self.problems.add(site.name, "unreadable", message, level=logging.ERROR)
            return
        self.count(site, "sources_ok")
        now = datetime.now(UTC)
        max_age = timedelta(days=self.settings.getfloat("NEWSMON_SITEMAP_DAYS", 2))
        if depth < MAX_SITEMAP_DEPTH:
            for child in recent_children(sitemap, now=now, max_age=max_age):
                yield self.request(child.url, self.parse_sitemap, site, depth=depth + 1)
        yield from self.follow_entries(
            site, recent_entries(sitemap.entries, now=now, max_age=max_age)
        )

    def parse_listing(self, response: Response, site: Site) -> Iterator[scrapy.Request]:
        self.count(site, "sources_ok")
        links = find_article_links(
            response.body, response.url, home=site.home, pattern=site.article_pattern
        )
        if not links:
            logger.warning("site %s: no article links found on %s", site.name, response.url)
        yield from self.follow_entries(site, links)

    @staticmethod
    def matching(site: Site, entries: list[FeedEntry]) -> list[FeedEntry]:
        """The entries whose link matches the site's article_pattern (all, without one)."""
        if not site.article_pattern:
            return entries
        pattern = re.compile(site.article_pattern)
        return [entry for entry in entries if pattern.search(entry.link)]

    def follow_entries(self, site: Site, entries: list[FeedEntry]) -> Iterator[scrapy.Request]:
        """Requests for the articles of discovered entries (KnownArticleMiddleware drops the
        stored ones that are not due for a re-check)."""
        entries = self.matching(site, entries)
        limit = self.settings.getint("NEWSMON_MAX_ENTRIES", 200)
        if len(entries) > limit:
            logger.info(
                "site %s: %d entries, following the first %d", site.name, len(entries), limit
            )
        for entry in entries[:limit]:
            yield self.article_request(entry, site)

    def failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        site: Site = request.cb_kwargs["site"]
        assert failure.value is not None
        kind, message = classify(failure.value, request.url)
        if not kind:
            logger.info("site %s: %s skipped: %s", site.name, request.url, message)
            return
        if kind == "http" and request.callback == self.parse_feed:
            message += "; check its feeds in the config"
        level = logging.ERROR if kind == "http" else logging.WARNING
        self.problems.add(site.name, kind, message, level=level)
