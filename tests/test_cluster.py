"""Cluster mode with the real engines: redis-server, `newsmon worker` and `newsmon crawl`
subprocesses, and a generated 300-page site on 127.0.0.1 that counts every request."""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import newsmon, newsmon_command
from tests.fixture_server import FixtureServer, Reply

PAGES = 300
FEEDS = 10
WORDS = [
    *("chip", "cloud", "court", "deal", "fund", "grid", "lab", "law", "model", "network"),
    *("phone", "price", "probe", "rocket", "satellite", "server", "startup", "storage"),
    *("subsidy", "tariff", "update", "vote", "factory", "battery", "export", "import"),
    *("market", "license", "patent", "outage", "regulator", "supplier", "quarter", "investor"),
]
PLACES = ["Tokyo", "Berlin", "Austin", "Seoul", "Taipei", "Nairobi", "Lyon", "Oslo", "Pune"]

CONFIG = """
[store]
path = "news.db"

[crawl]
delay = 0  # our own server: no politeness delays

[cluster]
redis = "redis://127.0.0.1:{port}/0"
key_prefix = "t{prefix}"
worker_timeout = 2

[[site]]
name = "wire"
home = "{origin}/"
feeds = [{feeds}]
"""


def article_path(n: int) -> str:
    return f"/2026/11/{1 + n % 28:02d}/story-{n:03d}.html"


def site_routes(pages: int = PAGES) -> dict[str, Reply]:
    """`pages` article pages (each its own text) behind FEEDS RSS feeds."""
    rng = random.Random(13)
    routes: dict[str, Reply] = {}
    for n in range(pages):
        title = (
            f"{rng.choice(PLACES)} {rng.choice(WORDS)} report {n}: the {rng.choice(WORDS)} story"
        )
        paragraphs = "".join(
            "<p>" + " ".join(rng.choice(WORDS) for _ in range(45)) + f" (story {n}).</p>"
            for _ in range(4)
        )
        page = (
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f"<title>{title}</title>"
            '<script type="application/ld+json">{"@context": "https://schema.org", '
            f'"@type": "NewsArticle", "headline": "{title}", '
            f'"datePublished": "2026-11-{1 + n % 28:02d}T08:00:00Z", '
            '"author": {"@type": "Person", "name": "Ada Wire"}}</script></head>'
            f"<body><main><article><h1>{title}</h1>{paragraphs}</article></main></body></html>"
        )
        routes[article_path(n)] = Reply(page.encode())
    for k in range(FEEDS):
        items = "".join(
            f"<item><title>story {n}</title><link>__ORIGIN__{article_path(n)}</link>"
            f"<guid>__ORIGIN__{article_path(n)}</guid></item>"
            for n in range(k, pages, FEEDS)
        )
        feed = f'<rss version="2.0"><channel><title>feed {k}</title>{items}</channel></rss>'
        routes[f"/feeds/{k}.xml"] = Reply(
            feed.encode(), headers={"Content-Type": "application/rss+xml"}
        )
    routes["/robots.txt"] = Reply(
        b"User-agent: *\nAllow: /\n", headers={"Content-Type": "text/plain"}
    )
    return routes


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Redis:
    """A redis-server of our own on 127.0.0.1, with an append-only file in `folder`."""

    def __init__(self, binary: str, folder: Path) -> None:
        self.binary = binary
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.folder),
                "--appendonly",
                "yes",
                "--save",
                "",
                "--daemonize",
                "no",
                "--loglevel",
                "warning",
            ],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        """SIGTERM: redis-server writes its append-only file and exits."""
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None

    def count(self, command: str) -> int:
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as s:
            s.sendall(command.encode() + b"\r\n")
            reply = s.recv(64)
        assert reply.startswith(b":"), reply
        return int(reply[1:].split(b"\r\n")[0])


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[Redis]:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("no redis-server on PATH: install it (apt-get install redis-server)")
    folder = tmp_path / "redis"
    folder.mkdir()
    server = Redis(binary, folder)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def site() -> Iterator[FixtureServer]:
    with FixtureServer(routes=site_routes()).running() as server:
        yield server


