"""The store host's side of a cluster crawl: seed the shared queue, ingest what workers push.

The coordinator is the only process that reads and writes the SQLite store. It seeds each
site's discovery requests (feeds, sitemaps, listings, or home) and the re-checks that are due,
all with `dont_filter` (they bypass the persisted duplicate filter, so they happen on every
crawl) and with the stored validators (ETag, Last-Modified) as request headers, since workers
cannot read fetch_state. Ingest moves records from `<p>:items` to `<p>:ingesting`, stores them
in one transaction with the same code as the one-machine pipeline (`save_item`: dedupe,
revisions, story clusters), and deletes them only after the commit; records left in
`<p>:ingesting` by a killed ingest are stored first next time.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import redis
from redis.exceptions import RedisError
from scrapy import Request

from crawler.cluster import Keys
from crawler.cluster.frontier import outstanding, requeue_dead
from crawler.cluster.records import item_from
from crawler.cluster.serializer import dumps
from crawler.middlewares import ENTRY, RECHECK
from crawler.pipelines import outcome_counts, run_row, save_item
from crawler.sites import Site
from crawler.spiders.news import NewsSpider
from crawler.store import ArticleStore, Fetch

logger = logging.getLogger(__name__)

BATCH = 500  # records stored in one transaction


class ClusterError(Exception):
    """Redis cannot be reached or answered wrongly."""


def connect(url: str) -> Any:
    """A client for the cluster's Redis, checked with a PING."""
    try:
        server = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=30)
        server.ping()
    except (RedisError, ValueError) as e:
        raise ClusterError(f"cannot reach Redis at {url}: {str(e).rstrip('.')}") from e
    return server


def seed_requests(store: ArticleStore, sites: Sequence[Site]) -> list[Request]:
    """Every discovery request of `sites` and their due re-checks (due now), ready for any
    worker."""
    spider = NewsSpider(list(sites), store)
    found = []
    for site in sites:
        for request in spider.site_requests(site):
            request.dont_filter = True
            if ENTRY in request.meta:  # a due re-check: what KnownArticleMiddleware adds
                known = store.lookup([request.url])
                if known is None:
                    continue
                request.meta[RECHECK] = known.id
                state = store.fetch.get(request.url)
                if state is not None and state.etag:
                    request.headers[b"If-None-Match"] = state.etag
                if state is not None and state.last_modified:
                    request.headers[b"If-Modified-Since"] = state.last_modified
            found.append(request)
    return found


def seed(server: Any, keys: Keys, store: ArticleStore, sites: Sequence[Site]) -> int:
    """Put the seeds on the queue (and count them as their sites' requests); how many."""
    spider = NewsSpider(list(sites), store)
    requests = seed_requests(store, sites)
    pipe = server.pipeline(transaction=False)
    for request in requests:
        site: Site = request.cb_kwargs["site"]
        pipe.lpush(keys.requests, dumps(request.to_dict(spider=spider)))
        pipe.hincrby(keys.stats, f"{site.name}/requests", 1)
        if RECHECK in request.meta:
            pipe.hincrby(keys.stats, f"{site.name}/rechecks", 1)
    pipe.execute()
    return len(requests)


