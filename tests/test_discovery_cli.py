"""`newsmon discover` and `newsmon sites` as a user runs them: no config file needed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from tests.conftest import FIXTURES, newsmon
from tests.fixture_server import FixtureServer, Reply

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "feeds" / "sitemaps"


def lines(stdout: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in stdout.splitlines()]


def discover(tmp_path: Path, *args: str) -> tuple[int, str, str]:
    """`newsmon discover ARGS` in this process, with no config file: exit code, stdout, stderr."""
    absent = str(tmp_path / "absent.toml")
    done = CliRunner().invoke(cli, ["--config", absent, "discover", *args])
    return done.exit_code, done.stdout, done.stderr


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
        _, robots, _ = discover(tmp_path, f"{server.origin}/robots.txt")
        _, children, _ = discover(tmp_path, f"{server.origin}/index.xml")
    assert [line["url"] for line in lines(robots)] == [f"{server.origin}/index.xml"]
    assert lines(robots)[0]["source"] == "robots"
    (child,) = lines(children)  # no date filter: an old child is listed too
    assert child["url"] == f"{server.origin}/news.xml" and child["source"] == "sitemap-index"


def test_discover_a_page_finds_feed_links_and_article_links(tmp_path: Path) -> None:
    page = FIXTURES / "site" / "index.html"
    _, out, _ = discover(tmp_path, str(page), "--url", "https://fixture.newsmon.example/")
    found = lines(out)
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
        code, _, err = discover(tmp_path, f"{server.origin}/x")
    assert code == 1
    assert message in err and "Traceback" not in err


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"sitemap corpus not found at {CORPUS}")
def test_discover_a_urlset_prints_every_url_and_not_hreflang_alternates(tmp_path: Path) -> None:
    assert len(lines(discover(tmp_path, str(CORPUS / "trafilatura__sitemap.xml.gz"))[1])) == 84
    hreflang = lines(discover(tmp_path, str(CORPUS / "trafilatura__sitemap-hreflang.xml"))[1])
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
    done = CliRunner().invoke(cli, ["--config", str(tmp_path / "newsmon.toml"), "config", "check"])
    assert done.exit_code == 0, done.stderr
    assert f"sites: {len(REQUIRED)}" in done.stdout
