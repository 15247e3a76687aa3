"""Conditional discovery: an unchanged site costs its feeds' and sitemaps' 304s and nothing else.

Validators are saved only once a run ends well and every entry of the source was stored or
answered for good; a transient fault on an entry makes the next run read the source in full.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from crawler.store import ArticleStore
from tests.conftest import FIXTURES, newsmon, newsmon_command
from tests.fixture_server import FixtureServer, Reply

SITE = FIXTURES / "site"
FRESH = (datetime.now(UTC) - timedelta(hours=2)).isoformat(timespec="seconds")
SITEMAP = (
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
    'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
    + "".join(
        f"<url><loc>__ORIGIN__/articles/{name}.html</loc><news:news><news:publication_date>"
        f"{FRESH}</news:publication_date><news:title>{name}</news:title></news:news></url>"
        for name in ("gpu-lead-times-shrink", "computex-ai-laptops")
    )
    + "</urlset>"
).encode()


def crawl(tmp_path: Path, server: FixtureServer, sources: str) -> None:
    (tmp_path / "newsmon.toml").write_text(
        f'[crawl]\ndelay = 0\n\n[[site]]\nname = "ledger"\nhome = "{server.origin}/"\n{sources}'
    )
    done = newsmon("crawl", cwd=tmp_path)
    assert done.returncode == 0, done.stderr


def test_a_second_cycle_over_an_unchanged_site_is_only_304s(tmp_path: Path) -> None:
    with FixtureServer(SITE, {"/news-sitemap.xml": Reply(SITEMAP)}).running() as server:
        sources = (
            f'feeds = ["{server.origin}/feed.atom"]\n'
            f'sitemaps = ["{server.origin}/news-sitemap.xml"]\n'
        )
        crawl(tmp_path, server, sources)
        first = len(server.hits)
        crawl(tmp_path, server, sources)
        second = [(hit.path, hit.status) for hit in server.hits[first:]]
    assert sorted(hit for hit in second if hit[0] != "/robots.txt") == [
        ("/feed.atom", 304),
        ("/news-sitemap.xml", 304),
    ]
    conn = sqlite3.connect(tmp_path / "newsmon.db")
    assert conn.execute("SELECT count(*) FROM articles").fetchone() == (3,)
    # the second run's row: both sources unchanged, nothing new
    last = conn.execute("SELECT not_modified, new FROM crawl_runs ORDER BY id DESC").fetchone()
    assert last == (2, 0)
    conn.close()


def test_a_transient_fault_keeps_the_source_unconditional(tmp_path: Path) -> None:
    feed = (
        b'<rss version="2.0"><channel><title>t</title>'
        b"<item><title>ok</title><link>__ORIGIN__/articles/gpu-lead-times-shrink.html</link></item>"
        b"<item><title>down</title><link>__ORIGIN__/flaky</link></item>"
        b"</channel></rss>"
    )
    routes = {"/feed.xml": Reply(feed), "/flaky": Reply(b"oops", 503)}
    with FixtureServer(SITE, routes).running() as server:
        sources = f'feeds = ["{server.origin}/feed.xml"]\n'
        crawl(tmp_path, server, sources)
        first = len(server.hits)
        server.routes["/flaky"] = Reply(
            (SITE / "articles" / "computex-ai-laptops.html").read_bytes()
        )
        crawl(tmp_path, server, sources)
        second = server.hits[first:]
    feed_hits = [hit for hit in second if hit.path == "/feed.xml"]
    assert [hit.status for hit in feed_hits] == [200]
    assert "If-None-Match" not in feed_hits[0].headers
    # and the entry is not lost: it was kept as a feed-only article, re-checked on schedule
    conn = sqlite3.connect(tmp_path / "newsmon.db")
    assert conn.execute("SELECT title, feed_only FROM articles WHERE feed_only = 1").fetchall() == [
        ("down", 1)
    ]
    conn.close()


def test_a_crawl_stopped_mid_way_saves_no_validators(tmp_path: Path) -> None:
    template = (SITE / "articles" / "gpu-lead-times-shrink.html").read_bytes()
    names = [f"story-{n}" for n in range(10)]
    routes = {
        f"/articles/{name}.html": Reply(
            template.replace(b"gpu-lead-times-shrink", name.encode()).replace(
                b"fall to a few months", f"fall in region {name}".encode()
            ),
            fault="slow",
        )
        for name in names
    }
    routes["/feed.xml"] = Reply(
        (
            '<rss version="2.0"><channel><title>t</title>'
            + "".join(
                f"<item><title>{n}</title><link>__ORIGIN__/articles/{n}.html</link></item>"
                for n in names
            )
            + "</channel></rss>"
        ).encode()
    )
    db = tmp_path / "newsmon.db"
    with FixtureServer(None, routes).running() as server:
        (tmp_path / "newsmon.toml").write_text(
            f'[crawl]\ndelay = 0\n\n[[site]]\nname = "slow"\nhome = "{server.origin}/"\n'
            f'feeds = ["{server.origin}/feed.xml"]\n'
        )
        proc = subprocess.Popen(
            [*newsmon_command(), "crawl"],
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            env={k: v for k, v in os.environ.items() if k != "NEWSMON_CONFIG"},
        )
        deadline = time.monotonic() + 60
        while not any(hit.path.startswith("/articles/") for hit in server.hits):
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        proc.send_signal(signal.SIGTERM)  # the feed is read, its articles are not all stored
        assert proc.wait(30) != 0
        conn = sqlite3.connect(db)
        saved = conn.execute(
            "SELECT count(*) FROM fetch_state WHERE url = ?", [f"{server.origin}/feed.xml"]
        ).fetchone()
        conn.close()
        first = len(server.hits)
        crawl(tmp_path, server, f'feeds = ["{server.origin}/feed.xml"]\n')
        feed_again = [hit for hit in server.hits[first:] if hit.path == "/feed.xml"]
        origin = server.origin
    assert saved == (0,)  # a stopped run keeps no validators ...
    assert [hit.status for hit in feed_again] == [200]  # ... so the next reads the feed in full
    store = ArticleStore.open(db)  # and every entry is stored (near-twins as one story)
    try:
        assert all(store.lookup([f"{origin}/articles/{name}.html"]) for name in names)
    finally:
        store.close()