@dataclass
class Ingest:
    """Stores what workers push; keeps the tallies and validators a crawl's end needs."""

    server: Any
    keys: Keys
    store: ArticleStore
    sites: Mapping[str, Site]
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    counts: Counter[str] = field(default_factory=Counter)  # "<site>/<outcome>"
    sources: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    spoiled: set[str] = field(default_factory=set)
    stored: int = 0

    def drain(self, limit: int | None = None) -> int:
        """Store records until the list is empty (or `limit` batches); how many records."""
        done = self._commit(self.server.lrange(self.keys.ingesting, 0, -1))
        batches = 0
        while limit is None or batches < limit:
            pipe = self.server.pipeline(transaction=False)
            for _ in range(BATCH):
                pipe.lmove(self.keys.items, self.keys.ingesting, "RIGHT", "RIGHT")
            taken = [raw for raw in pipe.execute() if raw is not None]
            if not taken:
                break
            done += self._commit(taken)
            batches += 1
        return done

    def _commit(self, raws: Iterable[bytes]) -> int:
        records = [json.loads(raw) for raw in raws]
        if not records:
            return 0
        now = self.clock()
        checked: dict[str, str] = {}
        with self.store.batch():
            for record in records:
                self._apply(record, now, checked)
        pipe = self.server.pipeline(transaction=True)
        if checked:
            pipe.hset(self.keys.checked, mapping=checked)
        pipe.delete(self.keys.ingesting)  # only now: the records are committed
        pipe.execute()
        self.stored += len(records)
        return len(records)

    def _apply(self, record: dict[str, Any], now: datetime, checked: dict[str, str]) -> None:
        kind = record.get("kind")
        if kind == "article":
            item = item_from(record["item"])
            outcome = save_item(self.store, item, self.sites.get(item.site), now=now)
            for key in outcome_counts(item, outcome):
                self.counts[f"{item.site}/{key}"] += 1
            for url in {item.link or item.fetched_url, item.fetched_url}:
                checked[url] = now.isoformat()
        elif kind == "checked":
            site = self.sites.get(record["site"])
            schedule = site.recheck if site else ()
            fetch = Fetch(url=record["url"], status=int(record["status"]), schedule=schedule)
            article_id = int(record["article_id"])
            if not article_id:  # a re-check a worker started from a feed entry: by URL
                known = self.store.lookup([record["url"]])
                article_id = known.id if known else 0
            if article_id:
                self.store.checked(article_id, fetch, now=now)
            checked[record["url"]] = now.isoformat()
        elif kind == "source":
            self.sources[record["url"]] = (record.get("etag"), record.get("last_modified"))
        elif kind == "spoiled":
            self.spoiled.add(record["url"])
        elif kind == "hold":
            wait = timedelta(seconds=float(record["wait"]))
            hold = Fetch(url=record["url"], status=int(record["status"]), schedule=(wait,))
            self.store.fetch.record(hold, now=now, first_seen=now)
        else:
            logger.error("ingest: skipped a record of unknown kind %r", kind)

    def save_validators(self) -> int:
        """Store the validators of the feeds and sitemaps read, except the spoiled ones (an
        article they listed met a transient fault, so the next crawl must list it again)."""
        now = self.clock()
        saved = 0
        for url, (etag, last_modified) in self.sources.items():
            if url not in self.spoiled:
                fetch = Fetch(url=url, status=200, etag=etag, last_modified=last_modified)
                self.store.fetch.record(fetch, now=now)
                saved += 1
        self.sources.clear()
        self.spoiled.clear()
        return saved


def is_drained(server: Any, keys: Keys) -> bool:
    """No request queued and none held by a worker (dead workers' are queued again first)."""
    requeue_dead(server, keys)
    return outstanding(server, keys) == 0


def site_counts(server: Any, keys: Keys) -> dict[str, str]:
    """The workers' per-site counters of this crawl, "<site>/<key>" -> value."""
    raw = server.hgetall(keys.stats)
    return {k.decode(): v.decode() for k, v in raw.items()}


def record_runs(
    store: ArticleStore,
    run: str,
    sites: Sequence[Site],
    *,
    started: datetime,
    finished: datetime,
    workers: Mapping[str, str],
    ingested: Mapping[str, int],
) -> None:
    """One crawl_runs row per site, from the workers' counters and ingest's outcomes."""
    for site in sites:

        def count(key: str, name: str = site.name) -> int:
            value = workers.get(f"{name}/{key}", "0")
            return int(value) + ingested.get(f"{name}/{key}", 0)

        row = run_row(run, site.name, started, finished, count)
        row["error"] = workers.get(f"{site.name}/error")
        store.runs.record(row)
