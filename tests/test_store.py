"""The article store: migrations, identity by canonical URL and aliases, change tracking."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crawler.article import Article
from crawler.recheck import is_due
from crawler.sites import RECHECK
from crawler.store import ArticleStore, Fetch, open_db, reader_text
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
    # an edit re-indexes; a bare re-check (only `checked` changes) leaves the index alone
    store.save(article(body="Osaka datacenter news."), site="s", aliases=[], now=NOW)
    store.save(article(body="Osaka datacenter news."), site="s", aliases=[], now=NOW)
    assert [r["url"] for r in store.articles.search("Osaka")] == ["https://news.example/a/"]
    assert list(store.articles.search("Tokyo")) == []
    # many saves in one batch are all searchable when the batch ends
    with store.batch():
        for n in range(250):
            store.save(
                article(url=f"https://news.example/{n}/", body=f"Kyoto item{n}."),
                site="s",
                aliases=[],
                now=NOW,
            )
    assert len(list(store.articles.search("Kyoto"))) == 250


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
    # 27 keys of 0.1, and the identity key (crawler.urls.identity_key) each URL among them files
    assert counts == {"articles": 9, "urls": 54, "alerts": 1, "deliveries": 1}
    assert db.table("urls").count_where("key LIKE '//%'") == 27
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


LONG = " ".join(f"Paragraph word{i} about chips and plants." for i in range(40))


def test_white_space_and_visit_to_visit_furniture_are_no_revision(tmp_path: Path) -> None:
    store = ArticleStore.open(tmp_path / "n.db")
    store.save(article(body=f"{LONG}\n3 comments"), site="s", aliases=[], now=NOW)
    respaced = LONG.replace(" ", "  ") + "\n\n17 comments\nUpdated 5 minutes ago"
    assert store.save(article(body=respaced), site="s", aliases=[], now=NOW) == "unchanged"
    assert store.db.table("revisions").count == 0


@pytest.mark.parametrize(
    "spaced",
    [
        "Chips and plants.",
        " Chips and plants. ",
        "Chips\tand  plants.",
        "Chips\u00a0and\u3000plants.",  # no-break and ideographic spaces
        "Chips\rand\x0bplants.\x1c",
        "Chips \u2028 and plants.",  # a line separator inside a paragraph
    ],
)
def test_any_white_space_between_words_reads_the_same(spaced: str) -> None:
    assert reader_text("Title", None, spaced) == "Title\nChips and plants."
    assert reader_text("Title", None, "Chips and  plants!") != "Title\nChips and plants."


def test_a_revision_keeps_the_version_before_with_its_diff(tmp_path: Path) -> None:
    store = ArticleStore.open(tmp_path / "n.db")
    store.save(article(body="First take.\nSecond line."), site="s", aliases=["g1"], now=NOW)
    later = NOW.replace(hour=10)
    edited = Article(url="https://news.example/a/", title="A new headline", body="First take.")
    assert store.save(edited, site="s", aliases=[], now=later) == "updated"
    found = store.history("g1")
    assert found is not None
    row, versions = found
    assert row["revision"] == 2
    assert [(v.number, v.title, v.fetched) for v in versions] == [
        (2, "A new headline", later.isoformat()),
        (1, "A headline", NOW.isoformat()),
    ]
    assert versions[0].diff is not None
    assert "-A headline\n+A new headline" in versions[0].diff
    assert "-Second line." in versions[0].diff


def test_a_page_that_shrinks_is_suspect_until_a_second_fetch_confirms_it(tmp_path: Path) -> None:
    store = ArticleStore.open(tmp_path / "n.db")
    url = "https://news.example/a/"
    fetch = Fetch(url=url, etag='"v1"')
    store.save(article(body=LONG), site="s", aliases=[], now=NOW, fetch=fetch)
    short = article(body="Subscribe to read the rest.")
    shrunk = Fetch(url=url, etag='"v2"')
    assert store.save(short, site="s", aliases=[], now=NOW, fetch=shrunk) == "suspect"
    state = store.fetch.get(url)
    assert state is not None and state.etag == '"v1"'  # the next fetch must be a full one
    assert store.db.table("revisions").count == 0
    assert store.save(short, site="s", aliases=[], now=NOW, fetch=shrunk) == "updated"
    assert store.db.table("revisions").count == 1


def test_fetch_state_schedules_the_next_recheck_and_a_410_ends_it(tmp_path: Path) -> None:
    store = ArticleStore.open(tmp_path / "n.db")
    url = "https://news.example/a/"
    schedule = (timedelta(hours=1), timedelta(hours=6))
    store.save(article(), site="s", aliases=[], now=NOW, fetch=Fetch(url=url, schedule=schedule))
    state = store.fetch.get(url)
    assert state is not None and state.next_check == (NOW + timedelta(hours=1)).isoformat()
    known = store.lookup([url])
    assert known is not None
    store.checked(known.id, Fetch(url=url, status=410, schedule=schedule), now=NOW)
    state = store.fetch.get(url)
    assert state is not None and (state.status, state.next_check) == (410, None)


@pytest.mark.parametrize(
    ("hours_since_seen", "hours_since_checked", "updated", "status", "due"),
    [
        (0.5, 0.5, None, None, False),  # young, first check not yet due
        (1.5, 1.5, None, None, True),  # the 1 h check is due
        (1.5, 0.2, None, None, False),  # checked after the 1 h point: wait for 6 h
        (80, 5, None, None, False),  # the schedule is spent
        (80, 5, 1, None, True),  # but the feed says it changed after the last check
        (80, 5, 6, None, False),  # a feed update from before the last check
        (1.5, 1.5, None, 410, False),  # gone for good
    ],
)
def test_recheck_policy(
    hours_since_seen: float,
    hours_since_checked: float,
    updated: float | None,
    status: int | None,
    due: bool,
) -> None:
    hours = timedelta(hours=1)
    assert (
        is_due(
            now=NOW,
            first_seen=NOW - hours_since_seen * hours,
            checked=NOW - hours_since_checked * hours,
            schedule=RECHECK,
            entry_updated=None if updated is None else NOW - updated * hours,
            status=status,
        )
        is due
    )


def test_prune_drops_old_bodies_and_revisions_but_keeps_headlines(tmp_path: Path) -> None:
    store = ArticleStore.open(tmp_path / "n.db")
    old, young = "https://news.example/old/", "https://news.example/young/"
    store.save(article(url=old, body="Old text."), site="s", aliases=[], now=NOW)
    store.save(article(url=old, body="Old text, edited."), site="s", aliases=[], now=NOW)
    later = NOW + timedelta(days=30)
    store.save(article(url=young, body="Young text."), site="s", aliases=[], now=later)
    assert store.prune(later - timedelta(days=10)) == (1, 1)
    rows = {r["url"]: r for r in store.articles.rows}
    assert (rows[old]["title"], rows[old]["body"]) == ("A headline", "")
    assert rows[young]["body"] == "Young text."
    assert store.db.table("revisions").count == 0
    assert [r["url"] for r in store.articles.search("edited")] == []
    store.vacuum()
