"""The article store: migrations, identity by canonical URL and aliases, change tracking."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from crawler.article import Article
from crawler.store import ArticleStore, open_db
from crawler.store.schema import crawler_migrations, monitor_migrations

NOW = datetime(2024, 4, 10, 9, 0, tzinfo=UTC)


def article(url: str = "https://news.example/a/", body: str = "Body text.") -> Article:
    return Article(url=url, title="A headline", body=body, authors=("Ann Author",))


def test_migrations_apply_twice(tmp_path: Path) -> None:
    path = tmp_path / "n.db"
    db = open_db(path)
    db.close()
    db = open_db(path)
    names = set(db.table_names())
    assert {"articles", "urls", "revisions", "fetch_state", "crawl_runs"} <= names
    assert {"watches", "alerts", "deliveries", "digests"} <= names
    assert crawler_migrations.pending(db) == monitor_migrations.pending(db) == []
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_same_story_at_two_urls_is_one_article(tmp_path: Path) -> None:
    store = ArticleStore.open(tmp_path / "n.db")
    first = store.save(article(), site="s", aliases=["http://127.0.0.1:1/a/", "guid-1"], now=NOW)
    again = store.save(article(), site="s", aliases=["http://127.0.0.1:2/a/", "guid-1"], now=NOW)
    assert (first, again) == ("new", "unchanged")
    assert store.articles.count == 1
    assert store.known(["http://127.0.0.1:2/a/"])
    assert store.known([None, "guid-1"])
    assert not store.known(["https://news.example/b/"])


def test_changed_body_is_a_new_revision_past_the_watermark(tmp_path: Path) -> None:
    store = ArticleStore.open(tmp_path / "n.db")
    store.save(article(), site="s", aliases=[], now=NOW)
    mark = store.max_seq()
    assert store.save(article(body="Corrected text."), site="s", aliases=[], now=NOW) == "updated"
    changed = list(store.changed_since(mark))
    assert [(a.revision, a.body) for a in changed] == [(2, "Corrected text.")]
    assert store.articles.count == 1


def test_full_text_search_finds_stored_articles(tmp_path: Path) -> None:
    store = ArticleStore.open(tmp_path / "n.db")
    store.save(article(body="Tokyo datacenter news."), site="s", aliases=[], now=NOW)
    rows = list(store.articles.search("datacenter"))
    assert [r["url"] for r in rows] == ["https://news.example/a/"]


def _load_dump(dump: Path, target: Path) -> None:
    conn = sqlite3.connect(target)
    conn.executescript(dump.read_text(encoding="utf-8"))
    conn.close()


def test_a_database_written_by_release_0_1_is_migrated_in_place(tmp_path: Path) -> None:
    # The demo's database as newsmon 0.1 wrote it (sqlite3 .dump of a real run).
    path = tmp_path / "old.db"
    _load_dump(Path(__file__).parent / "fixtures" / "store" / "v0_1_demo.sql", path)
    store = ArticleStore.open(path)
    db = store.db
    counts = {t: db.table(t).count for t in ("articles", "urls", "alerts", "deliveries")}
    assert counts == {"articles": 9, "urls": 27, "alerts": 1, "deliveries": 1}
    assert [r["state"] for r in db.table("digests").rows] == ["sent"]
    assert [r["kind"] for r in db.table("alerts").rows] == ["new"]
    assert [r["url"] for r in store.articles.search("Rapidus")] == [
        "https://demo.newsmon.example/2024/04/02/rapidus-subsidy-2nm-hokkaido/"
    ]
    # the same page fetched again is no revision: the stored hashes were brought up to date
    row = next(store.articles.rows_where("url LIKE ?", ["%rapidus%"]))
    same = Article(url=row["url"], title=row["title"], body=row["body"], subtitle=row["subtitle"])
    assert store.save(same, site=row["site"], aliases=[], now=NOW) == "unchanged"
    assert db.table("revisions").count == 0
    store.close()
    again = ArticleStore.open(path)  # and opening it again changes nothing
    assert again.articles.count == 9
    assert crawler_migrations.pending(again.db) == []
