"""`newsmon search`: the search of `watch test`, one line per story, with its sites."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.article import Article
from crawler.store import ArticleStore
from monitor.cli import cli
from monitor.query import parse
from monitor.search import Found
from monitor.search import search as run_search
from tests.test_stories import OTHER, REWRITE, WIRE

NOW = datetime.now(UTC)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def search(
    store: ArticleStore,
    query: str,
    *,
    site: str | None = None,
    since: datetime = EPOCH,
    limit: int = 20,
) -> list[Found]:
    return run_search(store, parse(query), since=since, limit=limit, site=site, per_story=True)


@pytest.fixture
def store(tmp_path: Path) -> ArticleStore:
    (tmp_path / "newsmon.toml").write_text(f"[store]\npath = '{tmp_path / 'news.db'}'\n")
    store = ArticleStore.open(tmp_path / "news.db")
    rows = [
        ("a", "https://a.example/wire", "Microsoft invests in Japan", WIRE, 30),
        ("b", "https://b.example/rewrite", "Japan gets Microsoft billions", REWRITE, 20),
        ("c", "https://c.example/sony", "Sony builds a sensor plant", OTHER, 10),
        ("d", "https://d.example/display", "Japan Display and Microsoft", "Japan Display. " * 3, 5),
    ]
    for site, url, title, body, days in rows:
        when = NOW - timedelta(days=days)
        store.save(Article(url=url, title=title, body=body), site=site, aliases=[], now=when)
    return store


def run(tmp_path: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--config", str(tmp_path / "newsmon.toml"), "search", *args])
    return result.exit_code, result.stdout, result.stderr


def test_one_line_per_story_newest_first(store: ArticleStore, tmp_path: Path) -> None:
    code, out, _ = run(tmp_path, 'Microsoft AND Japan NOT "Japan Display"')
    assert code == 0
    lines = out.splitlines()
    # Sony's story (10 days old; it mentions both), then the wire story (a, b: one story,
    # under its newest article); d is excluded by NOT
    assert len(lines) == 2
    assert "Sony builds a sensor plant" in lines[0] and "[c]" in lines[0]
    # highlighted as in the plain-text digest
    assert "*Japan* gets *Microsoft* billions  [b, a]" in lines[1]


def test_phrases_and_or(store: ArticleStore) -> None:
    assert [h.article.site for h in search(store, '"image sensor" OR robotics')] == ["c", "b"]
    assert [h.article.site for h in search(store, '"sensor image"')] == []


def test_site_since_and_limit(store: ArticleStore, tmp_path: Path) -> None:
    assert [h.article.site for h in search(store, "Japan", site="a")] == ["a"]
    assert [h.article.site for h in search(store, "Japan", since=NOW - timedelta(days=15))] == [
        "d",
        "c",
    ]
    assert len(search(store, "Japan", limit=1)) == 1
    code, out, _ = run(tmp_path, "Japan", "--since", "15d", "--limit", "1")
    assert code == 0 and len(out.splitlines()) == 1 and "*Japan* Display" in out


def test_json_carries_the_snippet_marks(store: ArticleStore, tmp_path: Path) -> None:
    code, out, _ = run(tmp_path, "robotics", "--json")
    assert code == 0
    (line,) = out.splitlines()
    hit = json.loads(line)
    text, marks = hit["snippet"]["text"], hit["snippet"]["marks"]
    assert [text[s:e] for s, e in marks] == ["robotics"]
    assert hit["sites"] == ["b", "a"] and hit["terms"] == ["robotics"]
    assert hit["url"] == "https://b.example/rewrite"


def test_search_follows_edits(store: ArticleStore) -> None:
    edited = Article(
        url="https://c.example/sony", title="Sony builds a sensor plant", body=OTHER + " Osaka."
    )
    store.save(edited, site="c", aliases=[], now=NOW)
    assert [h.article.site for h in search(store, "Osaka")] == ["c"]


@pytest.mark.parametrize(
    ("query", "column"),
    [("Microsoft AND", 14), ("Microsoft or Apple", 11), ('"Japan', 1), ("NOT Xbox", 1)],
)
def test_a_bad_query_exits_2_with_its_column(
    store: ArticleStore, tmp_path: Path, query: str, column: int
) -> None:
    code, _, err = run(tmp_path, query)
    assert code == 2
    assert f"column {column}" in err
    assert err.splitlines()[-1] == "  " + " " * (column - 1) + "^"


def test_a_bad_since_is_a_usage_error(store: ArticleStore, tmp_path: Path) -> None:
    code, _, err = run(tmp_path, "Japan", "--since", "a week")
    assert code == 2 and "--since" in err


def test_an_unknown_site_is_a_usage_error_naming_the_stored_ones(
    store: ArticleStore, tmp_path: Path
) -> None:
    code, _, err = run(tmp_path, "Japan", "--site", "verge")
    assert code == 2
    assert "'verge'" in err and "a, b, c, d" in err
