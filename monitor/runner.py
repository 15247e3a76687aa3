"""One cycle of newsmon: crawl (a Scrapy subprocess) -> match -> digests; the run lock; which
sites are due."""

from __future__ import annotations

import ctypes
import ctypes.util
import fcntl
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from crawler.sites import Site, site_to_dict
from crawler.store import ArticleStore
from monitor.alerts import MatchResult, match_new
from monitor.config import Config
from monitor.delivery import DeliveryResult, Plan, send_digests
from monitor.errors import ConfigError, CrawlError, CrawlTimeout, LockHeld
from monitor.health import newly_raised
from monitor.mailer import Mailer

DEFAULT_SENDER = "newsmon <newsmon@localhost>"
#: A site is due this much (at most) before `every` has passed: see next_due().
MAX_SLACK = timedelta(minutes=2)
PR_SET_PDEATHSIG = 1  # prctl(2)


@dataclass(frozen=True)
class CrawlResult:
    """Totals of one crawl over its sites, and the crawl_runs rows per site."""

    requests: int
    new: int
    updated: int
    known: int
    errors: int
    sites: tuple[dict[str, object], ...]

    @property
    def failed(self) -> tuple[dict[str, object], ...]:
        """The rows of the sites whose crawl did not work (no source could be read)."""
        return tuple(row for row in self.sites if not row.get("ok", 1))


def open_store(config: Config) -> ArticleStore:
    """The store, every migration applied."""
    return ArticleStore.open(config.store.path)


def lock_path(config: Config) -> Path:
    return Path(f"{config.store.path}.lock")


@contextmanager
def run_lock(config: Config, *, wait: float = 0.0, poll: float = 0.5) -> Iterator[None]:
    """Holds `<db>.lock` so that two newsmon runs never work on one store at once.

    An flock(2) lock: the kernel drops it when its holder exits, however it exits (SIGKILL
    included), so a killed run leaves no stale lock; the file stays and is simply taken over.
    Without `wait` the answer is immediate (LockHeld, exit 75); the scheduler waits a while.
    The holder writes its pid and start time into the file, for the message of the next one.
    """
    path = lock_path(config)
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait
    with path.open("a+") as handle:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError as e:
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    holder = handle.read().strip()
                    raise LockHeld(
                        f"another newsmon run ({holder or 'pid unknown'}) is working on "
                        f"{config.store.path}; this one stops and the next tries again "
                        f"(the lock, {path.name}, goes when that run exits)"
                    ) from e
                time.sleep(poll)
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}, since {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC\n")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()


def _die_with_parent() -> None:
    """In the child, before exec: get SIGTERM if the parent dies, even by SIGKILL (Linux)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: the parent's handlers still stop the child
        pass


class Children:
    """The crawl children running now, so a daemon's signal handler can stop them."""

    def __init__(self) -> None:
        self.running: set[subprocess.Popen[bytes]] = set()
        self.lock = threading.Lock()

    def add(self, child: subprocess.Popen[bytes]) -> None:
        with self.lock:
            self.running.add(child)

    def discard(self, child: subprocess.Popen[bytes]) -> None:
        with self.lock:
            self.running.discard(child)

    def stop(self, grace: float = 5.0) -> None:
        """Stop every child now (a daemon is stopping): SIGTERM twice, then SIGKILL what is
        left after `grace` seconds."""
        with self.lock:
            children = list(self.running)
        for child in children:
            _stop(child, grace, hung=True)


CHILDREN = Children()


def _stop(child: subprocess.Popen[bytes], grace: float, *, hung: bool = False) -> None:
    """SIGTERM (Scrapy finishes what is in flight and closes its pipelines), then SIGKILL after
    `grace` seconds. A `hung` crawl gets a second SIGTERM after a second, which makes Scrapy
    stop without waiting for the requests that hang."""
    if child.poll() is not None:
        return
    child.terminate()
    try:
        if hung:
            try:
                child.wait(1.0)
                return
            except subprocess.TimeoutExpired:
                child.terminate()
        child.wait(grace)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


def run_child(
    command: list[str],
    *,
    env: Mapping[str, str],
    grace: float = 10.0,
    timeout: float | None = None,
    tick: Callable[[], None] | None = None,
) -> int:
    """Run a child process to its end; if this process is interrupted (SIGINT, or SIGTERM,
    which the CLI turns into SystemExit), stop the child first: SIGTERM, then SIGKILL after
    `grace` seconds. So no crawl outlives the run that holds the lock. A child still running
    after `timeout` seconds is stopped the same way (CrawlTimeout). `tick` is called about
    once a second while it runs (a progress line)."""
    child = subprocess.Popen(command, env=dict(env), preexec_fn=_die_with_parent)
    CHILDREN.add(child)
    deadline = None if timeout is None else time.monotonic() + timeout
    try:
        while True:
            try:
                return child.wait(1.0 if tick else timeout)
            except subprocess.TimeoutExpired:
                if deadline is not None and time.monotonic() >= deadline:
                    _stop(child, grace, hung=True)
                    raise CrawlTimeout(
                        f"the crawl was still running after {timeout:.0f} s and was stopped"
                    ) from None
                if tick:
                    tick()
    except BaseException:
        _stop(child, grace)
        raise
    finally:
        CHILDREN.discard(child)


def due_sites(config: Config, last_ok: Mapping[str, str], *, now: datetime) -> list[Site]:
    """The sites whose `every` has passed since their last successful crawl (or that never
    had one), in config order."""
    return [site for site in config.sites if next_due(site, last_ok) <= now]


def next_due(site: Site, last_ok: Mapping[str, str]) -> datetime:
    """When `site` is next due: `every` after its last successful crawl started (at once if
    it never had one), less a slack of a tenth of `every` (at most `MAX_SLACK`), so that cron
    running every 15 minutes crawls a site with `every = "15m"` every time, not every other."""
    last = last_ok.get(site.name)
    if last is None:
        return datetime.min.replace(tzinfo=UTC)
    slack = min(site.every / 10, MAX_SLACK)
    return _aware(datetime.fromisoformat(last)) + site.every - slack


def _aware(when: datetime) -> datetime:
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def last_successful(config: Config) -> dict[str, str]:
    """Per site, when its last successful crawl recorded in the store finished."""
    store = open_store(config)
    try:
        return store.runs.last_ok()
    finally:
        store.close()


def crawl(
    config: Config,
    *,
    sites: Sequence[Site] | None = None,
    settings: Mapping[str, str] | None = None,
    log_level: str = "WARNING",
    timeout: float | None = None,
    tick: Callable[[dict[str, int]], None] | None = None,
    work: bool = True,
) -> CrawlResult:
    """Run `scrapy crawl news` in a subprocess over `sites` (default: every configured site).

    A crawl that crashes or runs past `timeout` still leaves one crawl_runs row per site it
    was given (not ok, with the reason), then raises CrawlError. `tick` gets the crawl's
    progress (pages, new, sites_done) about once a second. With `[cluster]`, the crawl is
    coordinated through Redis (monitor.cluster); `work=False` leaves the fetching to workers."""
    if config.cluster is not None:
        from monitor.cluster import crawl as coordinate

        chosen = list(config.sites if sites is None else sites)
        run = coordinate(
            config,
            sites=chosen,
            settings=settings,
            log_level=log_level,
            timeout=timeout,
            work=work,
        )
        store = open_store(config)
        try:
            return _result(store.runs.of_run(run))
        finally:
            store.close()
    with tempfile.TemporaryDirectory(prefix="newsmon-") as scratch:
        progress = Path(scratch) / "progress.json"
        return _crawl(config, sites, settings, log_level, timeout, tick, progress)


def _read_progress(path: Path) -> dict[str, int]:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return {str(k): int(v) for k, v in data.items()}


def _crawl(
    config: Config,
    sites: Sequence[Site] | None,
    settings: Mapping[str, str] | None,
    log_level: str,
    timeout: float | None,
    tick: Callable[[dict[str, int]], None] | None,
    progress: Path,
) -> CrawlResult:
    run = uuid.uuid4().hex
    chosen = list(config.sites if sites is None else sites)
    every = {
        "NEWSMON_DB": str(config.store.path),
        "NEWSMON_SITES": json.dumps([site_to_dict(s) for s in chosen]),
        "NEWSMON_RUN": run,
        "LOG_LEVEL": log_level,
        **({"NEWSMON_PROGRESS": str(progress)} if tick else {}),
        **config.crawl.scrapy_settings(),
        **(settings or {}),
    }
    command = [sys.executable, "-m", "scrapy", "crawl", "news"]
    for key, value in every.items():
        command += ["-s", f"{key}={value}"]
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "crawler.settings"}
    started = datetime.now(UTC)
    failure: CrawlError | None = None
    try:
        returncode = run_child(
            command,
            env=env,
            timeout=timeout,
            tick=(lambda: tick(_read_progress(progress))) if tick else None,
        )
        if returncode != 0:
            failure = CrawlError(
                f"the crawl exited with code {returncode}; its log above says why "
                "(run with -v for more)"
            )
    except CrawlTimeout as e:
        failure = e
    store = open_store(config)
    try:
        rows = store.runs.of_run(run)
        if failure is not None:
            _record_crash(store, run, chosen, rows, started, str(failure))
    finally:
        store.close()
    if failure is not None:
        raise failure
    return _result(rows)


