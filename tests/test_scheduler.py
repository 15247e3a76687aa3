"""`newsmon schedule`: its jobs read from the triggers (no waiting); the real daemon's signals."""

from __future__ import annotations

import logging
import os
import signal
import sqlite3
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.triggers.interval import IntervalTrigger

from monitor.config import parse_config
from monitor.scheduler import SlotTrigger, build_scheduler
from tests.conftest import newsmon_command
from tests.fixture_server import FixtureServer, Reply
from tests.test_runner import BASE, WATCH, build_site, site_config

CONFIG = """
[[site]]
name = "fast"
home = "https://fast.example/"
every = "15m"

[[site]]
name = "slow"
home = "https://slow.example/"
every = "2h"

[[watch]]
name = "daily"
query = "Nvidia"
notify = ["a@example.com"]
cadence = "daily"

[[watch]]
name = "hourly"
query = "AMD"
notify = ["a@example.com"]
cadence = "hourly"

[schedule]
timezone = "Europe/Berlin"
digest_at = "08:30"
"""
# The Saturday before clocks go forward in Berlin (Sunday 2026-03-29, 02:00 -> 03:00).
NOW = datetime(2026, 3, 28, 10, 5, tzinfo=UTC)


def scheduler_for(text: str, last_ok: dict[str, str]):  # type: ignore[no-untyped-def]
    config = parse_config(text, path=Path("/nowhere/newsmon.toml"), environ={})
    return build_scheduler(config, now=NOW, last_ok=last_ok)


def test_one_crawl_job_per_site_first_due_every_after_its_last_success() -> None:
    crawled = NOW - timedelta(minutes=5)
    scheduler = scheduler_for(CONFIG, {"fast": crawled.isoformat()})
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert sorted(jobs) == ["crawl:fast", "crawl:slow", "digest:daily", "digest:hourly"]

    fast = jobs["crawl:fast"]
    # every honoured (less the 90 s slack that keeps a site from slipping a whole interval)
    assert fast.next_run_time == crawled + timedelta(minutes=13, seconds=30)
    assert jobs["crawl:slow"].next_run_time == NOW  # never crawled: at once
    assert isinstance(fast.trigger, IntervalTrigger)
    assert fast.trigger.interval == timedelta(minutes=15)
    assert (fast.coalesce, fast.max_instances, fast.misfire_grace_time) == (True, 1, 450)
    assert fast.args == ("fast",)
    # after the first run, the next comes one interval later, give or take the jitter
    then = fast.next_run_time
    later = fast.trigger.get_next_fire_time(then, then)
    assert then + timedelta(minutes=15) <= later <= then + timedelta(minutes=15, seconds=60)
    slow = jobs["crawl:slow"].trigger
    assert slow.interval == timedelta(hours=2) and slow.jitter == 60


def test_digest_jobs_fire_at_the_cadence_slots_in_the_configured_zone() -> None:
    jobs = {job.id: job for job in scheduler_for(CONFIG, {}).get_jobs()}
    daily = jobs["digest:daily"].trigger
    assert isinstance(daily, SlotTrigger)
    first = daily.get_next_fire_time(None, NOW)
    assert first.astimezone(UTC) == datetime(2026, 3, 29, 6, 30, tzinfo=UTC)  # 08:30 CEST
    second = daily.get_next_fire_time(first, first + timedelta(seconds=1))
    assert second.astimezone(UTC) == datetime(2026, 3, 30, 6, 30, tzinfo=UTC)
    hourly = jobs["digest:hourly"].trigger
    assert hourly.get_next_fire_time(None, NOW).astimezone(UTC) == datetime(
        2026, 3, 28, 11, 0, tzinfo=UTC
    )


def test_weekly_immediate_and_prune_jobs() -> None:
    text = (
        '[store]\nkeep = "30d"\n[schedule]\ndigest_day = "sunday"\n'
        '[[watch]]\nname = "w"\nquery = "x"\nnotify = ["a@example.com"]\ncadence = "weekly"\n'
        '[[watch]]\nname = "i"\nquery = "y"\nnotify = ["a@example.com"]\ncadence = "immediate"\n'
    )
    jobs = {job.id: job for job in scheduler_for(text, {}).get_jobs()}
    assert sorted(jobs) == ["digest:weekly", "prune"]  # immediate: sent after each crawl
    sunday = jobs["digest:weekly"].trigger.get_next_fire_time(None, NOW)
    assert sunday == datetime(2026, 3, 29, 8, 0, tzinfo=UTC)  # UTC by default


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def wait_for(predicate, what: str, seconds: float = 60) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def test_sighup_keeps_a_bad_config_and_sigterm_stops_the_daemon_and_its_crawl(
    tmp_path: Path,
) -> None:
    build_site(tmp_path / "site", ["one"])
    routes = {"/stuck.atom": Reply(fault="hang")}
    with FixtureServer(tmp_path / "site", routes).running() as server:
        config = tmp_path / "newsmon.toml"
        config.write_text(BASE + site_config(server.origin, "stuck", "/stuck.atom") + WATCH)
        log = tmp_path / "schedule.log"
        with log.open("w") as err:
            daemon = subprocess.Popen(
                [*newsmon_command(), "schedule", "--outbox", "out"],
                cwd=tmp_path,
                stdout=subprocess.DEVNULL,
                stderr=err,
                start_new_session=True,
                env={k: v for k, v in os.environ.items() if k != "NEWSMON_CONFIG"},
            )
        try:
            wait_for(lambda: "/stuck.atom" in server.paths(), "the daemon never crawled")
            assert "crawl stuck every 0:15:00" in log.read_text()

            config.write_text("[[watch]\n")  # broken TOML
            daemon.send_signal(signal.SIGHUP)
            wait_for(lambda: "the old one stays in use" in log.read_text(), "no word on SIGHUP")
            assert daemon.poll() is None

            daemon.send_signal(signal.SIGTERM)  # as systemd stops it
            daemon.wait(10)
            wait_for(lambda: not group_alive(daemon.pid), "the crawl outlived the daemon", 10)
        finally:
            if group_alive(daemon.pid):
                os.killpg(daemon.pid, signal.SIGKILL)
                daemon.wait(10)
    assert "Traceback" not in log.read_text()


def test_a_hung_crawl_is_stopped_logged_and_recorded_and_the_job_returns(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from monitor.config import load_config
    from monitor.scheduler import Jobs

    routes = {"/stuck.atom": Reply(fault="hang")}
    with FixtureServer(routes=routes).running() as server:
        (tmp_path / "newsmon.toml").write_text(
            BASE + site_config(server.origin, "stuck", "/stuck.atom")
        )
        config = load_config(tmp_path / "newsmon.toml", environ={})
        with caplog.at_level(logging.ERROR, logger="monitor.scheduler"):
            Jobs(config, timeout=3).crawl("stuck")  # returns: the daemon goes on
    assert "site stuck: the crawl was still running after 3 s and was stopped" in caplog.text
    conn = sqlite3.connect(tmp_path / "news.db")
    try:
        [(ok, error)] = conn.execute("SELECT ok, error FROM crawl_runs").fetchall()
    finally:
        conn.close()
    assert ok == 0 and "still running after 3 s" in error
