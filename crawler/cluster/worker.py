"""The parts a cluster worker runs instead of the ones that need the SQLite store.

- `Sink`: pushes records (`crawler.cluster.records`) to `<p>:items` for ingest.
- `PushPipeline`: each validated item goes to the sink (StorePipeline's place).
- `RecheckMiddleware`: a re-check answered 304, 404, 410 or an error becomes a "checked"
  record (KnownArticleMiddleware's answer half; the known/due half is the persisted
  dupefilter and the coordinator's seeding).
- `WorkerHostGuard`: HostGuard with its holds kept in memory, each pushed for ingest.
- `SiteStatsCollector`: Scrapy's stats, whose per-site counters also go to `<p>:stats`.
- `WorkerExtractPool`: the extraction pool, its processes deaf to SIGTERM and SIGINT.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from typing import Any

from redis.exceptions import RedisError
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy.statscollectors import MemoryStatsCollector
from scrapy_redis.connection import get_redis_from_settings
from scrapy_redis.dupefilter import RFPDupeFilter

from crawler.cluster import DEFAULT_PREFIX, Keys
from crawler.cluster.records import item_record, record
from crawler.hosts import HostGuard
from crawler.items import ArticleItem
from crawler.middlewares import drop_recheck, recheck_answer
from crawler.pool import ExtractPool
from crawler.sites import Site
from crawler.store import Fetch

logger = logging.getLogger(__name__)

SITE_STATS = "newsmon/site/"


class Sink:
    """Where a worker's records go: the `<p>:items` list."""

    def __init__(self, server: Any, keys: Keys) -> None:
        self.server = server
        self.keys = keys
        self.crawler: Crawler | None = None

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> Sink:
        keys = Keys(settings.get("NEWSMON_KEY_PREFIX") or DEFAULT_PREFIX)
        return cls(get_redis_from_settings(settings), keys)

    def push(self, data: bytes) -> None:
        try:
            self.server.lpush(self.keys.items, data)
        except RedisError:
            self._taint()
            raise

    def _taint(self) -> None:
        engine = self.crawler.engine if self.crawler else None
        scheduler = getattr(engine, "scheduler", None)
        taint = getattr(scheduler, "taint", None)
        if taint is not None:
            taint()

    def item(self, item: ArticleItem) -> None:
        self.push(item_record(item))

    def checked(self, article_id: int, url: str, status: int, site: str) -> None:
        self.push(record("checked", article_id=article_id, url=url, status=status, site=site))

    def source(self, url: str, etag: str | None, last_modified: str | None) -> None:
        self.push(record("source", url=url, etag=etag, last_modified=last_modified))

    def spoiled(self, url: str) -> None:
        self.push(record("spoiled", url=url))

    def forget(self, request: Request) -> None:
        """Drop an article request's fingerprint, so the next crawl may queue it again (its
        fetch met a transient fault: the page was never read)."""
        fingerprint = RFPDupeFilter(self.server, self.keys.dupefilter).request_fingerprint(request)
        self.server.srem(self.keys.dupefilter, fingerprint)


def _sink(crawler: Crawler) -> Sink:
    sink = Sink.from_settings(crawler.settings)
    sink.crawler = crawler
    return sink


class PushPipeline:
    """Pushes each item to Redis for the ingest on the store's host."""

    def __init__(self, sink: Sink) -> None:
        self.sink = sink

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PushPipeline:
        return cls(_sink(crawler))

    def process_item(self, item: ArticleItem) -> ArticleItem:
        self.sink.item(item)
        return item


class RecheckMiddleware:
    """A re-check's answer without a new version is recorded through ingest."""

    def __init__(self, crawler: Crawler, sink: Sink) -> None:
        self.crawler = crawler
        self.sink = sink

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RecheckMiddleware:
        return cls(crawler, _sink(crawler))

    def process_response(self, request: Request, response: Response) -> Response:
        article_id = recheck_answer(request, response)
        if article_id is None:
            return response
        site: Site = request.cb_kwargs["site"]
        self.sink.checked(article_id, request.url, response.status, site.name)
        drop_recheck(request, response, self.crawler)


class _Holds:
    """Stands in for the store HostGuard writes a hold to: the hold goes to ingest."""

    def __init__(self, sink: Sink) -> None:
        self.sink = sink
        self.fetch = self

    def record(self, fetch: Fetch, *, now: datetime, **_: Any) -> None:
        wait = max((span.total_seconds() for span in fetch.schedule), default=0.0)
        self.sink.push(record("hold", url=fetch.url, status=fetch.status, wait=wait))


class WorkerHostGuard(HostGuard):
    """HostGuard on a worker: holds are kept in memory, and each is pushed for the store."""

    def __init__(self, crawler: Crawler, sink: Sink) -> None:
        super().__init__(crawler, "")
        self.holds = _Holds(sink)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WorkerHostGuard:
        return cls(crawler, _sink(crawler))

    def _store(self) -> Any:
        return self.holds

    def _held_until(self, key: str) -> datetime | None:
        return self.held.get(key)


class SiteStatsCollector(MemoryStatsCollector):
    """Scrapy's stats; the `newsmon/site/...` counters are also kept for the heartbeat to
    send to `<p>:stats` (the coordinator writes crawl_runs from them)."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.pending: Counter[str] = Counter()
        self.firsts: dict[str, str] = {}

    def inc_value(self, key: str, count: int = 1, start: int = 0, spider: Any = None) -> None:
        super().inc_value(key, count, start)
        if key.startswith(SITE_STATS):
            self.pending[key[len(SITE_STATS) :]] += count

    def set_value(self, key: str, value: Any, spider: Any = None) -> None:
        super().set_value(key, value)
        if key.startswith(SITE_STATS) and key.endswith("/error"):
            self.firsts.setdefault(key[len(SITE_STATS) :], str(value))

    def take(self) -> tuple[dict[str, int], dict[str, str]]:
        counts, firsts = dict(self.pending), dict(self.firsts)
        self.pending.clear()
        self.firsts.clear()
        return counts, firsts

    def give_back(self, counts: dict[str, int], firsts: dict[str, str]) -> None:
        self.pending.update(counts)
        for key, value in firsts.items():
            self.firsts.setdefault(key, value)


def _ignore_stop_signals() -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class WorkerExtractPool(ExtractPool):
    """The extraction pool of a worker. systemd (and Ctrl-C) signal the whole process group;
    the pool's processes ignore that, so the pages a stopping worker holds are still
    extracted, and the worker's close shuts them down."""

    def _executor(self) -> ProcessPoolExecutor:
        if self.executor is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["crawler.extract", "crawler.pool"])
            self.executor = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=context, initializer=_ignore_stop_signals
            )
            logger.info("extracting in %d worker processes", self.workers)
        return self.executor