def _result(rows: Sequence[dict[str, Any]]) -> CrawlResult:
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


def _record_crash(
    store: ArticleStore,
    run: str,
    sites: Sequence[Site],
    rows: Sequence[Mapping[str, object]],
    started: datetime,
    why: str,
) -> None:
    """A crawl_runs row (not ok) for each site a crashed crawl wrote none for."""
    done = {row["site"] for row in rows}
    finished = datetime.now(UTC)
    for site in sites:
        if site.name in done:
            continue
        store.runs.record(
            {
                "run": run,
                "site": site.name,
                "started": started.isoformat(),
                "finished": finished.isoformat(),
                "requests": 0,
                "new": 0,
                "updated": 0,
                "known": 0,
                "errors": 1,
                "duration": (finished - started).total_seconds(),
                "ok": 0,
                "error": why,
            }
        )


def failure_lines(config: Config, result: CrawlResult, *, now: datetime) -> list[str]:
    """One line per site whose crawl failed: why, and when it is tried again (its `every`
    from now, in the configured time zone)."""
    zone = ZoneInfo(config.schedule.timezone)
    every = {site.name: site.every for site in config.sites}
    lines = []
    for row in result.failed:
        site = str(row["site"])
        again = (now + every.get(site, timedelta(minutes=15))).astimezone(zone)
        why = row.get("error") or "no feed, sitemap or page of it could be read"
        lines.append(f"site {site}: {why}; will retry at {again:%H:%M}")
    return lines


def health_warnings(config: Config, sites: Sequence[str], *, now: datetime) -> list[str]:
    """Health flags newly raised on these sites, one line each (the log says it once)."""
    store = open_store(config)
    try:
        return [flag.line() for flag in newly_raised(store, sites, now=now)]
    finally:
        store.close()


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
