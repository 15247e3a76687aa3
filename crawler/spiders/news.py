"""The one generic spider: reads each site's feeds, fetches articles it has not stored yet."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import scrapy
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.discovery import FeedEntry, FeedError, find_feed_links, parse_feed
from crawler.extract import extract_article
from crawler.items import ArticleItem
from crawler.middlewares import ENTRY, RECHECK
from crawler.sites import Site, site_from_dict
from crawler.store import ArticleStore, Fetch

logger = logging.getLogger(__name__)


def _header(value: bytes | None) -> str | None:
    return value.decode("latin-1") if value else None


def sites_from_setting(raw: str) -> list[Site]:
    """Sites from the NEWSMON_SITES setting (a JSON list of objects)."""
    return [site_from_dict(s) for s in json.loads(raw)]


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
        store = ArticleStore.open(crawler.settings.get("NEWSMON_DB"))
        spider = cls(sites, store, *args, **kwargs)
        spider._set_crawler(crawler)
        crawler.signals.connect(spider.on_closed, signal=scrapy.signals.spider_closed)
        return spider

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
            if site.feeds:
                for feed in site.feeds:
                    yield self.request(feed, self.parse_feed, site)
            else:
                yield self.request(site.home, self.parse_home, site)

    def parse_home(self, response: Response, site: Site) -> Iterator[scrapy.Request]:
        feeds = find_feed_links(response.body, response.url)
        if not feeds:
            self.count(site, "errors")
            logger.error(
                "site %s: no feed is linked from %s; add feeds = [...] to its [[site]] table",
                site.name,
                response.url,
            )
        for feed in feeds:
            yield self.request(feed, self.parse_feed, site)

    def parse_feed(self, response: Response, site: Site) -> Iterator[scrapy.Request]:
        content_type = response.headers.get("Content-Type")
        try:
            entries = parse_feed(
                response.body,
                response.url,
                content_type=content_type.decode("latin-1") if content_type else None,
            )
        except FeedError as e:
            self.count(site, "errors")
            logger.error("site %s: feed %s cannot be read: %s", site.name, response.url, e)
            return
        for entry in entries:
            yield self.article_request(entry, site)

    def parse_article(
        self, response: Response, site: Site, entry: FeedEntry
    ) -> Iterator[ArticleItem]:
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

    def failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        site: Site = request.cb_kwargs["site"]
        error = failure.value
        if isinstance(error, IgnoreRequest) and not isinstance(error, HttpError):
            logger.info("site %s: %s skipped: %s", site.name, request.url, error)
            return
        self.count(site, "errors")
        if isinstance(error, HttpError):
            problem = f"the server answered HTTP {error.response.status}"
        else:
            problem = f"{type(error).__name__}: {error}"
        fix = "; check its feeds in the config" if request.callback == self.parse_feed else ""
        logger.error("site %s: %s failed: %s%s", site.name, request.url, problem, fix)
