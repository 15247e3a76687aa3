"""Match and digest steps on a real SQLite store: once per alert, nothing lost on failure."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crawler.article import Article
from crawler.store import ArticleStore
from monitor.alerts import match_new
from monitor.config import Config, parse_config
from monitor.delivery import send_digests
from monitor.mailer import FileMailer
from monitor.runner import delivery_plan

NOW = datetime(2024, 4, 10, 9, 0, tzinfo=UTC)
CONFIG = """
[[watch]]
name = "Microsoft in Japan"
query = 'Microsoft AND (Japan OR Tokyo)'
notify = ["alice@example.com", "bob@example.com"]
cadence = "immediate"

[[watch]]
name = "Chips"
query = '"chip plant" OR Rapidus'
notify = ["alice@example.com"]
cadence = "immediate"
"""

STORIES = [
    (
        "https://n.example/1/",
        "Microsoft invests in Japan",
        "Microsoft will spend $2.9 billion in Japan.",
    ),
    ("https://n.example/2/", "Windows update ships", "Microsoft ships a Windows update."),
    ("https://n.example/3/", "Rapidus opens a chip plant", "The chip plant in Hokkaido opens."),
]


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return parse_config(CONFIG, path=tmp_path / "newsmon.toml", environ={})


@pytest.fixture
def store(config: Config) -> ArticleStore:
    store = ArticleStore.open(config.store.path)
    for url, title, body in STORIES:
        store.save(Article(url=url, title=title, body=body), site="n", aliases=[], now=NOW)
    return store


def test_each_match_raises_one_alert_once(store: ArticleStore, config: Config) -> None:
    first = match_new(store, config.watches, now=NOW)
    assert (first.articles, first.alerts) == (3, 2)
    rows = store.db.execute_returning_dicts(
        "SELECT watch, url FROM alerts JOIN articles ON articles.id = article_id ORDER BY watch"
    )
    assert [(r["watch"], r["url"]) for r in rows] == [
        ("Chips", "https://n.example/3/"),
        ("Microsoft in Japan", "https://n.example/1/"),
    ]
    again = match_new(store, config.watches, now=NOW)
    assert (again.articles, again.alerts) == (0, 0)
    deliveries = store.db.execute("SELECT COUNT(*) FROM deliveries").fetchone()[0]
    assert deliveries == 3  # alice twice, bob once


def test_an_edited_article_alerts_again_as_a_new_revision(
    store: ArticleStore, config: Config
) -> None:
    match_new(store, config.watches, now=NOW)
    store.save(
        Article(
            url="https://n.example/2/",
            title="Windows update ships",
            body="Now in Tokyo too: Microsoft.",
        ),
        site="n",
        aliases=[],
        now=NOW,
    )
    result = match_new(store, config.watches, now=NOW)
    assert (result.articles, result.alerts) == (1, 1)


def test_a_new_watch_looks_back_one_day_not_forever(store: ArticleStore, config: Config) -> None:
    later = NOW + timedelta(days=3)
    assert match_new(store, config.watches, now=later).alerts == 0
    store.save(
        Article(url="https://n.example/4/", title="Tokyo", body="Microsoft in Tokyo."),
        site="n",
        aliases=[],
        now=later,
    )
    assert match_new(store, config.watches, now=later).alerts == 1


def test_failed_delivery_keeps_alerts_pending_then_sends_once(
    store: ArticleStore, config: Config, tmp_path: Path
) -> None:
    match_new(store, config.watches, now=NOW)
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the outbox should be")
    failed = send_digests(store, FileMailer(blocked), delivery_plan(config), now=NOW)
    assert sorted(f.recipient for f in failed.failed) == ["alice@example.com", "bob@example.com"]
    assert "not-a-folder" in failed.failed[0].error
    states = [r["state"] for r in store.db.execute_returning_dicts("SELECT state FROM digests")]
    assert states == ["sending", "sending"]  # kept, as rendered, for the next run

    outbox = tmp_path / "outbox"
    sent = send_digests(store, FileMailer(outbox), delivery_plan(config), now=NOW)
    assert sorted((s.recipient, s.alerts) for s in sent.sent) == [
        ("alice@example.com", 2),
        ("bob@example.com", 1),
    ]
    alice = next(s for s in sent.sent if s.recipient == "alice@example.com")
    msg = email.message_from_bytes(Path(alice.location).read_bytes(), policy=email.policy.default)
    assert msg["To"] == "alice@example.com"
    text = msg.get_body(preferencelist=("plain",))
    assert text is not None and "Rapidus opens a chip plant" in text.get_content()
    assert Path(alice.location).with_suffix(".html").exists()

    nothing = send_digests(store, FileMailer(outbox), delivery_plan(config), now=NOW)
    assert (nothing.sent, nothing.failed) == ([], [])
    assert len(list(outbox.glob("*.eml"))) == 2


def test_dry_run_renders_and_marks_nothing(store: ArticleStore, config: Config) -> None:
    match_new(store, config.watches, now=NOW)
    preview = send_digests(store, None, delivery_plan(config), now=NOW)
    assert len(preview.previews) == 2
    assert store.db.table("digests").count == 0
    again = send_digests(store, None, delivery_plan(config), now=NOW)
    assert len(again.previews) == 2


def _edit(store: ArticleStore, url: str, title: str, body: str) -> str:
    return store.save(Article(url=url, title=title, body=body), site="n", aliases=[], now=NOW)


def test_a_watch_alerts_once_per_article_however_often_it_is_edited(
    store: ArticleStore, config: Config
) -> None:
    assert match_new(store, config.watches, now=NOW).alerts == 2
    story = "https://n.example/1/"
    assert _edit(store, story, "Microsoft bets on Japan", "Microsoft spends in Japan.") == "updated"
    assert match_new(store, config.watches, now=NOW).alerts == 0


def test_on_change_alerts_on_edits_the_watch_looks_at_only(tmp_path: Path) -> None:
    config = parse_config(
        CONFIG.replace(
            'notify = ["alice@example.com", "bob@example.com"]',
            'notify = ["alice@example.com"]\non_change = true',
        ),
        path=tmp_path / "newsmon.toml",
        environ={},
    )
    store = ArticleStore.open(config.store.path)
    story = "https://n.example/1/"
    _edit(store, story, "Microsoft invests in Japan", "Microsoft will spend $2.9 billion in Japan.")
    assert match_new(store, config.watches, now=NOW).alerts == 1

    # the body changes, the watch matched before and the headline stays: nothing to tell
    _edit(store, story, "Microsoft invests in Japan", "Microsoft will spend $3 billion in Japan.")
    assert match_new(store, config.watches, now=NOW).alerts == 0

    # the headline changes: an "updated" alert with the words removed and added
    _edit(store, story, "Microsoft triples Japan bet", "Microsoft will spend $3 billion in Japan.")
    assert match_new(store, config.watches, now=NOW).alerts == 1
    [row] = store.db.execute_returning_dicts("SELECT * FROM alerts WHERE revision = 3")
    assert (row["kind"], row["diff"]) == (
        "updated",
        "-[invests in] +[triples] +[bet]",
    )

    # the watch stops matching, then matches again: news again
    _edit(store, story, "Microsoft triples bet", "Microsoft will spend $3 billion abroad.")
    assert match_new(store, config.watches, now=NOW).alerts == 0
    _edit(store, story, "Microsoft triples bet", "Microsoft will spend $3 billion in Tokyo.")
    assert match_new(store, config.watches, now=NOW).alerts == 1
    kinds = [r["kind"] for r in store.db.execute_returning_dicts("SELECT kind FROM alerts")]
    assert kinds == ["new", "updated", "updated"]


def test_a_digest_shows_the_revision_its_alert_matched(
    store: ArticleStore, config: Config, tmp_path: Path
) -> None:
    match_new(store, config.watches, now=NOW)
    # the site shortens the headline between match and digest (0.1 raised ValueError here)
    _edit(store, "https://n.example/1/", "MS", "Microsoft will spend $2.9 billion in Japan.")
    sent = send_digests(store, FileMailer(tmp_path / "out"), delivery_plan(config), now=NOW)
    assert len(sent.sent) == 2 and not sent.failed
    bob = next(s for s in sent.sent if s.recipient == "bob@example.com")
    msg = email.message_from_bytes(Path(bob.location).read_bytes(), policy=email.policy.default)
    text = msg.get_body(preferencelist=("plain",))
    assert text is not None
    assert "Microsoft invests in Japan" in text.get_content()
