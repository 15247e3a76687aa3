"""`newsmon discover` and `newsmon sites` as a user runs them: no config file needed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, newsmon
from tests.fixture_server import FixtureServer, Reply

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "feeds" / "sitemaps"


def lines(stdout: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in stdout.splitlines()]


def test_discover_a_feed_url_prints_every_entry(tmp_path: Path) -> None:
    with FixtureServer(FIXTURES / "site").running() as server:
        done = newsmon("discover", f"{server.origin}/feed.atom", cwd=tmp_path)
        user_agent = server.hits[0].headers.get("User-Agent", "")
    assert done.returncode == 0, done.stderr
    found = lines(done.stdout)
    assert len(found) == 5  # the 404 and the robots-forbidden entries too: no filter here
    assert found[0] == {
        "url": f"{server.origin}/articles/graphics-card-benchmark-roundup.html",
        "title": "Benchmark roundup: mid-range graphics cards compared",
        "published": "2024-06-13T09:00:00+00:00",
        "modified": "2024-06-13T09:00:00+00:00",
        "source": "feed",
    }
    assert user_agent.startswith("newsmon/")


def test_discover_robots_txt_and_a_sitemap_index(tmp_path: Path) -> None:
    index = (
        b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<sitemap><loc>__ORIGIN__/news.xml</loc><lastmod>2001-01-01</lastmod></sitemap>"
        b"</sitemapindex>"
    )
    routes = {
        "/robots.txt": Reply(b"User-agent: *\nSitemap: __ORIGIN__/index.xml\n"),
        "/index.xml": Reply(index),
    }
    with FixtureServer(None, routes).running() as server:
        robots = newsmon("discover", f"{server.origin}/robots.txt", cwd=tmp_path)
        children = newsmon("discover", f"{server.origin}/index.xml", cwd=tmp_path)
    assert [line["url"] for line in lines(robots.stdout)] == [f"{server.origin}/index.xml"]
    assert lines(robots.stdout)[0]["source"] == "robots"
    (child,) = lines(children.stdout)  # no date filter: an old child is listed too
    assert child["url"] == f"{server.origin}/news.xml" and child["source"] == "sitemap-index"


def test_discover_a_page_finds_feed_links_and_article_links(tmp_path: Path) -> None:
    page = FIXTURES / "site" / "index.html"
    done = newsmon("discover", str(page), "--url", "https://fixture.newsmon.example/", cwd=tmp_path)
    found = lines(done.stdout)
    assert found[0] == {
        "url": "https://fixture.newsmon.example/feed.atom",
        "title": None,
        "published": None,
        "modified": None,
        "source": "feed-link",
    }
    assert {line["source"] for line in found[1:]} == {"listing"}
    assert len(found) == 5


@pytest.mark.parametrize(
    ("route", "message"),
    [
        (Reply(b"gone", 404), "the server answered HTTP 404"),
        (Reply(b"<html><body><p>Nothing here.</p></body></html>"), "no article links found"),
        (Reply(b"\x89PNG\r\n\x1a\n", headers={"Content-Type": "text/html"}), "neither XML"),
    ],
)
def test_discover_says_why_nothing_is_found(tmp_path: Path, route: Reply, message: str) -> None:
    with FixtureServer(None, {"/x": route}).running() as server:
        done = newsmon("discover", f"{server.origin}/x", cwd=tmp_path)
    assert done.returncode == 1
    assert message in done.stderr and "Traceback" not in done.stderr


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"sitemap corpus not found at {CORPUS}")
def test_discover_a_urlset_prints_every_url_and_not_hreflang_alternates(tmp_path: Path) -> None:
    every = newsmon("discover", str(CORPUS / "trafilatura__sitemap.xml.gz"), cwd=tmp_path)
    assert len(lines(every.stdout)) == 84
    hreflang = lines(
        newsmon("discover", str(CORPUS / "trafilatura__sitemap-hreflang.xml"), cwd=tmp_path).stdout
    )
    assert [line["source"] for line in hreflang] == ["sitemap"] * 3 + ["sitemap-index"]
    assert "http://www.example.com/schweiz-deutsch/page.html" in [line["url"] for line in hreflang]


REQUIRED = [
    "mspoweruser", "theverge", "techcrunch", "arstechnica", "engadget", "wired", "zdnet",
    "theregister", "9to5mac", "venturebeat", "windowscentral", "neowin", "tomshardware",
    "heise-en", "nikkei-asia-tech",
]  # fmt: skip


def test_sites_lists_the_catalog_without_a_config(tmp_path: Path) -> None:
    done = newsmon("sites", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    rows = {line.split()[0]: line for line in done.stdout.splitlines()}
    assert set(REQUIRED) <= set(rows) and len(rows) >= 15
    assert "https://www.theverge.com/" in rows["theverge"]
    assert "feed https://www.theverge.com/rss/index.xml" in rows["theverge"]
    assert "sitemap https://techcrunch.com/news-sitemap.xml" in rows["techcrunch"]
    assert all(" feed " in row or " sitemap " in row for row in rows.values())


def test_catalog_sites_can_be_named_in_a_config(tmp_path: Path) -> None:
    (tmp_path / "newsmon.toml").write_text(f"sites = {json.dumps(REQUIRED)}\n")
    done = newsmon("config", "check", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"sites: {len(REQUIRED)}" in done.stdout
