"""One cycle of newsmon: crawl (a Scrapy subprocess) -> match -> digests; and the run lock."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from crawler.sites import site_to_dict
from crawler.store import ArticleStore
from monitor.alerts import MatchResult, match_new
from monitor.config import Config
from monitor.delivery import DeliveryResult, send_digests
from monitor.errors import CrawlError, NewsmonError
from monitor.mailer import Mailer

DEFAULT_SENDER = "newsmon <newsmon@localhost>"


@dataclass(frozen=True)
class CrawlResult:
    """Totals of one crawl over every site, and the rows per site."""

    requests: int
    new: int
    updated: int
    known: int
    errors: int
    sites: tuple[dict[str, object], ...]


def open_store(config: Config) -> ArticleStore:
    """The store, every migration applied."""
    return ArticleStore.open(config.store.path)


@contextmanager
def run_lock(config: Config) -> Iterator[None]:
    """Holds `<db>.lock` so that two newsmon runs never work on one store at once."""
    path = Path(f"{config.store.path}.lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as e:
            raise NewsmonError(
                f"another newsmon run is working on {config.store.path}; "
                "wait for it to finish (the lock is released when it exits)"
            ) from e
        yield


def crawl(
    config: Config,
    *,
    settings: Mapping[str, str] | None = None,
    log_level: str = "WARNING",
) -> CrawlResult:
    """Run `scrapy crawl news` in a subprocess over the configured sites."""
    run = uuid.uuid4().hex
    sites = [site_to_dict(s) for s in config.sites]
    every = {
        "NEWSMON_DB": str(config.store.path),
        "NEWSMON_SITES": json.dumps(sites),
        "NEWSMON_RUN": run,
        "LOG_LEVEL": log_level,
        **(settings or {}),
    }
    command = [sys.executable, "-m", "scrapy", "crawl", "news"]
    for key, value in every.items():
        command += ["-s", f"{key}={value}"]
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "crawler.settings"}
    done = subprocess.run(command, env=env, check=False)
    if done.returncode != 0:
        raise CrawlError(
            f"the crawl exited with code {done.returncode}; its log above says why "
            "(run with -v for more)"
        )
    store = open_store(config)
    try:
        rows = store.runs.of_run(run)
    finally:
        store.close()

    def total(key: str) -> int:
        return sum(int(r[key]) for r in rows)

    return CrawlResult(
        requests=total("requests"),
        new=total("new"),
        updated=total("updated"),
        known=total("known"),
        errors=total("errors"),
        sites=tuple(rows),
    )


def match(config: Config, *, now: datetime, backfill: timedelta | None = None) -> MatchResult:
    """Turn new and changed articles (and, with `backfill`, those published since) into alerts."""
    store = open_store(config)
    try:
        return match_new(store, config.watches, now=now, backfill=backfill)
    finally:
        store.close()


def digest(config: Config, mailer: Mailer | None, *, now: datetime) -> DeliveryResult:
    """Send (or, with no mailer, render only) one digest per recipient with pending alerts."""
    store = open_store(config)
    try:
        return send_digests(
            store,
            mailer,
            sender=config.email.sender if config.email else DEFAULT_SENDER,
            now=now,
            timezone=config.schedule.timezone,
        )
    finally:
        store.close()
