"""The one generic spider: reads each site's feeds, fetches articles it has not stored yet."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

import scrapy
from scrapy.crawler import Crawler
from scrapy.exceptions import UsageError
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.article import Article
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
from crawler.faults import fault_kind, is_transient, withholds_page
from crawler.hosts import HostDead
from crawler.items import ArticleItem
from crawler.middlewares import ENTRY, RECHECK
from crawler.pool import ExtractPool, default_workers
from crawler.problems import Problems, classify, quiet_scrapy_noise
from crawler.sites import Site, site_from_dict
from crawler.store import ArticleStore, Fetch

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

    from crawler.cluster.worker import Sink

logger = logging.getLogger(__name__)

SOURCE = "newsmon_source"  # meta: the feed or sitemap an article request comes from
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
    """Discovers articles through feeds and fetches the ones the store does not know.

    With NEWSMON_REDIS set it is a cluster worker (`crawler.cluster`): no store and no sites
    of its own; it takes requests from the shared queue and pushes what it finds to `sink`."""

    name = "news"

    def __init__(self, sites: list[Site], store: ArticleStore | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sites = sites
        self.store = store
        self.sink: Sink | None = None
        self.pool = ExtractPool(0)
        self.validators: dict[str, tuple[str | None, str | None]] = {}
        self.spoiled: set[str] = set()  # sources whose validators must not be saved this run

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        if settings.get("NEWSMON_REDIS"):  # a cluster worker: see crawler.cluster
            from crawler.cluster import cluster_settings

            current = {
                "NEWSMON_REDIS": settings.get("NEWSMON_REDIS"),
                "NEWSMON_KEY_PREFIX": settings.get("NEWSMON_KEY_PREFIX"),
                "ITEM_PIPELINES": settings.getdict("ITEM_PIPELINES"),
                "DOWNLOADER_MIDDLEWARES": settings.getdict("DOWNLOADER_MIDDLEWARES"),
            }
            settings.setdict(cluster_settings(current), priority="spider")

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        worker = bool(crawler.settings.get("NEWSMON_REDIS"))
        sites = sites_from_setting(crawler.settings.get("NEWSMON_SITES", "[]"))
        if not sites and not worker:
            raise UsageError(NO_SITES)
        store = None if worker else ArticleStore.open(crawler.settings.get("NEWSMON_DB"))
        spider = cls(sites, store, *args, **kwargs)
        spider._set_crawler(crawler)
        if worker:
            from crawler.cluster.worker import Sink

            spider.sink = Sink.from_settings(crawler.settings)
            spider.sink.crawler = crawler
        spider.problems = Problems(crawler)
        quiet_scrapy_noise()
        workers = str(crawler.settings.get("NEWSMON_EXTRACT_WORKERS", "auto"))
        if workers != "auto" and not workers.isdigit():
            raise UsageError(
                f"NEWSMON_EXTRACT_WORKERS is {workers!r}; give 'auto' or a number of worker "
                "processes (0: extract in the crawler's own process)"
            )
        count = default_workers() if workers == "auto" else int(workers)
        spider.pool = ExtractPool(count)
        if worker:
            from crawler.cluster.worker import WorkerExtractPool

            spider.pool = WorkerExtractPool(count)  # deaf to the stop signals of its group
            crawler.signals.connect(spider.on_error, signal=scrapy.signals.spider_error)
        crawler.signals.connect(spider.pool.start, signal=scrapy.signals.spider_opened)
        crawler.signals.connect(spider.on_closed, signal=scrapy.signals.spider_closed)
        return spider

    problems: Problems

    def on_error(self, failure: Failure, response: Response) -> None:
        """A cluster worker's callback failed on an article: the page was not stored, so the
        next crawl may queue it again (one machine refetches such a page the same way)."""
        request = response.request
        if self.sink is not None and request is not None and ENTRY in request.meta:
            self.sink.forget(request)

    def on_closed(self, reason: str = "finished") -> None:
        self.save_validators(reason)
        self.pool.close()
        if self.store is not None:
            self.store.close()

    def count(self, site: Site, key: str) -> None:
        stats = self.crawler.stats if hasattr(self, "crawler") else None  # none: seeding
        if stats is not None:
            stats.inc_value(f"newsmon/site/{site.name}/{key}")

    def request(self, url: str, callback: Any, site: Site, **kwargs: Any) -> scrapy.Request:
        self.count(site, "requests")
        request = scrapy.Request(
            url,
            callback=callback,
            errback=self.failed,
            cb_kwargs={"site": site, **kwargs},
        )
        if callback in (self.parse_feed, self.parse_sitemap):
            self.conditional(request)
        return request

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
        if self.sink is not None:
            return  # a cluster worker: the coordinator seeds the shared queue
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
        if self.not_modified(response, site):
            return
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
        yield from self.follow_entries(site, entries, source=self.modified(response))

    async def parse_article(
        self, response: Response, site: Site, entry: FeedEntry
    ) -> list[ArticleItem]:
        # A coroutine returning a list, not an async generator: Scrapy runs the output of an
        # async generator through CONCURRENT_ITEMS tasks per response, a cost per page.
        kind = _header(response.headers.get(b"Content-Type")) or "text/html"
        if "html" not in kind.lower():
            message = f"{response.url} is {kind.split(';')[0]}, not an HTML page; skipped"
            self.problems.add(site.name, "not_html", message)
            return self.feed_only(entry, site, response.status)
        extracted = await self.pool.extract_keyed(
            response.body,
            response.url,
            site=site,
            headers={str(k): str(v) for k, v in response.headers.to_unicode_dict().items()},
            now=datetime.now(UTC),
        )
        article, keys = extracted if extracted is not None else (None, None)
        recheck = response.meta.get(RECHECK)
        if article is None and recheck is not None:
            self.count(site, "not_article")
            if self.sink is not None:
                self.sink.checked(int(recheck), entry.link, response.status, site.name)
            else:
                assert self.store is not None
                fetch = Fetch(url=entry.link, status=response.status, schedule=site.recheck)
                self.store.checked(recheck, fetch, now=datetime.now(UTC))
            logger.warning(
                "site %s: %s no longer reads as an article (a paywall?); the stored copy is kept",
                site.name,
                response.url,
            )
            return []
        if article is None:
            self.count(site, "not_article")
            logger.info("site %s: %s is not an article page; skipped", site.name, response.url)
            return self.feed_only(entry, site, response.status)
        if article.published is None and entry.published is not None:
            article = replace(article, published=entry.published)
        headers = response.headers
        return [
            ArticleItem(
                article=article,
                site=site.name,
                fetched_url=response.url,
                link=entry.link,
                guid=entry.guid,
                status=response.status,
                etag=_header(headers.get(b"ETag")),
                last_modified=_header(headers.get(b"Last-Modified")),
                story_keys=keys,
            )
        ]

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
        yield from self.due_rechecks(site)

    def due_rechecks(self, site: Site) -> Iterator[scrapy.Request]:
        """Stored articles whose re-check has come, asked for whether or not a feed lists them
        (KnownArticleMiddleware makes them conditional; a feed listing one too is a duplicate
        Scrapy drops)."""
        assert self.store is not None
        for url in self.store.fetch.due(site.name, datetime.now(UTC)):
            entry = FeedEntry(
                link=url, guid=None, title=None, published=None, updated=None, source="recheck"
            )
            yield self.article_request(entry, site)

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
        if self.not_modified(response, site):
            return
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
            site,
            recent_entries(sitemap.entries, now=now, max_age=max_age),
            source=self.modified(response),
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

    def follow_entries(
        self, site: Site, entries: list[FeedEntry], *, source: str | None = None
    ) -> Iterator[scrapy.Request]:
        """Requests for the articles of discovered entries (KnownArticleMiddleware drops the
        stored ones that are not due for a re-check)."""
        entries = self.matching(site, entries)
        limit = self.settings.getint("NEWSMON_MAX_ENTRIES", 200)
        if len(entries) > limit:
            logger.info(
                "site %s: %d entries, following the first %d", site.name, len(entries), limit
            )
        for entry in entries[:limit]:
            request = self.article_request(entry, site)
            if source is not None:
                request.meta[SOURCE] = source
            yield request

    # --- conditional feeds and sitemaps -----------------------------------------------------------

    def conditional(self, request: scrapy.Request) -> None:
        """Ask for a feed or sitemap with its stored validators; a 304 reaches the callback."""
        request.meta["handle_httpstatus_list"] = [304]
        if self.store is None:
            return  # a cluster worker: the coordinator put the validators in its seeds
        state = self.store.fetch.get(request.url)
        if state is not None and state.etag:
            request.headers[b"If-None-Match"] = state.etag
        if state is not None and state.last_modified:
            request.headers[b"If-Modified-Since"] = state.last_modified

    def not_modified(self, response: Response, site: Site) -> bool:
        """Whether a feed or sitemap answered 304 (then it costs nothing more)."""
        if response.status != 304:
            return False
        self.count(site, "not_modified")
        self.count(site, "sources_ok")  # an unchanged source is a source that works
        logger.info("site %s: %s is unchanged (304)", site.name, response.url)
        return True

    def modified(self, response: Response) -> str:
        """Note a changed feed's or sitemap's validators, saved when the run ends well; its URL."""
        url = str(response.meta.get("redirect_urls", [response.url])[0])
        etag = _header(response.headers.get(b"ETag"))
        last_modified = _header(response.headers.get(b"Last-Modified"))
        if (etag or last_modified) and self.sink is not None:
            self.sink.source(url, etag, last_modified)  # saved by the coordinator, if unspoiled
        elif etag or last_modified:
            self.validators[url] = (etag, last_modified)
        return url

    def save_validators(self, reason: str) -> None:
        """Store the validators of the feeds and sitemaps read in this run, once every entry
        they listed was stored or answered for good: not after a crash or a shutdown (the
        spider closes with another reason), nor for a source whose articles met a transient
        fault (a timeout, a dead host, a 5xx, a 429), which the next run must list again."""
        if reason != "finished" or self.store is None:
            return
        now = datetime.now(UTC)
        for url, (etag, last_modified) in self.validators.items():
            if url not in self.spoiled:
                self.store.fetch.record(
                    Fetch(url=url, status=200, etag=etag, last_modified=last_modified), now=now
                )

    def feed_only(self, entry: FeedEntry, site: Site, status: int) -> list[ArticleItem]:
        """The entry as a feed-only article, when its source told the story (a feed or a news
        sitemap with a title): stored and matched, and replaced once the page can be read."""
        if entry.source not in ("feed", "news-sitemap") or not entry.title:
            return []
        article = Article(
            url=entry.link,
            title=entry.title,
            body=entry.summary or entry.title,
            published=entry.published,
            modified=entry.updated,
            tags=entry.keywords,
        )
        item = ArticleItem(
            article=article,
            site=site.name,
            fetched_url=entry.link,
            link=entry.link,
            guid=entry.guid,
            status=status,
            feed_only=True,
        )
        return [item]

    def failed(self, failure: Failure) -> list[ArticleItem]:
        request = failure.request  # type: ignore[attr-defined]
        site: Site = request.cb_kwargs["site"]
        error = failure.value
        assert error is not None
        kind = fault_kind(error)
        if SOURCE in request.meta and is_transient(kind):
            self.spoiled.add(request.meta[SOURCE])
            if self.sink is not None:
                self.sink.spoiled(request.meta[SOURCE])
        if self.sink is not None and ENTRY in request.meta and is_transient(kind):
            self.sink.forget(request)  # never read: the next crawl may queue it again
        entry = request.cb_kwargs.get("entry")
        withheld = (
            self.feed_only(entry, site, getattr(getattr(error, "response", None), "status", 0))
            if entry is not None and RECHECK not in request.meta and withholds_page(kind)
            else []
        )
        if kind == "deferred":
            self.count(site, "deferred")
        # a request skipped because its host is dead is told as the host's own failure
        cause = error.cause if isinstance(error, HostDead) else error
        problem, message = classify(cause, request.url)
        if not problem:
            logger.info("site %s: %s skipped: %s", site.name, request.url, message)
            return withheld
        if problem == "http" and request.callback == self.parse_feed:
            message += "; check its feeds in the config"
        if withheld:
            message += "; its feed entry is stored instead"
        level = logging.ERROR if problem == "http" else logging.WARNING
        self.problems.add(site.name, problem, message, level=level)
        return withheld
