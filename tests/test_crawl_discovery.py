"""Real crawls of sites without feeds: sitemaps (named, or found in robots.txt) and listings."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.conftest import FIXTURES, newsmon
from tests.fixture_server import FixtureServer, Reply

SITE = FIXTURES / "site"
CANONICAL = "https://fixture.newsmon.example/articles/"
STORIES = ["computex-ai-laptops", "gpu-lead-times-shrink", "raspberry-pi-london-listing"]
FRESH = (datetime.now(UTC) - timedelta(hours=3)).isoformat(timespec="seconds")

NEWS_SITEMAP = f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  {
    "".join(
        f"<url><loc>__ORIGIN__/{path}</loc><news:news><news:publication_date>{FRESH}"
        f"</news:publication_date><news:title>{path}</news:title></news:news></url>"
        for path in [
            *(f"articles/{s}.html" for s in STORIES),
            "private/embargoed-results-preview.html",
        ]
    )
}
  <url><loc>__ORIGIN__/articles/ancient-history.html</loc><lastmod>2001-01-01</lastmod></url>
</urlset>""".encode()

INDEX = f"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>__ORIGIN__/news-sitemap.xml</loc><lastmod>{FRESH}</lastmod></sitemap>
  <sitemap><loc>__ORIGIN__/sitemap-2001-01.xml</loc></sitemap>
</sitemapindex>""".encode()

HOME_WITHOUT_FEED = re.sub(
    rb"<link[^>]*rel=\"alternate\"[^>]*>|<a href=\"/feed.atom\">[^<]*</a>",
    b"",
    (SITE / "index.html").read_bytes(),
)


def crawl(tmp_path: Path, server: FixtureServer, site: str) -> str:
    config = f'[crawl]\ndelay = 0\n\n[[site]]\nname = "ledger"\nhome = "{server.origin}/"\n{site}'
    (tmp_path / "newsmon.toml").write_text(config)
    done = newsmon("-v", "crawl", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    return done.stdout


def stored(tmp_path: Path) -> list[str]:
    conn = sqlite3.connect(tmp_path / "newsmon.db")
    try:
        return sorted(url for (url,) in conn.execute("SELECT url FROM articles"))
    finally:
        conn.close()


def test_a_sitemap_index_leads_to_recent_articles_only(tmp_path: Path) -> None:
    routes = {"/sitemap_index.xml": Reply(INDEX), "/news-sitemap.xml": Reply(NEWS_SITEMAP)}
    with FixtureServer(SITE, routes).running() as server:
        out = crawl(tmp_path, server, f'sitemaps = ["{server.origin}/sitemap_index.xml"]\n')
        paths = server.paths()
    assert stored(tmp_path) == [f"{CANONICAL}{s}.html" for s in STORIES]
    assert "/sitemap-2001-01.xml" not in paths  # an old child of the index
    assert "/articles/ancient-history.html" not in paths  # an old entry
    assert not any(p.startswith("/private/") for p in paths)  # robots.txt
    assert "/feed.atom" not in paths
    assert "ledger: 6 requests, 3 new" in out  # index, news sitemap, 4 articles


def test_home_only_site_finds_sitemaps_in_robots_txt(tmp_path: Path) -> None:
    robots = (SITE / "robots.txt").read_bytes() + b"\nSitemap: __ORIGIN__/news-sitemap.xml\n"
    routes = {
        "/": Reply(HOME_WITHOUT_FEED),
        "/robots.txt": Reply(robots, headers={"Content-Type": "text/plain"}),
        "/news-sitemap.xml": Reply(NEWS_SITEMAP),
    }
    with FixtureServer(SITE, routes).running() as server:
        crawl(tmp_path, server, "")
        paths = server.paths()
    assert stored(tmp_path) == [f"{CANONICAL}{s}.html" for s in STORIES]
    assert "/news-sitemap.xml" in paths and "/feed.atom" not in paths


def test_home_only_site_without_feed_or_sitemap_reads_its_home_as_a_listing(
    tmp_path: Path,
) -> None:
    with FixtureServer(SITE, {"/": Reply(HOME_WITHOUT_FEED)}).running() as server:
        out = crawl(tmp_path, server, "")
        paths = server.paths()
    assert stored(tmp_path) == [f"{CANONICAL}{s}.html" for s in STORIES]
    assert not any(p.startswith("/private/") for p in paths)
    assert "ledger: 6 requests, 3 new, 0 updated, 0 known, 0 errors" in out  # home, robots.txt, 4


def test_listings_and_article_pattern(tmp_path: Path) -> None:
    with FixtureServer(SITE, {"/": Reply(HOME_WITHOUT_FEED)}).running() as server:
        crawl(
            tmp_path,
            server,
            f'listings = ["{server.origin}/"]\n'
            'article_pattern = "/articles/[a-z]+-[a-z]+-[a-z]+\\\\.html"\n',
        )
    assert stored(tmp_path) == [f"{CANONICAL}computex-ai-laptops.html"]
