"""Cluster mode: the crawl frontier on Redis, shared by workers on many hosts.

With `NEWSMON_REDIS` set (newsmon's `[cluster] redis`), `scrapy crawl news` runs as a worker:
scrapy-redis's scheduler and persisted `RFPDupeFilter` hold the requests, and finished items go
to a Redis list instead of the SQLite store, which only the store's host writes (`coordinator`).
Only scrapy-redis's scheduler, dupefilter and queues are used: its `RedisSpider` reads start URLs
through `start_requests`, which newsmon's spider replaced with `start()`.

The Redis keys, all under one prefix (`[cluster] key_prefix`, default "newsmon"):

    <p>:requests        list   the shared queue (pickled requests, as scrapy-redis stores them)
    <p>:dupefilter      set    fingerprints of the article requests ever queued (persisted)
    <p>:held:<worker>   list   the requests a worker took and has not finished
    <p>:alive:<worker>  string a worker's heartbeat; expires after `worker_timeout` seconds
    <p>:workers         set    the workers that may hold requests
    <p>:items           list   finished records (JSON) waiting for ingest
    <p>:ingesting       list   records ingest took and has not committed yet
    <p>:stats           hash   per-site counters of the current crawl (for crawl_runs)
    <p>:checked         hash   article URL -> when last fetched (a newer feed entry re-fetches)
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_PREFIX = "newsmon"
DEFAULT_WORKER_TIMEOUT = 30.0


@dataclass(frozen=True)
class Keys:
    """The Redis key names of one cluster."""

    prefix: str = DEFAULT_PREFIX

    @property
    def requests(self) -> str:
        return f"{self.prefix}:requests"

    @property
    def dupefilter(self) -> str:
        return f"{self.prefix}:dupefilter"

    @property
    def workers(self) -> str:
        return f"{self.prefix}:workers"

    @property
    def items(self) -> str:
        return f"{self.prefix}:items"

    @property
    def ingesting(self) -> str:
        return f"{self.prefix}:ingesting"

    @property
    def stats(self) -> str:
        return f"{self.prefix}:stats"

    @property
    def checked(self) -> str:
        return f"{self.prefix}:checked"

    @property
    def held_prefix(self) -> str:
        return f"{self.prefix}:held:"

    def held(self, worker: str) -> str:
        return f"{self.held_prefix}{worker}"

    def alive(self, worker: str) -> str:
        return f"{self.prefix}:alive:{worker}"


def cluster_settings(settings: dict[str, object]) -> dict[str, object]:
    """The Scrapy settings that turn `scrapy crawl news` into a cluster worker, from the
    current ones (`ITEM_PIPELINES` and `DOWNLOADER_MIDDLEWARES` as dicts)."""
    keys = Keys(str(settings.get("NEWSMON_KEY_PREFIX") or DEFAULT_PREFIX))
    pipelines = dict(settings["ITEM_PIPELINES"])  # type: ignore[call-overload]
    pipelines["crawler.pipelines.StorePipeline"] = None
    pipelines["crawler.cluster.worker.PushPipeline"] = 300
    middlewares = dict(settings["DOWNLOADER_MIDDLEWARES"])  # type: ignore[call-overload]
    middlewares["crawler.middlewares.KnownArticleMiddleware"] = None
    middlewares["crawler.cluster.worker.RecheckMiddleware"] = 80
    middlewares["crawler.hosts.HostGuard"] = None
    middlewares["crawler.cluster.worker.WorkerHostGuard"] = 560
    return {
        "SCHEDULER": "crawler.cluster.scheduler.ClusterScheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.FifoQueue",
        "SCHEDULER_SERIALIZER": "crawler.cluster.serializer",
        "SCHEDULER_QUEUE_KEY": keys.requests,
        "SCHEDULER_DUPEFILTER_KEY": keys.dupefilter,
        "REDIS_URL": settings["NEWSMON_REDIS"],
        "STATS_CLASS": "crawler.cluster.worker.SiteStatsCollector",
        # one process: a worker host runs one worker per core, and a stop signal sent to the
        # worker's process group (systemd, Ctrl-C) then cannot break extraction mid-page
        "NEWSMON_EXTRACT_WORKERS": "0",
        "ITEM_PIPELINES": pipelines,
        "DOWNLOADER_MIDDLEWARES": middlewares,
    }
