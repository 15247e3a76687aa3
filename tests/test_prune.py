"""Retention: [store] keep and `newsmon prune`; the run prunes at most once a day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from crawler.article import Article
from crawler.store import ArticleStore
from monitor.config import load_config
from monitor.runner import prune
from tests.conftest import newsmon

NOW = datetime.now(UTC)


def make_store(tmp_path: Path, keep: str | None) -> Path:
    config = tmp_path / "newsmon.toml"
    config.write_text('[store]\npath = "n.db"\n' + (f'keep = "{keep}"\n' if keep else ""))
    store = ArticleStore.open(tmp_path / "n.db")
    for days, url in ((40, "https://n.example/old/"), (1, "https://n.example/new/")):
        when = NOW - timedelta(days=days)
        store.save(Article(url=url, title="T", body="Some body."), site="n", aliases=[], now=when)
    store.close()
    return config


def test_newsmon_prune_empties_old_bodies(tmp_path: Path) -> None:
    make_store(tmp_path, "30d")
    done = newsmon("-v", "prune", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "pruned: 1 article bodies and 0 revisions older than 30 days" in done.stdout
    store = ArticleStore.open(tmp_path / "n.db")
    assert sorted(r["body"] for r in store.articles.rows) == ["", "Some body."]
    store.close()


def test_prune_without_keep_says_what_to_set(tmp_path: Path) -> None:
    make_store(tmp_path, None)
    done = newsmon("-v", "prune", cwd=tmp_path)
    assert done.returncode == 2
    assert 'store.keep is not set; add keep = "365d" to [store]' in done.stderr


def test_the_run_prunes_at_most_once_a_day(tmp_path: Path) -> None:
    config = load_config(make_store(tmp_path, "30d"), environ={})
    assert prune(config, now=NOW, force=False).ran
    assert not prune(config, now=NOW + timedelta(hours=23), force=False).ran
    assert prune(config, now=NOW + timedelta(hours=25), force=False).ran
