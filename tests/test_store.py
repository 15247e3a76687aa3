"""The article store: migrations, identity by canonical URL and aliases, change tracking."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from crawler.article import Article
from crawler.store import ArticleStore, migrations, open_db
from monitor import state

NOW = datetime(2024, 4, 10, 9, 0, tzinfo=UTC)


def article(url: str = "https://news.example/a/", body: str = "Body text.") -> Article:
    return Article(url=url, title="A headline", body=body, authors=("Ann Author",))


def test_migrations_apply_twice(tmp_path: Path) -> None:
    path = tmp_path / "n.db"
    db = open_db(path)
    state.apply(db)
    db.close()
    db = open_db(path)
    state.apply(db)
    names = set(db.table_names())
    assert {"articles", "urls", "crawl_runs", "alerts", "deliveries", "digests"} <= names
    assert migrations.pending(db) == []
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
