"""Kill safety with real processes: a crawl stopped by SIGTERM or SIGKILL loses nothing."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor.demo import SiteHandler, serve
from tests.conftest import FIXTURES, newsmon, newsmon_command

PAGES = 12
CONFIG = """
[store]
path = "news.db"

[crawl]
delay = 0  # our own server: no politeness delays

[[site]]
name = "slow"
home = "{origin}/"
feeds = ["{origin}/feed.atom"]
"""


class SlowHandler(SiteHandler):
    """The fixture site, slowly: articles are served one at a time, each after a while, so a
    crawl can be caught mid-way (in parallel, all of them would arrive at once)."""

    one_at_a_time = threading.Lock()

    def do_GET(self) -> None:
        if self.path.startswith("/articles/"):
            with self.one_at_a_time:
                time.sleep(0.2)
                super().do_GET()
            return
        super().do_GET()


def build_site(root: Path) -> None:
    """PAGES distinct articles behind one Atom feed, made from a fixture page."""
    template = (FIXTURES / "site" / "articles" / "gpu-lead-times-shrink.html").read_text()
    (root / "articles").mkdir(parents=True)
    entries = []
    for n in range(PAGES):
        name = f"story-{n}.html"
        page = (
            template.replace("gpu-lead-times-shrink.html", name)
            .replace("fall to a few months", f"fall to {n + 2} weeks in region {n}")
            .replace("three or four months", f"{n + 2} weeks in region {n}")
        )
        (root / "articles" / name).write_text(page)
        entries.append(
            f"<entry><title>Story {n}</title><id>tag:slow,2024:{n}</id>"
            f'<link rel="alternate" href="__ORIGIN__/articles/{name}"/>'
            f"<updated>2024-05-22T09:05:00Z</updated></entry>"
        )
    (root / "feed.atom").write_text(
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>Slow</title><id>tag:slow,2024:feed</id><updated>2024-05-22T09:05:00Z</updated>"
        + "".join(entries)
        + "</feed>"
    )
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n")


def count(db: Path, sql: str) -> int:
    if not db.exists():
        return 0
    conn = sqlite3.connect(db, timeout=10)
    try:
        return int(conn.execute(sql).fetchone()[0])
    except sqlite3.OperationalError:  # tables not made yet
        return 0
    finally:
        conn.close()


def start_crawl(home: Path) -> subprocess.Popen[bytes]:
    """`newsmon crawl` in a session (and process group) of its own, as cron or systemd starts it."""
    return subprocess.Popen(
        [*newsmon_command(), "crawl"],
        cwd=home,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        env={k: v for k, v in os.environ.items() if k != "NEWSMON_CONFIG"},
    )


def wait_for_articles(db: Path, at_least: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while count(db, "SELECT COUNT(*) FROM articles") < at_least:
        assert proc.poll() is None, "the crawl ended before it could be interrupted"
        assert time.monotonic() < deadline, "the crawl stored nothing in 60 s"
        time.sleep(0.05)


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture
def home(tmp_path: Path) -> Iterator[Path]:
    build_site(tmp_path / "site")
    with serve(tmp_path / "site", handler=SlowHandler) as origin:
        (tmp_path / "newsmon.toml").write_text(CONFIG.format(origin=origin))
        yield tmp_path


def test_sigkill_of_the_whole_group_mid_crawl_then_a_new_run_loses_and_doubles_nothing(
    home: Path,
) -> None:
    db = home / "news.db"
    proc = start_crawl(home)
    wait_for_articles(db, 3, proc)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(10)
    stored_before = count(db, "SELECT COUNT(*) FROM articles")
    assert 3 <= stored_before < PAGES

    again = newsmon("crawl", cwd=home)  # takes the lock the killed run held
    assert again.returncode == 0, again.stderr
    assert count(db, "SELECT COUNT(*) FROM articles") == PAGES
    assert count(db, "SELECT COUNT(DISTINCT url) FROM articles") == PAGES
    assert count(db, "SELECT COUNT(*) FROM revisions") == 0
    assert count(db, "SELECT COUNT(*) FROM articles WHERE body = '' OR title = ''") == 0
    assert count(db, "SELECT COUNT(*) FROM articles_fts WHERE articles_fts MATCH 'region'") == PAGES
    assert count(db, "SELECT COUNT(*) FROM fetch_state WHERE article_id IS NOT NULL") == PAGES
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_to_newsmon_crawl_stops_its_scrapy_child_too(home: Path, signum: int) -> None:
    db = home / "news.db"
    proc = start_crawl(home)
    wait_for_articles(db, 1, proc)
    proc.send_signal(signum)  # to newsmon only, as `kill PID` or systemd's stop would
    assert proc.wait(20) != 0
    deadline = time.monotonic() + 15
    while group_alive(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not group_alive(proc.pid), "the scrapy child outlived newsmon"

    again = newsmon("crawl", cwd=home)
    assert again.returncode == 0, again.stderr
    assert count(db, "SELECT COUNT(*) FROM articles") == PAGES
