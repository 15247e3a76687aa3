"""Cluster mode for the CLI and the runner: the coordinating crawl, `worker` and `ingest`.

`crawl()` is what `newsmon crawl` (and `newsmon run`, and the scheduler) do when the config has
a `[cluster]` table: seed the shared queue, work it with a local worker too (unless
`work=False`), ingest what the workers push while they go, and return once nothing is queued,
no worker holds a request and every pushed record is stored. See crawler.cluster.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from crawler.sites import Site
from monitor.config import ClusterConfig, Config
from monitor.errors import ConfigError, CrawlError, CrawlTimeout

POLL = 0.2  # seconds between looks at the queue while a crawl runs


def _cluster(config: Config) -> ClusterConfig:
    if config.cluster is None:
        raise ConfigError(
            f"{config.path.name}: no [cluster] table; add one with "
            'redis = "redis://store-host:6379/0" (README: More than one machine)'
        )
    return config.cluster


def worker_command(
    config: Config, *, settings: Mapping[str, str] | None = None, log_level: str = "INFO"
) -> tuple[list[str], dict[str, str]]:
    """The `scrapy crawl news` command line of a cluster worker, and its environment."""
    every = {
        "LOG_LEVEL": log_level,
        **_cluster(config).scrapy_settings(),
        **config.crawl.scrapy_settings(),
        **(settings or {}),
    }
    command = [sys.executable, "-m", "scrapy", "crawl", "news"]
    for key, value in every.items():
        command += ["-s", f"{key}={value}"]
    return command, {**os.environ, "SCRAPY_SETTINGS_MODULE": "crawler.settings"}


def _connect(config: Config) -> Any:
    from crawler.cluster.coordinator import ClusterError, connect

    cluster = _cluster(config)
    try:
        return connect(cluster.redis)
    except ClusterError as e:
        raise CrawlError(
            f"{e}; start Redis there, or fix [cluster] redis in {config.path.name}"
        ) from e


def reachable(config: Config) -> None:
    """Raise CrawlError naming the URL when the cluster's Redis does not answer."""
    _connect(config).close()


def ingest(config: Config) -> int:
    """Store every record the workers pushed; how many."""
    from crawler.cluster import Keys
    from crawler.cluster.coordinator import Ingest
    from monitor.runner import open_store

    server = _connect(config)
    store = open_store(config)
    try:
        sink = Ingest(server, Keys(_cluster(config).key_prefix), store, _by_name(config))
        count = sink.drain()
        sink.save_validators()
        return count
    finally:
        store.close()


def _by_name(config: Config) -> dict[str, Site]:
    return {site.name: site for site in config.sites}


def crawl(
    config: Config,
    *,
    sites: Sequence[Site],
    settings: Mapping[str, str] | None,
    log_level: str,
    timeout: float | None,
    work: bool = True,
) -> str:
    """Run one coordinated crawl of `sites`; the run id its crawl_runs rows carry."""
    from redis.exceptions import RedisError

    from crawler.cluster import Keys
    from crawler.cluster.coordinator import Ingest, is_drained, record_runs, seed, site_counts
    from crawler.cluster.frontier import live_workers
    from monitor.runner import CHILDREN, _die_with_parent, _record_crash, _stop, open_store

    cluster = _cluster(config)
    keys = Keys(cluster.key_prefix)
    run = uuid.uuid4().hex
    started = datetime.now(UTC)
    store = open_store(config)
    child: subprocess.Popen[bytes] | None = None
    try:
        server = _connect(config)  # unreachable: a failed run per site, as for a crash
        sink = Ingest(server, keys, store, _by_name(config))
        try:
            sink.drain()  # what an earlier, interrupted crawl left
            server.delete(keys.stats)
            seed(server, keys, store, sites)
            if work:
                command, env = worker_command(config, settings=settings, log_level=log_level)
                child = subprocess.Popen(command, env=env, preexec_fn=_die_with_parent)
                CHILDREN.add(child)
            deadline = None if timeout is None else time.monotonic() + timeout
            unattended = time.monotonic()
            while True:
                sink.drain(limit=1)
                if is_drained(server, keys):
                    break
                if child is not None and child.poll() is not None:
                    raise CrawlError(
                        f"the crawl's own worker exited with code {child.returncode}; its log "
                        "above says why (run with -v for more); the queue is kept"
                    )
                if live_workers(server, keys):
                    unattended = time.monotonic()
                elif time.monotonic() - unattended > 2 * cluster.worker_timeout:
                    raise CrawlError(
                        f"no worker took requests from {cluster.redis} for "
                        f"{2 * cluster.worker_timeout:.0f} s; start `newsmon worker` on a "
                        "worker host (or crawl without --no-work); the queue is kept"
                    )
                if deadline is not None and time.monotonic() >= deadline:
                    raise CrawlTimeout(
                        f"the crawl was still running after {timeout:.0f} s and was stopped; "
                        "its queue is kept and the next crawl resumes it"
                    )
                time.sleep(POLL)
            if child is not None:
                _stop(child, grace=30)
            sink.drain()
            sink.save_validators()
            workers = site_counts(server, keys)
        except RedisError as e:
            raise CrawlError(f"lost Redis at {cluster.redis}: {e}; the next crawl resumes") from e
        finished = datetime.now(UTC)
        ingested = {key: count for key, count in sink.counts.items()}
        record_runs(
            store,
            run,
            sites,
            started=started,
            finished=finished,
            workers=workers,
            ingested=ingested,
        )
    except CrawlError as e:
        _record_crash(store, run, sites, store.runs.of_run(run), started, str(e))
        raise
    finally:
        if child is not None:
            _stop(child, grace=30)
            CHILDREN.discard(child)
        store.close()
    return run