def write_config(home: Path, redis: Redis, site: FixtureServer) -> None:
    feeds = ", ".join(f'"{site.origin}/feeds/{k}.xml"' for k in range(FEEDS))
    text = CONFIG.format(port=redis.port, prefix=redis.port, origin=site.origin, feeds=feeds)
    (home / "newsmon.toml").write_text(text)


def start_worker(home: Path) -> subprocess.Popen[bytes]:
    """`newsmon -v worker` in a process group of its own (its extraction processes included),
    logging to worker-<n>.log."""
    environ = {k: v for k, v in os.environ.items() if k != "NEWSMON_CONFIG"}
    log = home / f"worker-{len(list(home.glob('worker-*.log')))}.log"
    with log.open("wb") as out:
        return subprocess.Popen(
            [*newsmon_command(), "-v", "worker"],
            cwd=home,
            env=environ,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def logs(home: Path) -> str:
    return "\n".join(log.read_text() for log in sorted(home.glob("worker-*.log")))


def stop_worker(worker: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> int:
    """Signal a worker; wait for it (SIGKILL its group if it hangs); its exit code."""
    if worker.poll() is None:
        os.killpg(worker.pid, sig)
    try:
        code = worker.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        code = worker.wait()
    with contextlib.suppress(ProcessLookupError):
        os.killpg(worker.pid, signal.SIGKILL)  # extraction processes left by a SIGKILL
    return code


def page_hits(site: FixtureServer) -> Counter[str]:
    return Counter(hit.path for hit in site.hits if "/story-" in hit.path)


def stored(home: Path) -> list[str]:
    conn = sqlite3.connect(home / "news.db")
    try:
        return [str(row[0]) for row in conn.execute("SELECT url FROM articles")]
    finally:
        conn.close()


def test_two_workers_fetch_each_page_once_through_a_stop_and_a_redis_restart(
    tmp_path: Path, redis_server: Redis, site: FixtureServer
) -> None:
    write_config(tmp_path, redis_server, site)
    # one of the two workers is stopped (SIGTERM, to its process group as systemd does) a
    # quarter of the way: it finishes the requests it holds, the other does the rest
    second, stopped_at, code, out, _ = crawl_stopping_one(tmp_path, site, PAGES, signal.SIGTERM)
    assert code == 0, logs(tmp_path)
    assert stopped_at < PAGES and "stopped (shutdown)" in logs(tmp_path)
    assert f"crawled: {PAGES + FEEDS} requests, {PAGES} new articles" in out
    hits = page_hits(site)
    assert sorted(hits) == sorted(article_path(n) for n in range(PAGES))
    assert set(hits.values()) == {1}  # every page fetched exactly once, by one of the two
    urls = stored(tmp_path)
    assert len(urls) == len(set(urls)) == PAGES
    assert redis_server.count(f"LLEN t{redis_server.port}:items") == 0

    # Redis restarts (its append-only file kept) under the second worker, which goes on; feed
    # 0 changes: it is read in full, the persisted dupefilter keeps its known pages from a
    # refetch, except story 0, whose entry now says it was updated after it was fetched
    redis_server.stop()
    redis_server.start()
    later = (datetime.now(UTC) + timedelta(hours=1)).strftime("%a, %d %b %Y %H:%M:%S +0000")
    feed = site.routes["/feeds/0.xml"].body.replace(
        b'<rss version="2.0">', b'<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">'
    )
    feed = feed.replace(b"<title>story 0</title>", f"<dc:modified>{later}</dc:modified>".encode())
    site.routes["/feeds/0.xml"] = Reply(feed, headers=site.routes["/feeds/0.xml"].headers)
    site.hits.clear()
    try:
        again = newsmon("-v", "crawl", "--no-work", cwd=tmp_path)
    finally:
        stopped = stop_worker(second)
    assert again.returncode == 0, again.stderr + logs(tmp_path)
    assert stopped == 0, logs(tmp_path)
    assert page_hits(site) == {article_path(0): 1}
    assert "wire: 11 requests, 0 new, 0 updated, 29 known" in again.stdout
    assert len(stored(tmp_path)) == PAGES
    statuses = Counter(hit.status for hit in site.hits if hit.path.startswith("/feeds/"))
    assert statuses == {200: 1, 304: FEEDS - 1}  # the stored validators went with the seeds


def test_ingest_stores_what_a_killed_ingest_left_and_empties_the_lists(
    tmp_path: Path, redis_server: Redis
) -> None:
    import redis

    from crawler.article import Article
    from crawler.cluster.records import item_record
    from crawler.items import ArticleItem

    with FixtureServer(routes={}).running() as site:
        write_config(tmp_path, redis_server, site)

    def item(n: int) -> bytes:
        body = " ".join(f"word{n}x{k}" for k in range(60))
        article = Article(url=f"https://wire.example/{n}", title=f"Story {n}", body=body)
        return item_record(ArticleItem(article=article, site="wire", fetched_url=article.url))

    server = redis.Redis(port=redis_server.port)
    prefix = f"t{redis_server.port}"
    server.rpush(f"{prefix}:ingesting", item(0))  # taken by an ingest killed before its commit
    server.lpush(f"{prefix}:items", item(1), item(2))
    result = newsmon("-v", "ingest", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "ingested 3 records" in result.stdout
    assert sorted(stored(tmp_path)) == [f"https://wire.example/{n}" for n in range(3)]
    assert server.llen(f"{prefix}:items") == server.llen(f"{prefix}:ingesting") == 0
    server.close()


def test_a_worker_killed_halfway_loses_nothing(tmp_path: Path, redis_server: Redis) -> None:
    pages = PAGES
    with FixtureServer(routes=site_routes(pages)).running() as site:
        write_config(tmp_path, redis_server, site)
        survivor, killed_at, code, out, err = crawl_stopping_one(
            tmp_path, site, pages, signal.SIGKILL, at=0.5
        )
        stop_worker(survivor)
    assert code == -signal.SIGKILL
    assert pages // 2 <= killed_at < pages  # the kill came halfway, pages still to fetch
    # the victim's held requests, put back by the coordinator or the other worker
    assert "requests are queued again" in err + logs(tmp_path)
    assert sorted(page_hits(site)) == sorted(article_path(n) for n in range(pages))
    urls = stored(tmp_path)
    assert len(urls) == len(set(urls)) == pages
    assert f"{pages} new articles" in out


def crawl_stopping_one(
    home: Path, site: FixtureServer, pages: int, sig: int, at: float = 0.25
) -> tuple[subprocess.Popen[bytes], int, int, str, str]:
    """Two workers and `newsmon crawl --no-work`; one worker gets `sig` once the fraction `at`
    of the pages were asked for. The other worker (still running), how many pages had been asked for
    at the signal, the signalled worker's exit code, the crawl's stdout and stderr."""
    victim, survivor = start_worker(home), start_worker(home)
    environ = {k: v for k, v in os.environ.items() if k != "NEWSMON_CONFIG"}
    crawl = subprocess.Popen(
        [*newsmon_command(), "-v", "crawl", "--no-work"],
        cwd=home,
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while len(page_hits(site)) < int(pages * at) and time.monotonic() < deadline:
            time.sleep(0.05)
        signalled_at = len(page_hits(site))
        code = stop_worker(victim, sig)
        out, err = crawl.communicate(timeout=120)
    finally:
        if crawl.poll() is None:
            crawl.kill()
            stop_worker(survivor)
    assert crawl.returncode == 0, err + logs(home)
    return survivor, signalled_at, code, out, err
