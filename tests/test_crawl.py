"""The real cycle: `newsmon run` (a real `scrapy crawl` subprocess) against the fixture site."""

from __future__ import annotations

import email
import email.policy
import json
import sqlite3
from pathlib import Path

from tests.conftest import newsmon

CANONICAL = "https://fixture.newsmon.example/articles/"
CONFIG = """
[store]
path = "data/news.db"

[crawl]
delay = 0  # our own server: no politeness delays

[[site]]
name = "ledger"
home = "{origin}/"
feeds = ["{origin}/feed.atom"]

[[site]]
name = "broken"
home = "{origin}/"
feeds = ["{origin}/no-such-feed.xml", "{origin}/index.html"]

[[watch]]
name = "Nvidia"
query = "Nvidia"
notify = ["analyst@example.com"]
cadence = "immediate"
"""


def rows(db: Path, sql: str) -> list[dict[str, object]]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql)]
    finally:
        conn.close()


def test_run_crawls_matches_and_digests_once(tmp_path: Path, fixture_site: str) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "newsmon.toml").write_text(CONFIG.format(origin=fixture_site))
    cron_dir = tmp_path / "cron"  # cron runs commands from some other folder
    cron_dir.mkdir()

    # -v: the summary is printed off a terminal too (without it, cron gets silence)
    first = newsmon(
        "--config", "../home/newsmon.toml", "-v", "run", "--outbox", "out", cwd=cron_dir
    )
    assert first.returncode == 0, first.stderr
    assert "ledger: 6 requests, 3 new, 0 updated, 0 known, 1 errors" in first.stdout
    # a feed that 404s and a page that is no feed: reported, and the other site goes on
    assert "broken: 2 requests, 0 new, 0 updated, 0 known, 2 errors" in first.stdout
    assert "no-such-feed.xml failed: the server answered HTTP 404" in first.stderr
    assert "index.html looks like an HTML page, not a feed" in first.stderr
    assert "1 new alerts" not in first.stdout and "2 new alerts" in first.stdout

    db = home / "data" / "news.db"
    articles = {
        r["url"]: r for r in rows(db, "SELECT url, title, authors, published, body FROM articles")
    }
    assert sorted(articles) == [
        CANONICAL + "computex-ai-laptops.html",
        CANONICAL + "gpu-lead-times-shrink.html",
        CANONICAL + "raspberry-pi-london-listing.html",
    ]
    gpu = articles[CANONICAL + "gpu-lead-times-shrink.html"]
    assert gpu["title"] == "Wait times for data centre GPUs fall to a few months"
    assert json.loads(str(gpu["authors"])) == ["Ingrid Solberg"]
    assert gpu["published"] == "2024-05-21T14:30:00-07:00"
    pi = articles[CANONICAL + "raspberry-pi-london-listing.html"]
    assert json.loads(str(pi["authors"])) == ["Greta Holm"]
    assert pi["published"] == "2024-06-11T17:45:00+01:00"
    assert "Nvidia" not in str(pi["body"])  # only in its sidebar
    assert all("Quillmark" not in str(a["body"]) for a in articles.values())  # robots.txt

    runs = rows(db, "SELECT site, new, errors FROM crawl_runs ORDER BY site")
    assert runs == [
        {"site": "broken", "new": 0, "errors": 2},
        {"site": "ledger", "new": 3, "errors": 1},
    ]

    alerted = rows(
        db, "SELECT url FROM alerts JOIN articles ON articles.id = article_id ORDER BY url"
    )
    assert [a["url"] for a in alerted] == [
        CANONICAL + "computex-ai-laptops.html",
        CANONICAL + "gpu-lead-times-shrink.html",
    ]
    [eml] = list((cron_dir / "out").glob("*.eml"))
    msg = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert msg["To"] == "analyst@example.com"
    assert msg.get_content_type() == "multipart/alternative"
    text = msg.get_body(preferencelist=("plain",))
    assert text is not None
    assert "Wait times for data centre GPUs fall to a few months" in text.get_content()
    assert "Raspberry Pi" not in text.get_content()

    second = newsmon(
        "--config", "../home/newsmon.toml", "-v", "run", "--outbox", "out", "--force", cwd=cron_dir
    )
    assert second.returncode == 0, second.stderr
    # the feed answers 304 to its stored ETag: no entry is read, no article asked for
    assert "ledger: 1 requests, 0 new, 0 updated, 0 known, 0 errors" in second.stdout
    assert "0 new alerts" in second.stdout
    assert "no pending alerts: no digest" in second.stdout
    assert len(list((cron_dir / "out").glob("*.eml"))) == 1
    assert len(rows(db, "SELECT id FROM articles")) == 3


def test_digest_dry_run_prints_and_marks_nothing(tmp_path: Path, fixture_site: str) -> None:
    (tmp_path / "newsmon.toml").write_text(CONFIG.format(origin=fixture_site))
    assert newsmon("crawl", cwd=tmp_path).returncode == 0
    assert newsmon("match", cwd=tmp_path).returncode == 0
    dry = newsmon("digest", "--dry-run", cwd=tmp_path)  # asked for: printed without -v
    assert dry.returncode == 0, dry.stderr
    assert "would send to analyst@example.com" in dry.stdout
    assert "*Nvidia*" in dry.stdout
    real = newsmon("-v", "digest", "--outbox", "out", cwd=tmp_path)
    assert "sent 2 alerts to analyst@example.com" in real.stdout
    assert "no pending alerts" in newsmon("-v", "digest", "--outbox", "out", cwd=tmp_path).stdout


def test_scrapy_finds_the_news_spider_at_the_project_root() -> None:
    import subprocess
    import sys

    root = Path(__file__).parent.parent
    listed = subprocess.run(
        [sys.executable, "-m", "scrapy", "list"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.split() == ["news"]


def test_scrapy_crawl_without_sites_says_how_to_run_it(tmp_path: Path) -> None:
    import subprocess
    import sys

    root = Path(__file__).parent.parent
    bare = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "news", "-s", f"NEWSMON_DB={tmp_path}/x.db"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert bare.returncode != 0
    assert "no sites to crawl: run `newsmon crawl`" in bare.stderr
    assert "-s NEWSMON_SITES=" in bare.stderr and "-s NEWSMON_DB=" in bare.stderr
    assert not (tmp_path / "x.db").exists()
