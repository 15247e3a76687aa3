"""The change monitor end to end: real `scrapy crawl` runs against a fixture site that changes."""

from __future__ import annotations

import email
import email.policy
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitor.config import Config, load_config
from monitor.demo import serve
from monitor.mailer import FileMailer
from monitor.runner import crawl, digest, match, open_store
from tests.conftest import FIXTURES, newsmon

GPU = "articles/gpu-lead-times-shrink.html"
STORED = {f"/{p.relative_to(FIXTURES / 'site')}" for p in (FIXTURES / "site").glob("articles/*")}
OLD_HEADLINE = "Wait times for data centre GPUs fall to a few months"
NEW_HEADLINE = "Wait times for data centre GPUs fall to six weeks"
CONFIG = """
[store]
path = "news.db"

[crawl]
delay = 0  # our own server: no politeness delays

[[site]]
name = "ledger"
home = "{origin}/"
feeds = ["{origin}/feed.atom"]
recheck = {recheck}

[[watch]]
name = "GPU edits"
query = "Nvidia"
notify = ["editor@example.com"]
cadence = "immediate"
on_change = true

[[watch]]
name = "GPU news"
query = "Nvidia"
notify = ["reader@example.com"]
cadence = "immediate"
"""


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A copy of the fixture site that a test may edit between crawls."""
    root = tmp_path / "site"
    shutil.copytree(FIXTURES / "site", root)
    return root


def config_for(tmp_path: Path, origin: str, recheck: str) -> Config:
    path = tmp_path / "newsmon.toml"
    path.write_text(CONFIG.format(origin=origin, recheck=recheck))
    return load_config(path, environ={})


def edit(root: Path, old: str, new: str, *, entry_updated: datetime | None = None) -> None:
    page = root / GPU
    page.write_text(page.read_text().replace(old, new))
    if entry_updated is not None:
        feed = root / "feed.atom"
        feed.write_text(
            feed.read_text().replace(
                "<updated>2024-05-22T09:05:00-07:00</updated>",
                f"<updated>{entry_updated.isoformat()}</updated>",
            )
        )


def test_an_edit_announced_by_the_feed_becomes_a_revision_and_an_updated_alert(
    tmp_path: Path, site: Path
) -> None:
    hits: list[tuple[str, int]] = []
    with serve(site, hits) as origin:
        config = config_for(tmp_path, origin, "[]")
        assert crawl(config).new == 3
        assert match(config, now=datetime.now(UTC)).alerts == 4  # 2 articles x 2 watches
        outbox = tmp_path / "out"
        assert len(digest(config, FileMailer(outbox), now=datetime.now(UTC)).sent) == 2

        hits.clear()
        again = crawl(config)  # nothing changed, nothing is due
        assert (again.new, again.updated) == (0, 0)
        assert ("/feed.atom", 304) in hits  # an unchanged feed lists nothing
        assert not [path for path, _ in hits if path in STORED]

        edit(site, OLD_HEADLINE, NEW_HEADLINE, entry_updated=datetime.now(UTC))
        edited = crawl(config)
        assert (edited.new, edited.updated) == (0, 1)
        assert [p for p, _ in hits if p in STORED] == [f"/{GPU}"]

        matched = match(config, now=datetime.now(UTC))
        assert matched.alerts == 1  # the on_change watch only
        sent = digest(config, FileMailer(outbox), now=datetime.now(UTC)).sent
        assert [s.recipient for s in sent] == ["editor@example.com"]
    msg = email.message_from_bytes(Path(sent[0].location).read_bytes(), policy=email.policy.default)
    text = msg.get_body(preferencelist=("plain",))
    assert text is not None
    assert NEW_HEADLINE in text.get_content()
    content = text.get_content().replace("\r\n", "\n")
    assert f"* [updated] {NEW_HEADLINE}" in content
    assert "What changed:\n    - a few months\n    + six weeks" in content

    store = open_store(config)
    try:
        found = store.history(f"{origin}/{GPU}")
        assert found is not None
        article, versions = found
        assert article["revision"] == 2
        assert [(v.number, v.title) for v in versions] == [(2, NEW_HEADLINE), (1, OLD_HEADLINE)]
        assert f"-{OLD_HEADLINE}" in (versions[0].diff or "")
        assert f"+{NEW_HEADLINE}" in (versions[0].diff or "")
        assert versions[1].diff is None
    finally:
        store.close()

    shown = newsmon(
        "--config", str(tmp_path / "newsmon.toml"), "history", f"{origin}/{GPU}", cwd=tmp_path
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.index("revision 2") < shown.stdout.index("revision 1")
    assert f"+{NEW_HEADLINE}" in shown.stdout


def test_young_articles_are_rechecked_with_validators_and_a_304_changes_nothing(
    tmp_path: Path, site: Path
) -> None:
    hits: list[tuple[str, int]] = []
    with serve(site, hits) as origin:
        config = config_for(tmp_path, origin, '["1s"]')
        assert crawl(config).new == 3
        time.sleep(1.1)  # the one re-check of the schedule comes due
        hits.clear()
        rechecked = crawl(config)
        articles = [(p, s) for p, s in hits if p in STORED]
        assert sorted(s for _, s in articles) == [304, 304, 304]
        assert (rechecked.new, rechecked.updated) == (0, 0)

        hits.clear()
        edit(site, OLD_HEADLINE, NEW_HEADLINE)  # the schedule is spent: not seen
        spent = crawl(config)
        assert not [p for p, _ in hits if p in STORED]
        assert (spent.new, spent.updated) == (0, 0)

    store = open_store(config)
    try:
        assert store.db.table("revisions").count == 0
        states = list(store.db.table("fetch_state").rows_where("article_id IS NOT NULL"))
        assert len(states) == 3  # beside them, the feed's own row (its validators)
        assert all(s["status"] == 304 and s["next_check"] is None for s in states)
        assert all(s["etag"] for s in states)
    finally:
        store.close()


def test_a_page_that_disappears_on_recheck_keeps_its_stored_article(
    tmp_path: Path, site: Path
) -> None:
    with serve(site) as origin:
        config = config_for(tmp_path, origin, '["1s"]')
        assert crawl(config).new == 3
        (site / GPU).unlink()
        time.sleep(1.1)
        crawl(config)
    store = open_store(config)
    try:
        assert store.articles.count == 3
        state = store.fetch.get(f"{origin}/{GPU}")
        assert state is not None and state.status == 404
        assert store.db.table("revisions").count == 0
    finally:
        store.close()
