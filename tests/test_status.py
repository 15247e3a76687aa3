"""Source health (pure, then on a real crawl whose site changes layout), `newsmon status`,
`newsmon init` and `newsmon backup`."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crawler.article import Article
from crawler.store import ArticleStore
from monitor.config import load_config
from monitor.health import Flag, Run, assess
from monitor.runner import health_warnings, match
from tests.conftest import newsmon
from tests.fixture_server import FixtureServer
from tests.test_runner import BASE, WATCH, build_site, site_config

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def runs_every(hours: float, count: int, **fields: object) -> list[Run]:
    """`count` ok runs, `hours` apart, ending at NOW, each with one new article."""
    start = NOW - timedelta(hours=hours * (count - 1))
    values: dict[str, object] = {"ok": True, "new": 1, "new_dated": 1, "new_authored": 1}
    values.update(fields)
    return [
        Run(finished=start + timedelta(hours=hours * n), **values)  # type: ignore[arg-type]
        for n in range(count)
    ]


def kinds(flags: tuple[Flag, ...]) -> list[str]:
    return [flag.kind for flag in flags]


def test_a_site_that_works_has_no_flags() -> None:
    assert assess("s", runs_every(2, 20), now=NOW) == ()
    assert assess("s", [], now=NOW) == ()


def test_the_last_three_runs_failed() -> None:
    history = runs_every(1, 5)
    failed = Run(finished=NOW, ok=False, new=0, error="cannot connect to s.example")
    flags = assess("s", [*history, failed, failed, failed], now=NOW)
    assert kinds(flags) == ["failing"]
    assert flags[0].line() == "site s: its last 3 crawls failed (cannot connect to s.example)"
    assert assess("s", [*history, failed, failed], now=NOW) == ()  # two are not yet a pattern


@pytest.mark.parametrize(
    ("gap_hours", "quiet_hours", "flagged"),
    [
        (2, 23, False),  # 3 x 2 h is under the 24 h floor
        (2, 25, True),
        (12, 30, False),  # under 3 x its usual 12 h
        (12, 37, True),
    ],
)
def test_silence_is_judged_against_the_sites_own_rhythm(
    gap_hours: float, quiet_hours: float, flagged: bool
) -> None:
    history = runs_every(gap_hours, 6)
    later = NOW + timedelta(hours=quiet_hours)
    still_ok = Run(finished=later, ok=True, new=0)
    flags = assess("s", [*history, still_ok], now=later)
    assert kinds(flags) == (["silent"] if flagged else [])


def test_silence_needs_history_to_learn_from() -> None:
    history = runs_every(2, 3)  # only two gaps
    assert assess("s", history, now=NOW + timedelta(days=5)) == ()


def test_a_field_lost_on_most_new_articles_after_having_it() -> None:
    before = runs_every(1, 6)  # 6 new, all dated and authored
    after = [Run(finished=NOW + timedelta(hours=1), ok=True, new=4, new_dated=1, new_authored=4)]
    flags = assess("s", [*before, *after], now=NOW + timedelta(hours=1))
    assert kinds(flags) == ["no_date"]
    assert "1 of 4 of its latest new articles have a date (before: 6 of 6)" in flags[0].message


def test_a_field_that_was_never_there_is_not_lost() -> None:
    before = runs_every(1, 6, new_authored=0)
    after = [Run(finished=NOW + timedelta(hours=1), ok=True, new=4, new_dated=4, new_authored=0)]
    assert assess("s", [*before, *after], now=NOW + timedelta(hours=1)) == ()


def test_runs_recorded_before_the_counts_existed_are_not_taken_for_losses() -> None:
    old = runs_every(1, 6, new_dated=None, new_authored=None)
    assert assess("s", old, now=NOW) == ()


# --- on a real crawl --------------------------------------------------------------------------


def test_a_layout_change_raises_a_flag_in_status_and_one_warning(tmp_path: Path) -> None:
    site = tmp_path / "site"
    build_site(site, ["a1", "a2", "a3", "a4", "a5"])
    with FixtureServer(site).running() as server:
        (tmp_path / "newsmon.toml").write_text(BASE + site_config(server.origin) + WATCH)
        first = newsmon("crawl", cwd=tmp_path)
        assert first.returncode == 0, first.stderr
        assert "warning" not in first.stderr

        # the site's new template drops the byline from its structured data
        build_site(site, ["b1", "b2", "b3"], authors=False)
        second = newsmon("crawl", cwd=tmp_path)
        assert second.returncode == 0, second.stderr
        [warning] = [line for line in second.stderr.splitlines() if line.startswith("warning")]
        assert warning.startswith(
            "warning: site ledger: 0 of 3 of its latest new articles have an author "
            "(before: 5 of 5)"
        )
    config = load_config(tmp_path / "newsmon.toml", environ={})
    assert health_warnings(config, ["ledger"], now=datetime.now(UTC)) == []  # told once

    shown = newsmon("status", "--json", cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    status = json.loads(shown.stdout)
    [ledger] = status["sites"]
    assert [flag["kind"] for flag in ledger["health"]] == ["no_author"]
    assert ledger["result"] == "ok" and ledger["new_24h"] == 8
    text = newsmon("status", cwd=tmp_path).stdout
    assert "ledger: last run " in text and "(ok); 8 new in 24 h; next due " in text
    assert "health: 0 of 3 of its latest new articles have an author" in text


def test_status_shows_watches_digests_and_the_database(tmp_path: Path) -> None:
    (tmp_path / "newsmon.toml").write_text(BASE + site_config("https://n.example") + WATCH)
    config = load_config(tmp_path / "newsmon.toml", environ={})
    store = ArticleStore.open(config.store.path)
    for n in (1, 2):
        article = Article(url=f"https://n.example/{n}", title=f"Nvidia {n}", body="Nvidia chips.")
        store.save(article, site="ledger", aliases=[], now=datetime.now(UTC))
    store.close()
    assert match(config, now=datetime.now(UTC)).alerts == 2
    text = newsmon("status", cwd=tmp_path).stdout
    assert "Nvidia (immediate): 2 alerts pending; last sent never" in text
    assert "digests: last sent never; 0 given up, 0 waiting for a retry" in text
    assert "health: ok" in text
    assert newsmon("digest", "--outbox", "out", cwd=tmp_path).returncode == 0
    status = json.loads(newsmon("status", "--json", cwd=tmp_path).stdout)
    [watch] = status["watches"]
    assert watch["pending"] == 0 and watch["last_sent"] is not None
    assert status["digests"]["last_sent"] == watch["last_sent"]
    assert status["database"]["bytes"] > 0


# --- init and backup --------------------------------------------------------------------------


def test_init_writes_a_config_that_passes_the_check_and_never_overwrites(tmp_path: Path) -> None:
    done = newsmon("init", "--dir", "news", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "newsmon --config news/newsmon.toml run --outbox news/outbox" in done.stdout
    config = load_config(tmp_path / "news" / "newsmon.toml", environ={})
    assert [site.name for site in config.sites] == ["mspoweruser", "theverge"]
    assert len(config.watches) == 1 and config.email is None
    checked = newsmon("--config", "news/newsmon.toml", "config", "check", cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    again = newsmon("init", "--dir", "news", cwd=tmp_path)
    assert again.returncode == 2 and "exists already" in again.stderr


def test_backup_is_a_consistent_copy_while_a_writer_is_busy(tmp_path: Path) -> None:
    (tmp_path / "newsmon.toml").write_text(BASE)
    store = ArticleStore.open(tmp_path / "news.db")
    store.save(
        Article(url="https://n.example/1", title="Kept", body="Committed text."),
        site="n",
        aliases=[],
        now=NOW,
    )
    store.close()
    writer = sqlite3.connect(tmp_path / "news.db", isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # a run in the middle of a write
        writer.execute("INSERT INTO meta (key, value) VALUES ('half', 'done')")
        done = newsmon("backup", "copies/news.db", cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        writer.execute("COMMIT")
    finally:
        writer.close()
    copy = sqlite3.connect(tmp_path / "copies" / "news.db")
    try:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("SELECT title FROM articles").fetchall() == [("Kept",)]
        assert copy.execute("SELECT COUNT(*) FROM meta WHERE key = 'half'").fetchone()[0] == 0
    finally:
        copy.close()
    same = newsmon("backup", "news.db", cwd=tmp_path)
    assert same.returncode == 2 and "is the database itself" in same.stderr
