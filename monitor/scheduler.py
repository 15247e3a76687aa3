"""`newsmon schedule`: the daemon. An APScheduler 3.x BlockingScheduler in the configured zone.

Jobs (`build_scheduler()` adds them; it starts nothing, so tests read the triggers):

- `crawl:<site>`, one per site, every `site.every` (with jitter, coalesced, one instance at a
  time, a misfire grace of half the interval). The first run is `every` after the site's last
  successful crawl in the store, so a restart does not crawl everything at once. Each runs the
  crawl as a subprocess with a time limit, then the match step, then the digest step when a watch
  is `immediate`.
- `digest:hourly`, `digest:daily`, `digest:weekly`: the digest step at the slots of the cadences
  the watches use (`monitor.cadence.next_slot`: every full hour; `digest_at`; `digest_day` at
  `digest_at`); `immediate` watches get theirs after each crawl.
- `prune`: daily at 04:30 with `[store] keep`.

Jobs run one at a time (one worker thread) and under the run lock shared with `newsmon run`, so
cron and the daemon never crawl or send at once. A job that fails is logged and the daemon keeps
going. `serve()` installs the signal handlers: SIGTERM and SIGINT stop it (and the crawl child)
within seconds; SIGHUP reads the config again and keeps the old one if the new one is bad.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType
from zoneinfo import ZoneInfo

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from monitor import runner
from monitor.cadence import CADENCES, Schedule, next_slot
from monitor.cadence import describe as describe_cadence
from monitor.config import Config
from monitor.errors import ConfigError, LockHeld, NewsmonError
from monitor.mailer import FileMailer, Mailer, SmtpMailer

logger = logging.getLogger(__name__)

#: Seconds a crawl may run before it is stopped.
DEFAULT_TIMEOUT = 30 * 60.0
#: Seconds a job waits for the run lock (held by `newsmon run` from cron) before it skips.
LOCK_WAIT = 60.0
#: Jitter of crawl jobs: a tenth of the interval, at most this many seconds.
MAX_JITTER = 60


class Jobs:
    """What the scheduled jobs do; `config` is replaced on SIGHUP."""

    def __init__(
        self,
        config: Config,
        *,
        outbox: Path | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        log_level: str = "WARNING",
    ) -> None:
        self.config = config
        self.outbox = outbox
        self.timeout = timeout
        self.log_level = log_level
        self.stopping = threading.Event()

    def mailer(self) -> Mailer | None:
        if self.outbox is not None:
            return FileMailer(self.outbox)
        if self.config.email is not None:
            return SmtpMailer(self.config.email)
        return None

    def crawl(self, name: str) -> None:
        """Crawl one site, then match, then send immediate digests."""
        config = self.config
        site = next((s for s in config.sites if s.name == name), None)
        if site is None or self.stopping.is_set():
            return
        try:
            with runner.run_lock(config, wait=LOCK_WAIT):
                try:
                    result = runner.crawl(
                        config, sites=[site], timeout=self.timeout, log_level=self.log_level
                    )
                    for line in runner.failure_lines(config, result, now=_now()):
                        logger.warning("%s", line)
                    logger.info(
                        "site %s: %s requests, %s new, %s updated",
                        name,
                        result.requests,
                        result.new,
                        result.updated,
                    )
                except NewsmonError as e:
                    if self.stopping.is_set():
                        logger.info("site %s: crawl stopped with the daemon", name)
                        return
                    logger.error("site %s: %s; the next crawl is on schedule", name, e)
                for line in runner.health_warnings(config, [name], now=_now()):
                    logger.warning("%s", line)
                if self.stopping.is_set():
                    return
                matched = runner.match(config, now=_now())
                if matched.alerts:
                    logger.info("%s new alerts", matched.alerts)
                if any(w.cadence == "immediate" for w in config.watches):
                    self._send(config)
        except LockHeld as e:
            logger.info("crawl of %s skipped: %s", name, e)
        except Exception:  # a bug must not stop the daemon; the next run is on schedule
            logger.exception("crawl of %s failed", name)

    def digest(self) -> None:
        """The digest step, at a cadence slot."""
        if self.stopping.is_set():
            return
        config = self.config
        try:
            with runner.run_lock(config, wait=LOCK_WAIT):
                self._send(config)
        except LockHeld as e:
            logger.warning("digest skipped: %s", e)
        except Exception:
            logger.exception("digest step failed")

    def _send(self, config: Config) -> None:
        mailer = self.mailer()
        if mailer is None:
            logger.error("no [email] in %s and no --outbox: digests cannot go out", config.path)
            return
        result = runner.digest(config, mailer, now=_now())
        for sent in result.sent:
            logger.info("sent %s alerts to %s: %s", sent.alerts, sent.recipient, sent.location)
        for failed in result.failed:
            logger.error(
                "digest for %s not delivered: %s (%s)",
                failed.recipient,
                failed.error,
                "given up: see newsmon digest --list" if failed.given_up else "tried again later",
            )

    def prune(self) -> None:
        if self.stopping.is_set():
            return
        try:
            with runner.run_lock(self.config, wait=LOCK_WAIT):
                runner.prune(self.config, now=_now(), force=False)
        except LockHeld as e:
            logger.warning("prune skipped: %s", e)
        except Exception:
            logger.exception("prune failed")


def _now() -> datetime:
    return datetime.now(UTC)


class SlotTrigger(BaseTrigger):  # type: ignore[misc]
    """Fires at the slots of a digest cadence, as `monitor.cadence.next_slot` defines them (the
    same rule the digest step uses to decide what is due, daylight-saving changes included)."""

    def __init__(self, cadence: str, schedule: Schedule) -> None:
        self.cadence = cadence
        self.schedule = schedule

    def get_next_fire_time(
        self, previous_fire_time: datetime | None, now: datetime
    ) -> datetime | None:
        after = previous_fire_time or now - timedelta(microseconds=1)  # a slot at `now` counts
        return next_slot(self.cadence, after, self.schedule)

    def __str__(self) -> str:
        return f"slots of {describe_cadence(self.cadence, self.schedule)}"


def build_scheduler(
    config: Config,
    *,
    now: datetime | None = None,
    last_ok: Mapping[str, str] | None = None,
    jobs: Jobs | None = None,
) -> BlockingScheduler:
    """A BlockingScheduler with every job of `config`, not started. `now` and `last_ok` (per
    site, its last successful crawl) default to the clock and the store."""
    scheduler = BlockingScheduler(
        timezone=ZoneInfo(config.schedule.timezone),
        executors={"default": ThreadPoolExecutor(max_workers=1)},
        job_defaults={"coalesce": True, "max_instances": 1},
    )
    add_jobs(scheduler, jobs or Jobs(config), now=now, last_ok=last_ok)
    return scheduler


def add_jobs(
    scheduler: BlockingScheduler,
    jobs: Jobs,
    *,
    now: datetime | None = None,
    last_ok: Mapping[str, str] | None = None,
) -> None:
    """Add the jobs of `jobs.config` (after a SIGHUP, in place of the old ones)."""
    config = jobs.config
    now = now or _now()
    if last_ok is None:
        last_ok = runner.last_successful(config)
    zone = ZoneInfo(config.schedule.timezone)
    for site in config.sites:
        every = site.every.total_seconds()
        first = max(runner.next_due(site, last_ok), now)
        scheduler.add_job(
            jobs.crawl,
            IntervalTrigger(
                seconds=every,
                start_date=first,
                timezone=zone,
                jitter=int(min(every / 10, MAX_JITTER)),
            ),
            args=[site.name],
            id=f"crawl:{site.name}",
            name=f"crawl {site.name} every {site.every}",
            next_run_time=first,
            misfire_grace_time=max(1, int(every / 2)),
            coalesce=True,
            max_instances=1,
            replace_existing=True,
        )
    cadences = {watch.cadence for watch in config.watches} - {"immediate"}
    for cadence in sorted(cadences, key=CADENCES.index):
        scheduler.add_job(
            jobs.digest,
            SlotTrigger(cadence, config.schedule),
            id=f"digest:{cadence}",
            name=f"{cadence} digests",
            misfire_grace_time=3600,
            replace_existing=True,
        )
    if config.store.keep is not None:
        scheduler.add_job(
            jobs.prune,
            CronTrigger(hour=4, minute=30, timezone=zone),
            id="prune",
            name="prune old bodies and revisions",
            misfire_grace_time=6 * 3600,
            replace_existing=True,
        )


def serve(
    load: Callable[[], Config],
    *,
    outbox: Path | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    log_level: str = "WARNING",
    started: Callable[[BlockingScheduler], None] | None = None,
) -> None:
    """Run the daemon until SIGTERM or SIGINT; SIGHUP re-reads the config through `load`."""
    jobs = Jobs(load(), outbox=outbox, timeout=timeout, log_level=log_level)
    scheduler = build_scheduler(jobs.config, jobs=jobs)

    def stop(signum: int, frame: FrameType | None) -> None:
        logger.warning("%s: stopping", signal.Signals(signum).name)
        jobs.stopping.set()
        for child in list(runner.CHILDREN.running):
            child.terminate()
        if scheduler.running:
            scheduler.shutdown(wait=False)

    def reload(signum: int, frame: FrameType | None) -> None:
        try:
            config = load()
        except ConfigError as e:
            logger.error("SIGHUP: the config has problems; the old one stays in use:\n%s", e)
            return
        jobs.config = config
        scheduler.remove_all_jobs()
        add_jobs(scheduler, jobs)
        logger.warning(
            "SIGHUP: config %s read again: %s jobs", config.path, len(scheduler.get_jobs())
        )

    previous = {
        signum: signal.signal(signum, handler)
        for signum, handler in (
            (signal.SIGTERM, stop),
            (signal.SIGINT, stop),
            (signal.SIGHUP, reload),
        )
    }
    try:
        if started is not None:
            started(scheduler)
        scheduler.start()
    finally:
        jobs.stopping.set()
        runner.CHILDREN.stop(grace=5.0)
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def describe(scheduler: BlockingScheduler, *, now: datetime) -> list[str]:
    """One line per job with its next fire time (for the start-up message)."""
    lines = []
    for job in scheduler.get_jobs():
        when = getattr(job, "next_run_time", None) or job.trigger.get_next_fire_time(None, now)
        lines.append(f"  {job.name}: next {when:%Y-%m-%d %H:%M %Z}")
    return lines


__all__ = ["DEFAULT_TIMEOUT", "Jobs", "add_jobs", "build_scheduler", "describe", "serve"]
