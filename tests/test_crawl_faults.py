"""Faults are counted, not fatal: a real crawl against servers on 127.0.0.1 that misbehave.

Site "faulty" has one good article and, beside it, a 404, a 500, a page that never answers, a
redirect loop, a 6 MB page, a PNG served as text/html, a truncated page, a page whose declared
charset is wrong (still a good article) and a second feed that is not XML. Site "limited" is on
another host that answers 429 with Retry-After; site "gone" links articles on a host that refuses
every connection. The crawl must finish, store the good articles, and count each fault by kind.
"""

from __future__ import annotations

import socket
import sqlite3
from pathlib import Path

from tests.conftest import FIXTURES, newsmon
from tests.fixture_server import FixtureServer, Reply

ARTICLES = FIXTURES / "site" / "articles"
GOOD = (ARTICLES / "gpu-lead-times-shrink.html").read_bytes()
WRONG_CHARSET = (
    (ARTICLES / "computex-ai-laptops.html")
    .read_bytes()
    .replace(b'<meta charset="utf-8">', b'<meta charset="iso-8859-1">')
    .replace(b"computex-ai-laptops.html", b"wrong-charset.html")
    .replace(b"Laptop makers bring", "Zürich café: laptop makers bring".encode())
)
FAULTS = ["404", "500", "hang", "loop", "big", "png", "truncated"]


def rss(origin: str, paths: list[str]) -> bytes:
    items = "".join(
        f"<item><title>{p}</title><link>{origin}/{p}</link><guid>{origin}/{p}</guid></item>"
        for p in paths
    )
    return f'<rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_faults_are_counted_and_the_good_articles_stored(tmp_path: Path) -> None:
    faulty = FixtureServer(
        None,
        {
            "/good": Reply(GOOD),
            "/wrong-charset": Reply(
                WRONG_CHARSET, headers={"Content-Type": "text/html; charset=iso-8859-1"}
            ),
            "/404": Reply(b"no", 404),
            "/500": Reply(b"oops", 500),
            "/hang": Reply(fault="hang"),
            "/loop": Reply(b"", 302, {"Location": "/loop-back"}),
            "/loop-back": Reply(b"", 301, {"Location": "/loop"}),
            "/big": Reply(b"<html><body>" + b"<p>padding</p>" * 450_000 + b"</body></html>"),
            "/png": Reply(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64),
            "/truncated": Reply(GOOD[: len(GOOD) // 2], fault="truncate"),
            "/not-xml.rss": Reply(b"Service temporarily replaced by a cat picture."),
        },
    )
    limited = FixtureServer(None, {"/feed.xml": Reply(b"slow down", 429, {"Retry-After": "3600"})})
    with faulty.running(), limited.running():
        faulty.routes["/feed.xml"] = Reply(rss(faulty.origin, ["good", "wrong-charset", *FAULTS]))
        dead = f"http://127.0.0.1:{closed_port()}"
        faulty.routes["/gone.xml"] = Reply(rss(dead, [f"story-{n}" for n in range(6)]))
        config = f"""
[crawl]
delay = 0
timeout = 1
contact = "mailto:ops@example.com"

[[site]]
name = "faulty"
home = "{faulty.origin}/"
feeds = ["{faulty.origin}/feed.xml", "{faulty.origin}/not-xml.rss"]

[[site]]
name = "limited"
home = "{limited.origin}/"
feeds = ["{limited.origin}/feed.xml"]

[[site]]
name = "gone"
home = "{dead}/"
feeds = ["{faulty.origin}/gone.xml"]
"""
        (tmp_path / "newsmon.toml").write_text(config)
        first = newsmon("-v", "crawl", cwd=tmp_path)
        limited_paths = limited.paths()
        second = newsmon("crawl", cwd=tmp_path)
        limited_paths_later = limited.paths()[len(limited_paths) :]

    assert first.returncode == 0, first.stderr
    assert all(
        hit.headers["User-Agent"].endswith("(+mailto:ops@example.com)") for hit in faulty.hits
    )
    conn = sqlite3.connect(tmp_path / "newsmon.db")
    titles = sorted(
        title for (title,) in conn.execute("SELECT title FROM articles WHERE feed_only = 0")
    )
    feed_only = sorted(
        title for (title,) in conn.execute("SELECT title FROM articles WHERE feed_only = 1")
    )
    kinds = ("connect", "http", "timeout", "redirect_loop", "not_html", "too_large", "unreadable")
    columns = ", ".join(f"{kind}_errors" for kind in kinds)
    runs = {
        row[0]: {"new": row[1], "errors": row[2], **dict(zip(kinds, row[3:], strict=True))}
        for row in conn.execute(
            f"SELECT site, new, errors, {columns} FROM crawl_runs ORDER BY id DESC"  # first wins
        )
    }
    feed_only_runs = dict(
        conn.execute("SELECT site, feed_only FROM crawl_runs WHERE feed_only > 0 ORDER BY id")
    )
    conn.close()
    assert feed_only_runs.get("faulty") == 5  # the run row counts them too
    assert sum(feed_only_runs.values()) == 11
    assert titles == [
        "Wait times for data centre GPUs fall to a few months",
        "Zürich café: laptop makers bring neural processors to the mainstream at Computex",
    ]
    # pages withheld by a fault keep their feed entry as a feed-only article; a 404, a redirect
    # loop and robots.txt do not (the story is gone, or not ours to read)
    assert feed_only == sorted(
        ["500", "big", "hang", "png", "truncated"] + [f"story-{n}" for n in range(6)]
    )
    # each site's crawl_runs row counts its faults by kind; the PNG is no article, not an error
    assert runs["faulty"] == {
        "new": 2,
        "errors": 7,
        "connect": 1,  # the truncated page: the connection was lost mid-answer
        "http": 2,  # 404 and 500
        "timeout": 1,
        "redirect_loop": 1,
        "not_html": 0,
        "too_large": 1,
        "unreadable": 1,  # the feed that is not XML
    }

    # 429 with Retry-After: the host is not asked again in this run, nor in the next
    assert limited_paths.count("/feed.xml") == 1  # its retry met the hold
    assert "answered 429: no requests to it before" in first.stderr
    assert limited_paths_later == []
    assert second.returncode == 0, second.stderr

    # a dead host: two tries, then every request to it (retries included) is skipped
    assert f"{dead} failed 2 tries" in first.stderr
    assert runs["gone"]["connect"] == 6 and runs["gone"]["errors"] == 6
