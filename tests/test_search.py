"""Searching the archive (`newsmon watch test`), backfilling watches, and `newsmon watch list`."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.article import Article
from crawler.store import ArticleStore
from crawler.store.published import AllOf, AnyOf, Narrowing, Words
from monitor.alerts import match_new
from monitor.cli import cli
from monitor.config import Config, parse_config
from monitor.query import Term, parse
from monitor.search import narrowing, search

NOW = datetime(2024, 4, 10, 9, 0, tzinfo=UTC)
ALIASES = {"japan": (Term(("Japan",)), Term(("Tokyo",)), Term(("日本",)))}

# (url, title, body, published, stored days before NOW)
STORIES = [
    ("https://n.example/1/", "Microsoft invests in Japan", "Microsoft will spend in Japan.", 2, 0),
    ("https://n.example/2/", "Microsoft opens a Tokyo lab", "A lab for AI.", 5, 0),
    ("https://n.example/3/", "Microsoft and Japan, again", "An old story.", 40, 40),
    ("https://n.example/4/", "Apple in Japan", "No Redmond here.", 1, 0),
    ("https://n.example/5/", "Undated Microsoft Japan note", "Stored 3 days ago.", None, 3),
    (
        "https://n.example/6/",
        "マイクロソフトが日本に投資",
        "Microsoft in Japan, in Japanese.",
        4,
        0,
    ),
]


def fill(path: Path, now: datetime) -> ArticleStore:
    store = ArticleStore.open(path)
    for url, title, body, published, stored in sorted(STORIES, key=lambda s: -s[4]):
        when = now - timedelta(days=published) if published is not None else None
        store.save(
            Article(url=url, title=title, body=body, published=when),
            site="n",
            aliases=[],
            now=now - timedelta(days=stored),
        )
    return store


@pytest.fixture
def store(tmp_path: Path) -> ArticleStore:
    return fill(tmp_path / "newsmon.db", NOW)


MS, JAPAN = Words(("microsoft",)), Words(("japan",))


@pytest.mark.parametrize(
    ("query", "narrowed"),
    [
        ("Microsoft", MS),
        ('"Japan Display"', Words(("japan", "display"))),
        ("Microsoft Japan", AllOf((MS, JAPAN))),
        ("Microsoft OR Japan's", AnyOf((MS, Words(("japan", "s"))))),
        ("micro*", Words(("micro",), prefix=True)),
        ("Microsoft -Xbox", MS),
        ("Microsoft OR NEAR(a, b)", AnyOf((MS, AllOf((Words(("a",)), Words(("b",))))))),
        ("title:Microsoft site:n", MS),
        ("@japan Microsoft", MS),  # 日本 is not split into words by the index
        ("site:n", None),
        ("Microsoft OR author:Doe", None),
        ("Café", None),
    ],
)
def test_narrowing_only_where_it_is_safe(query: str, narrowed: Narrowing | None) -> None:
    assert narrowing(parse(query, ALIASES)) == narrowed


def test_search_finds_what_the_matcher_confirms_newest_first(store: ArticleStore) -> None:
    found = search(store, parse("Microsoft @japan", ALIASES), since=NOW - timedelta(days=30))
    assert [f.article.url[-2] for f in found] == ["1", "5", "6", "2"]
    first = found[0]
    assert [first.article.title[s:e] for s, e in first.title_marks] == ["Microsoft", "Japan"]
    assert first.snippet.text == "Microsoft will spend in Japan."


def test_search_limit_and_window(store: ArticleStore) -> None:
    query = parse("Microsoft", ALIASES)
    assert len(search(store, query, since=NOW - timedelta(days=30), limit=2)) == 2
    assert len(search(store, query, since=NOW - timedelta(days=90))) == 5


def test_a_mention_only_in_the_standfirst_is_found(tmp_path: Path) -> None:
    store = ArticleStore.open(tmp_path / "s.db")
    for number, subtitle in enumerate(["Microsoft comes to Japan", "Le café de Microsoft", None]):
        store.save(
            Article(
                url=f"https://n.example/s{number}/",
                title="A deal",
                subtitle=subtitle,
                body="Nothing else to see.",
                published=NOW - timedelta(days=1),
            ),
            site="n",
            aliases=[],
            now=NOW,
        )
    found = search(store, parse("Microsoft (Japan OR cafe)"), since=NOW - timedelta(days=7))
    assert sorted(f.article.subtitle or "" for f in found) == [
        "Le café de Microsoft",
        "Microsoft comes to Japan",
    ]


def test_search_without_narrowing_still_confirms(store: ArticleStore) -> None:
    found = search(store, parse("site:n NOT Microsoft", ALIASES), since=NOW - timedelta(days=30))
    assert [f.article.url[-2] for f in found] == ["4"]


# --- backfill and watermarks --------------------------------------------------------------------

WATCH = """
[[watch]]
name = "{name}"
query = '{query}'
notify = ["alice@example.com"]
"""


def config_of(tmp_path: Path, *watches: tuple[str, str]) -> Config:
    text = "".join(WATCH.format(name=n, query=q) for n, q in watches)
    return parse_config(text, path=tmp_path / "newsmon.toml", environ={})


def alerted(store: ArticleStore, watch: str) -> list[str]:
    rows = store.db.execute(
        "SELECT url FROM alerts JOIN articles ON articles.id = article_id WHERE watch = ? "
        "ORDER BY url",
        [watch],
    ).fetchall()
    return [row[0][-2] for row in rows]


def test_a_new_watch_looks_back_one_day_of_crawl_time(store: ArticleStore, tmp_path: Path) -> None:
    config = config_of(tmp_path, ("ms", "Microsoft"))
    match_new(store, config.watches, now=NOW)
    assert alerted(store, "ms") == ["1", "2", "6"]  # stored today; 3 and 5 were stored earlier


def test_backfill_raises_a_new_watchs_alerts_by_publication_time(
    store: ArticleStore, tmp_path: Path
) -> None:
    config = config_of(tmp_path, ("ms", "Microsoft"))
    result = match_new(store, config.watches, now=NOW, backfill=timedelta(days=7))
    assert alerted(store, "ms") == ["1", "2", "5", "6"]  # 5: no date, first stored 3 days ago
    assert result.alerts == 4
    again = match_new(store, config.watches, now=NOW, backfill=timedelta(days=60))
    assert alerted(store, "ms") == ["1", "2", "3", "5", "6"]
    assert again.alerts == 1


def test_a_deleted_and_re_added_watch_does_not_repeat_its_alerts(
    store: ArticleStore, tmp_path: Path
) -> None:
    first = config_of(tmp_path, ("ms", "Microsoft"), ("other", "Apple"))
    match_new(store, first.watches, now=NOW, backfill=timedelta(days=7))
    match_new(store, config_of(tmp_path, ("other", "Apple")).watches, now=NOW)
    changed = config_of(tmp_path, ("ms", "Microsoft OR Apple"), ("other", "Apple"))
    result = match_new(store, changed.watches, now=NOW, backfill=timedelta(days=7))
    assert alerted(store, "ms") == ["1", "2", "4", "5", "6"]
    assert result.alerts == 1  # only the Apple story is new to "ms"


# --- the commands -------------------------------------------------------------------------------


def write_config(tmp_path: Path) -> Path:
    path = tmp_path / "newsmon.toml"
    path.write_text(
        '[aliases]\njapan = ["Japan", "Tokyo", "日本"]\n'
        + WATCH.format(name="Microsoft in Japan", query="Microsoft @japan")
        + WATCH.format(name="Quiet", query="Xbox"),
        encoding="utf-8",
    )
    return path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_watch_test_prints_newest_first_with_highlights(tmp_path: Path) -> None:
    path = write_config(tmp_path)
    today = datetime.now(UTC)
    fill(tmp_path / "newsmon.db", today).close()
    code, out = run("--config", str(path), "watch", "test", "Microsoft @japan", "--limit", "3")
    assert code == 0, out
    lines = out.splitlines()
    day = (today - timedelta(days=2)).date().isoformat()
    assert lines[0] == (
        f"{day}  n  *Microsoft* invests in *Japan*  | *Microsoft* will spend in *Japan*."
    )
    assert len(lines) == 4 and lines[-1] == "3 article(s) published in the last 30d matched"
    code, out = run("--config", str(path), "watch", "test", "Microsoft", "--since", "90d")
    assert out.splitlines()[-1] == "5 article(s) published in the last 90d matched"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Microsoft AND (Japan"], "query column 15: ')' expected"),
        (["@nope"], "query column 1: unknown alias @nope"),
        (["Microsoft", "--since", "soon"], "'soon' is not a duration"),
        (["Microsoft", "--limit", "0"], "--limit"),
    ],
)
def test_watch_test_reports_bad_input_with_exit_2(
    tmp_path: Path, args: list[str], message: str
) -> None:
    code, out = run("--config", str(write_config(tmp_path)), "watch", "test", *args)
    assert code == 2
    assert message in out


def test_watch_list_counts_alerts(tmp_path: Path) -> None:
    path = write_config(tmp_path)
    today = datetime.now(UTC).replace(microsecond=0)
    fill(tmp_path / "newsmon.db", today).close()
    # -v: the summary is printed off a terminal too
    code, out = run("-v", "--config", str(path), "match", "--backfill", "7d")
    assert code == 0 and "4 new alerts" in out, out
    code, out = run("--config", str(path), "watch", "list")
    assert code == 0, out
    first, second = out.splitlines()
    assert first.startswith("Microsoft in Japan: 4 in 7 days, 4 in 30 days, last alert ")
    assert re.fullmatch(r".*, last alert \d{4}-\d\d-\d\d \d\d:\d\d UTC", first), first
    assert second == "Quiet: 0 in 7 days, 0 in 30 days, last alert never"


def test_match_backfill_needs_a_duration(tmp_path: Path) -> None:
    code, out = run("--config", str(write_config(tmp_path)), "match", "--backfill", "a week")
    assert code == 2 and "is not a duration" in out


@pytest.mark.parametrize(
    ("second", "alerts"),
    [
        ('[aliases]\njapan = ["Japan"]\n', 0),
        ('[aliases]\njapan = ["Japan", "Tokyo"]\n', 1),  # the alias set changed: looks back
        ('[aliases]\njapan = ["Japan"]\n[[watch]]\nmin_mentions = 1\n', 0),
    ],
)
def test_a_watch_whose_alias_set_changed_looks_back_again(
    store: ArticleStore, tmp_path: Path, second: str, alerts: int
) -> None:
    def config(aliases: str) -> Config:
        watch = WATCH.format(name="ms", query="Microsoft @japan")
        if "[[watch]]" in aliases:
            aliases, extra = aliases.split("[[watch]]\n")
            watch += extra
        return parse_config(aliases + watch, path=tmp_path / "newsmon.toml", environ={})

    assert match_new(store, config('[aliases]\njapan = ["Japan"]\n').watches, now=NOW).alerts == 2
    assert match_new(store, config(second).watches, now=NOW).alerts == alerts
