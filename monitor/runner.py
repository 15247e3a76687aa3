"""One cycle of newsmon: crawl (a Scrapy subprocess) -> match -> digests; and the run lock."""

from __future__ import annotations

import ctypes
import ctypes.util
import fcntl
import json
import os
import signal
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
from monitor.delivery import DeliveryResult, Plan, send_digests
from monitor.errors import ConfigError, CrawlError, NewsmonError
from monitor.mailer import Mailer

DEFAULT_SENDER = "newsmon <newsmon@localhost>"
PR_SET_PDEATHSIG = 1  # prctl(2)


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


def _die_with_parent() -> None:
    """In the child, before exec: get SIGTERM if the parent dies, even by SIGKILL (Linux)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: the parent's handlers still stop the child
        pass


def run_child(command: list[str], *, env: Mapping[str, str], grace: float = 10.0) -> int:
    """Run a child process to its end; if this process is interrupted (SIGINT, or SIGTERM,
    which the CLI turns into SystemExit), stop the child first: SIGTERM, then SIGKILL after
    `grace` seconds. So no crawl outlives the run that holds the lock."""
    child = subprocess.Popen(command, env=dict(env), preexec_fn=_die_with_parent)
    try:
        return child.wait()
    except BaseException:
        child.terminate()
        try:
            child.wait(grace)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        raise


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
        **config.crawl.scrapy_settings(),
        **(settings or {}),
    }
    command = [sys.executable, "-m", "scrapy", "crawl", "news"]
    for key, value in every.items():
        command += ["-s", f"{key}={value}"]
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "crawler.settings"}
    returncode = run_child(command, env=env)
    if returncode != 0:
        raise CrawlError(
            f"the crawl exited with code {returncode}; its log above says why "
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


def delivery_plan(config: Config) -> Plan:
    """What the config says about delivering digests."""
    sender = config.email.sender if config.email else DEFAULT_SENDER
    return Plan(
        watches=config.watches,
        schedule=config.schedule,
        sender=sender,
        max_items=config.digest.max_items,
        attempts=config.digest.attempts,
        config_path=str(config.path),
        unsubscribe=sender if config.email else None,
        sites=tuple(site.name for site in config.sites),
    )


def digest(
    config: Config, mailer: Mailer | None, *, now: datetime, everything: bool = False
) -> DeliveryResult:
    """Send (or, with no mailer, render only) one digest per recipient with due alerts."""
    store = open_store(config)
    try:
        return send_digests(store, mailer, delivery_plan(config), now=now, everything=everything)
    finally:
        store.close()


@dataclass(frozen=True)
class PruneResult:
    """What one prune did (`ran` is False when the last one was under a day ago)."""

    ran: bool
    articles: int = 0
    revisions: int = 0


def prune(config: Config, *, now: datetime, force: bool = True) -> PruneResult:
    """Drop bodies and revisions older than `[store] keep`, then VACUUM; without `force`, at
    most once a day (the run calls it so)."""
    keep = config.store.keep
    if keep is None:
        raise ConfigError(
            f'{config.path.name}: store.keep is not set; add keep = "365d" to [store] to say '
            "how long article bodies and revisions are kept"
        )
    store = open_store(config)
    try:
        last = store.runs.get_meta("last_prune")
        if not force and last and now - datetime.fromisoformat(last) < timedelta(days=1):
            return PruneResult(ran=False)
        articles, revisions = store.prune(now - keep)
        store.runs.set_meta("last_prune", now.isoformat())
        store.vacuum()
        return PruneResult(ran=True, articles=articles, revisions=revisions)
    finally:
        store.close()
