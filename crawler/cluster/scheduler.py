"""ClusterScheduler: scrapy-redis's scheduler, made safe for workers that die.

scrapy-redis pops a request off the shared queue and forgets it; a worker killed then loses it.
Here a request moves atomically (LMOVE) from the queue into the worker's own held list, and
leaves that list only once Scrapy is done with it (its follow-up requests queued, its item
pushed). Twice a second the worker refreshes its heartbeat, sends its per-site counters and
clears what it finished, in one transaction. An idle worker waits for work instead of closing
(it runs until stopped); SIGTERM makes Scrapy finish what it holds, and what is still held at
close is put back on the queue.

Scrapy offers no signal for "a request and all its output are handled"; the engine's set of
requests in progress says it, so the scheduler reads it (a private attribute, read defensively:
without it, a worker clears its held list only when its engine is idle, and a kill re-fetches
more).
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from redis.exceptions import RedisError
from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.misc import load_object
from scrapy_redis.scheduler import Scheduler
from twisted.internet.task import LoopingCall

from crawler.cluster import DEFAULT_PREFIX, DEFAULT_WORKER_TIMEOUT, Keys
from crawler.cluster.frontier import requeue, requeue_dead
from crawler.middlewares import ENTRY, RECHECK

logger = logging.getLogger(__name__)

TICK = 0.5  # seconds between heartbeats
REAP_EVERY = 4  # ticks between looks for dead workers


def _aware(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class ClusterScheduler(Scheduler):  # type: ignore[misc]
    """The shared queue with a held list per worker, a heartbeat, and no closing when idle."""

    crawler: Crawler
    df: Any  # scrapy-redis's RFPDupeFilter
    keys: Keys
    worker: str
    timeout: float

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ClusterScheduler:
        scheduler: ClusterScheduler = super().from_crawler(crawler)
        settings = crawler.settings
        scheduler.crawler = crawler
        scheduler.keys = Keys(settings.get("NEWSMON_KEY_PREFIX") or DEFAULT_PREFIX)
        scheduler.timeout = settings.getfloat("NEWSMON_WORKER_TIMEOUT", DEFAULT_WORKER_TIMEOUT)
        scheduler.worker = f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(3)}"
        scheduler.taken = {}
        scheduler.tainted = set()
        scheduler.ticks = 0
        scheduler.heartbeat = LoopingCall(scheduler.beat)
        crawler.signals.connect(scheduler.idle, signal=signals.spider_idle)
        return scheduler

    taken: dict[Request, bytes]  # request -> its encoded form in the held list
    tainted: set[Request]  # held while a write to Redis failed: queued again, not cleared
    ticks: int
    heartbeat: LoopingCall

    # --- taking and queueing ----------------------------------------------------------------

    def open(self, spider: Any) -> None:
        # scrapy-redis's open(), without its deprecated Spider.log() call
        self.spider = spider
        self.queue = load_object(self.queue_cls)(
            server=self.server, spider=spider, key=self.queue_key, serializer=self.serializer
        )
        if not self.df:
            self.df = load_object(self.dupefilter_cls).from_spider(spider)
        self.server.set(self.keys.alive(self.worker), "starting", px=int(self.timeout * 1000))
        self.server.sadd(self.keys.workers, self.worker)
        logger.info("worker %s takes requests from %s", self.worker, self.keys.requests)
        self.heartbeat.start(TICK, now=False)

    def next_request(self) -> Request | None:
        try:
            data = self.server.lmove(
                self.keys.requests, self.keys.held(self.worker), "RIGHT", "LEFT"
            )
        except RedisError as e:
            logger.warning("cannot take a request from Redis: %s", e)
            return None
        if data is None:
            return None
        request: Request = self.queue._decode_request(data)
        self.taken[request] = data
        if self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def enqueue_request(self, request: Request) -> bool:
        entry = request.meta.get(ENTRY)
        if entry is None:
            request.dont_filter = True  # feeds, sitemaps, listings: read on every crawl
        elif not request.dont_filter:
            self._newer_entry(request, entry)
        try:  # scrapy-redis's enqueue_request, without the deprecated spider argument
            queued = request.dont_filter or not self.df.request_seen(request)
            if queued:
                self.queue.push(request)
        except RedisError:
            self.taint()
            raise
        if queued and self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        if entry is not None and "site" in request.cb_kwargs and RECHECK not in request.meta:
            name = request.cb_kwargs["site"].name
            assert self.stats is not None
            self.stats.inc_value(f"newsmon/site/{name}/{'requests' if queued else 'known'}")
        return queued

    def _newer_entry(self, request: Request, entry: dict[str, Any]) -> None:
        """A stored article whose feed entry says it was updated after the stored copy was
        fetched is fetched again (the coordinator keeps `<p>:checked` at ingest)."""
        updated = entry.get("updated")
        if not updated:
            return
        checked = self.server.hget(self.keys.checked, request.url)
        if checked is None:
            return
        if _aware(updated) > _aware(checked.decode()):
            request.dont_filter = True
            request.meta[RECHECK] = 0  # a stored article whose id ingest looks up by URL
            if "site" in request.cb_kwargs:
                assert self.stats is not None
                name = request.cb_kwargs["site"].name
                self.stats.inc_value(f"newsmon/site/{name}/requests")
                self.stats.inc_value(f"newsmon/site/{name}/rechecks")

    def has_pending_requests(self) -> bool:
        try:
            return bool(super().has_pending_requests())
        except RedisError:
            return False

    def taint(self) -> None:
        """A write to Redis failed: what this worker holds now is queued again when done,
        since some of its output may be missing."""
        self.tainted.update(self.taken)

    def idle(self) -> None:
        """A worker does not close when the queue is empty: it waits for more."""
        raise DontCloseSpider

    # --- the heartbeat ------------------------------------------------------------------------

    def _in_progress(self) -> set[Request] | None:
        slot = getattr(self.crawler.engine, "_slot", None)
        found = getattr(slot, "inprogress", None)
        return found if isinstance(found, set) else None

    def beat(self, *, closing: bool = False) -> None:
        try:
            self._beat(closing)
        except RedisError as e:
            logger.warning("cannot reach Redis for the heartbeat: %s", e)

    def _beat(self, closing: bool) -> None:
        running = None if closing else self._in_progress()
        if closing:
            done = list(self.taken)
        elif running is not None:
            done = [request for request in self.taken if request not in running]
        else:
            engine = self.crawler.engine
            done = list(self.taken) if engine is not None and engine.spider_is_idle() else []
        counts, firsts = self.stats.take() if hasattr(self.stats, "take") else ({}, {})
        held = self.keys.held(self.worker)
        pipe = self.server.pipeline(transaction=True)
        for request in done:
            pipe.lrem(held, 1, self.taken[request])
            if request in self.tainted:
                pipe.rpush(self.keys.requests, self.taken[request])
        for key, count in counts.items():
            pipe.hincrby(self.keys.stats, key, count)
        for key, value in firsts.items():
            pipe.hsetnx(self.keys.stats, key, value)
        if not closing:
            pipe.set(self.keys.alive(self.worker), "working", px=int(self.timeout * 1000))
            pipe.sadd(self.keys.workers, self.worker)
        try:
            pipe.execute()
        except RedisError:
            if hasattr(self.stats, "give_back"):
                self.stats.give_back(counts, firsts)
            raise
        for request in done:
            del self.taken[request]
            self.tainted.discard(request)
        self.ticks += 1
        if self.ticks % REAP_EVERY == 0 and not closing:
            requeue_dead(self.server, self.keys)
            self._requeue_strays()
        if not closing and not self.taken and self.server.llen(self.keys.requests):
            slot = getattr(self.crawler.engine, "_slot", None)
            nextcall = getattr(slot, "nextcall", None)
            if nextcall is not None:
                nextcall.schedule()  # wake an idle engine now, not at its 5 s heartbeat

    def _requeue_strays(self) -> None:
        """Put back held entries this worker does not hold: a clearing lost with the last
        writes of a crashed Redis would otherwise keep the crawl from ever being drained."""
        mine = Counter(self.taken.values())
        held = self.keys.held(self.worker)
        for raw in self.server.lrange(held, 0, -1):
            if mine[raw] > 0:
                mine[raw] -= 1
            elif self.server.lrem(held, 1, raw):
                self.server.rpush(self.keys.requests, raw)

    def close(self, reason: str) -> None:
        """Scrapy has finished what it held (SIGTERM waits for it): clear it, put back what
        is left, and leave the cluster."""
        if self.heartbeat.running:
            self.heartbeat.stop()
        try:
            self._beat(closing=True)
            left = requeue(self.server, self.keys, self.worker)
            self.server.delete(self.keys.alive(self.worker))
            self.server.srem(self.keys.workers, self.worker)
        except RedisError as e:
            logger.warning(
                "worker %s cannot reach Redis as it stops (%s); what it held is queued again "
                "once its heartbeat expires",
                self.worker,
                e,
            )
            return
        if left:
            logger.info("worker %s put %d unfinished requests back on the queue", self.worker, left)
        logger.info("worker %s stopped (%s)", self.worker, reason)
