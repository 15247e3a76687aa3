"""`newsmon run` and `newsmon crawl` as cron runs them: due sites, the lock, exit codes, quiet."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crawler.sites import Site
from monitor.config import parse_config
from monitor.runner import due_sites, next_due
from tests.conftest import FIXTURES, newsmon, newsmon_command
from tests.fixture_server import FixtureServer, Reply

TEMPLATE = FIXTURES / "site" / "articles" / "gpu-lead-times-shrink.html"
AUTHOR = '"author": [{"@type": "Person", "name": "Ingrid Solberg"}],'


def build_site(root: Path, names: list[str], *, authors: bool = True) -> None:
    """Articles `names` (made from a fixture page; with or without an author) behind one Atom
    feed at /feed.atom, which lists every article under root/articles."""
    (root / "articles").mkdir(parents=True, exist_ok=True)
    template = TEMPLATE.read_text()
    for n, name in enumerate(names):
        page = (
            template.replace("gpu-lead-times-shrink", name)
            .replace("fall to a few months", f"fall in region {name}")
            .replace("three or four months", f"{n + 2} weeks in region {name}")
        )
        if not authors:
            page = page.replace(AUTHOR, "")
        (root / "articles" / f"{name}.html").write_text(page)
    entries = "".join(
        f"<entry><title>{page.stem}</title><id>tag:t,2024:{page.stem}</id>"
        f'<link rel="alternate" href="__ORIGIN__/articles/{page.name}"/>'
        "<updated>2024-05-22T09:05:00Z</updated></entry>"
        for page in sorted((root / "articles").glob("*.html"))
    )
    (root / "feed.atom").write_text(
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>T</title><id>tag:t,2024:feed</id><updated>2024-05-22T09:05:00Z</updated>"
        f"{entries}</feed>"
    )
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n")


def site_config(origin: str, name: str = "ledger", feed: str = "/feed.atom") -> str:
    return f'[[site]]\nname = "{name}"\nhome = "{origin}/"\nfeeds = ["{origin}{feed}"]\n'


BASE = """
[store]
path = "news.db"

[crawl]
delay = 0  # our own server: no politeness delays
"""
WATCH = """
[[watch]]
name = "Nvidia"
query = "Nvidia"
notify = ["analyst@example.com"]
cadence = "immediate"
"""


def rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db, timeout=10)
    try:
        return list(conn.execute(sql))
    finally:
        conn.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[FixtureServer]:
    build_site(tmp_path / "site", ["one", "two"])
    with FixtureServer(tmp_path / "site").running() as running:
        yield running


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- which sites are due ----------------------------------------------------------------------


NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("last", "due"),
    [
        (None, True),  # never crawled
        (NOW - timedelta(minutes=5), False),  # crawled 5 minutes ago, every 15m
        (NOW - timedelta(minutes=13), False),
        (NOW - timedelta(minutes=14), True),  # a cron run every 15 minutes crawls it each time
        (NOW - timedelta(hours=3), True),
    ],
)
def test_a_site_is_due_every_after_its_last_successful_crawl(
    last: datetime | None, due: bool
) -> None:
    config = parse_config(
        '[[site]]\nname = "a"\nhome = "https://a.example/"\nevery = "15m"\n',
        path=Path("/x/newsmon.toml"),
        environ={},
    )
    last_ok = {} if last is None else {"a": last.isoformat()}
    assert [s.name for s in due_sites(config, last_ok, now=NOW)] == (["a"] if due else [])


def test_next_due_is_every_after_the_last_success_less_a_little_slack() -> None:
    site = Site(name="a", home="https://a.example/", every=timedelta(hours=2))
    due = next_due(site, {"a": "2026-03-02T08:00:00+00:00"})
    assert due == NOW + timedelta(hours=1) - timedelta(minutes=2)


def test_every_is_honoured_across_runs_and_force_sites_and_crawl_ignore_it(
    tmp_path: Path,
) -> None:
    build_site(tmp_path / "site", ["one", "two"])
    feed = (tmp_path / "site" / "feed.atom").read_bytes()
    other = {"/other.atom": Reply(feed, headers={"Content-Type": "application/atom+xml"})}
    with FixtureServer(tmp_path / "site", other).running() as server:
        (tmp_path / "newsmon.toml").write_text(
            BASE
            + site_config(server.origin, "ledger")
            + site_config(server.origin, "other", "/other.atom")
            + WATCH
        )

        def hits() -> tuple[int, int]:
            return server.paths().count("/feed.atom"), server.paths().count("/other.atom")

        first = newsmon("run", "--outbox", "out", cwd=tmp_path)
        assert first.returncode == 0, first.stderr
        assert hits() == (1, 1)
        assert first.stdout == ""  # quiet off a terminal: cron mails nothing when all went well

        # both crawled moments ago with every = "15m": skipped; match and digest still run
        second = newsmon("-v", "run", "--outbox", "out", cwd=tmp_path)
        assert second.returncode == 0, second.stderr
        assert hits() == (1, 1)
        assert "no site is due" in second.stdout

        forced = newsmon("run", "--outbox", "out", "--force", "--sites", "ledger", cwd=tmp_path)
        assert forced.returncode == 0, forced.stderr
        assert hits() == (2, 1)
        crawled = newsmon("-v", "crawl", "--sites", "other", cwd=tmp_path)
        assert crawled.returncode == 0, crawled.stderr
        assert hits() == (2, 2)
        assert crawled.stdout.startswith("other: ")

        bad = newsmon("crawl", "--sites", "other,nope", cwd=tmp_path)
        assert bad.returncode == 2
        assert "nope not in newsmon.toml; configured: ledger, other" in bad.stderr
        assert hits() == (2, 2)


# --- what a command needs of the config ---------------------------------------------------------


EMAIL = """
[email]
host = "127.0.0.1"
port = 2525
security = "none"
username = "alerts@example.com"
password_env = "NEWSMON_TEST_SMTP_PASSWORD"
sender = "alerts@example.com"
"""


def test_crawl_and_match_run_without_the_smtp_password_and_run_checks_it_before_crawling(
    tmp_path: Path, server: FixtureServer
) -> None:
    (tmp_path / "newsmon.toml").write_text(BASE + site_config(server.origin) + WATCH + EMAIL)
    assert "NEWSMON_TEST_SMTP_PASSWORD" not in os.environ

    run = newsmon("run", cwd=tmp_path)
    assert run.returncode == 2
    assert "NEWSMON_TEST_SMTP_PASSWORD is not set" in run.stderr
    assert server.paths() == []  # refused before crawling

    crawled = newsmon("crawl", cwd=tmp_path)
    assert crawled.returncode == 0, crawled.stderr
    assert newsmon("match", cwd=tmp_path).returncode == 0
    # with --outbox no mail goes by SMTP: the password is not asked for (the site is not due)
    assert newsmon("run", "--outbox", "out", cwd=tmp_path).returncode == 0
    assert list((tmp_path / "out").glob("*.eml"))


def test_run_without_email_or_outbox_exits_2_before_crawling(
    tmp_path: Path, server: FixtureServer
) -> None:
    (tmp_path / "newsmon.toml").write_text(BASE + site_config(server.origin) + WATCH)
    run = newsmon("run", cwd=tmp_path)
    assert run.returncode == 2
    assert "no [email] section" in run.stderr and "--outbox" in run.stderr
    assert server.paths() == []


# --- failures ---------------------------------------------------------------------------------


def test_every_site_down_exits_1_with_one_line_per_site_and_no_traceback(tmp_path: Path) -> None:
    port = closed_port()
    origin = f"http://127.0.0.1:{port}"
    (tmp_path / "newsmon.toml").write_text(
        BASE + site_config(origin, "a") + site_config(origin, "b", "/b.atom")
    )
    done = newsmon("crawl", cwd=tmp_path)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    for site in ("a", "b"):
        [line] = [line for line in lines if line.startswith(f"site {site}:")]
        assert "cannot connect to 127.0.0.1 (connection refused); will retry at " in line
    assert "every site failed" in lines[-1]
    assert len(lines) == 3, done.stderr
    recorded = rows(tmp_path / "news.db", "SELECT site, ok, connect_errors FROM crawl_runs")
    assert sorted((s, ok) for s, ok, _ in recorded) == [("a", 0), ("b", 0)]
    assert all(int(str(n)) >= 1 for _, _, n in recorded)


def test_loops_non_html_and_oversized_pages_are_each_told_once_and_counted(
    tmp_path: Path,
) -> None:
    links = ["loop/a", "loop/c", "doc.pdf", "sheet.pdf", "big1.html", "big2.html"]
    entries = "".join(
        f'<entry><title>{n}</title><id>tag:t,{n}</id><link href="__ORIGIN__/{n}"/></entry>'
        for n in links
    )
    feed = f'<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>{entries}</feed>'
    big = b"<html><body><p>" + b"words " * 3000 + b"</p></body></html>"
    pdf = {"Content-Type": "application/pdf"}
    routes = {
        "/feed.atom": Reply(feed.encode(), headers={"Content-Type": "application/atom+xml"}),
        "/robots.txt": Reply(b"User-agent: *\nAllow: /\n", headers={"Content-Type": "text/plain"}),
        "/loop/a": Reply(status=302, headers={"Location": "/loop/b"}),
        "/loop/b": Reply(status=302, headers={"Location": "/loop/a"}),
        "/loop/c": Reply(status=301, headers={"Location": "/loop/c"}),
        "/doc.pdf": Reply(b"%PDF-1.4 not a page", headers=pdf),
        "/sheet.pdf": Reply(b"%PDF-1.4 not a page either", headers=pdf),
        "/big1.html": Reply(big),
        "/big2.html": Reply(big),
    }
    with FixtureServer(routes=routes).running() as server:
        (tmp_path / "newsmon.toml").write_text(
            BASE + 'max_page_size = "8KB"\n' + site_config(server.origin, "odd")
        )
        done = newsmon("crawl", cwd=tmp_path)
    assert done.returncode == 0, done.stderr  # the feed was read: the site works
    assert "Traceback" not in done.stderr
    told = done.stderr.strip().splitlines()
    assert len([line for line in told if "redirect loop" in line]) == 1, done.stderr
    assert len([line for line in told if "not an HTML page" in line]) == 1, done.stderr
    assert len([line for line in told if "max_page_size" in line]) == 1, done.stderr
    assert len(told) == 3, done.stderr
    [(ok, loops, not_html, large)] = rows(
        tmp_path / "news.db",
        "SELECT ok, redirect_loop_errors, not_html_errors, too_large_errors FROM crawl_runs",
    )
    assert (ok, loops, not_html, large) == (1, 2, 2, 2)


# --- the lock ---------------------------------------------------------------------------------


def start_run(home: Path, *args: str) -> subprocess.Popen[bytes]:
    """`newsmon run` in a process group of its own, as cron starts it."""
    return subprocess.Popen(
        [*newsmon_command(), "run", "--outbox", "out", *args],
        cwd=home,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        env={k: v for k, v in os.environ.items() if k != "NEWSMON_CONFIG"},
    )


def test_a_second_run_exits_75_at_once_and_a_killed_run_is_taken_over_without_repeats(
    tmp_path: Path,
) -> None:
    build_site(tmp_path / "site", ["one", "two"])
    routes = {"/stuck.atom": Reply(fault="hang")}  # holds the first run in its crawl
    with FixtureServer(tmp_path / "site", routes).running() as server:
        (tmp_path / "newsmon.toml").write_text(
            BASE
            + site_config(server.origin, "ledger")
            + site_config(server.origin, "stuck", "/stuck.atom")
            + WATCH
        )
        first = start_run(tmp_path)
        try:
            deadline = time.monotonic() + 60
            while "/stuck.atom" not in server.paths():
                assert first.poll() is None, "the first run ended early"
                assert time.monotonic() < deadline, "the first run never reached its crawl"
                time.sleep(0.05)

            second = newsmon("run", "--outbox", "out", cwd=tmp_path)
            assert second.returncode == 75
            assert "another newsmon run (pid " in second.stderr
            assert len(second.stderr.strip().splitlines()) == 1
            assert first.poll() is None  # it did not wait for the first one
        finally:
            os.killpg(first.pid, signal.SIGKILL)  # the run and its crawl, as the OOM killer might
            first.wait(10)

        taken = newsmon("run", "--outbox", "out", "--sites", "ledger", cwd=tmp_path)
        assert taken.returncode == 0, taken.stderr
        again = newsmon("run", "--outbox", "out", "--sites", "ledger", cwd=tmp_path)
        assert again.returncode == 0, again.stderr
    db = tmp_path / "news.db"
    assert rows(db, "SELECT COUNT(*), COUNT(DISTINCT article_id) FROM alerts") == [(2, 2)]
    assert len(list((tmp_path / "out").glob("*.eml"))) == 1


# --- a terminal -------------------------------------------------------------------------------


def test_on_a_terminal_the_summary_shows_and_q_silences_it(
    tmp_path: Path, server: FixtureServer
) -> None:
    import pty

    (tmp_path / "newsmon.toml").write_text(BASE + site_config(server.origin))

    def on_tty(*args: str) -> tuple[int, str]:
        leader, follower = pty.openpty()
        proc = subprocess.Popen(
            [*newsmon_command(), *args],
            cwd=tmp_path,
            stdout=follower,
            stderr=subprocess.DEVNULL,
            env={k: v for k, v in os.environ.items() if k != "NEWSMON_CONFIG"},
        )
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal closed
                break
            if not chunk:
                break
            chunks.append(chunk)
        os.close(leader)
        return proc.wait(60), b"".join(chunks).decode()

    code, shown = on_tty("crawl")
    assert code == 0
    assert "ledger: " in shown and "crawled: " in shown and "2 new articles" in shown
    code, shown = on_tty("match")
    assert code == 0 and shown.startswith("matched ")
    code, shown = on_tty("-q", "match")
    assert (code, shown) == (0, "")


# --- the README's crontab line ----------------------------------------------------------------


def test_the_readme_crontab_line_works_as_written_in_crons_bare_environment(
    tmp_path: Path, server: FixtureServer
) -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    [line] = [line for line in readme.splitlines() if line.startswith("*/15 * * * * ")]
    command = line.split(" ", 5)[5]
    home = tmp_path / "home" / "alice" / "news"
    home.mkdir(parents=True)
    command = command.replace("/home/alice/news/.venv/bin/newsmon", newsmon_command()[0]).replace(
        "/home/alice/news", str(home)
    )
    (home / "newsmon.toml").write_text(BASE + site_config(server.origin) + EMAIL)
    # as the README writes it: single quotes keep the space and the $
    (home / "newsmon.env").write_text("NEWSMON_TEST_SMTP_PASSWORD='s3 cr$t'\n")
    cron = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "SHELL": "/bin/sh"}
    done = subprocess.run(
        ["/bin/sh", "-c", command],
        cwd=tmp_path,
        env=cron,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert "/feed.atom" in server.paths()
    (home / "newsmon.env").write_text("")  # the password not there: cron would mail this
    missing = subprocess.run(
        ["/bin/sh", "-c", command], env=cron, capture_output=True, text=True, check=False
    )
    assert missing.returncode == 2 and "NEWSMON_TEST_SMTP_PASSWORD is not set" in missing.stderr
