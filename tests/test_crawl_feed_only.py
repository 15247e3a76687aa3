"""Feed entries are not lost: a page withheld (403) is stored from its feed entry, matched and
sent marked as feed-only; once the page can be read it becomes the full article, with no second
alert for the same watch."""

from __future__ import annotations

import email
import email.policy
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.conftest import newsmon
from tests.fixture_server import FixtureServer, Reply

DEMO = Path(__file__).resolve().parents[1] / "monitor" / "demo_site"
PAGE = DEMO / "2024" / "04" / "10" / "microsoft-japan-ai-cloud-investment" / "index.html"
HEADLINE = "Microsoft invests $2.9 billion in Japan's AI and cloud infrastructure"


def feed(updated: datetime) -> bytes:
    return (
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>t</title>'
        f"<item><title>{HEADLINE}</title><link>__ORIGIN__/story</link><guid>story-1</guid>"
        "<description>A two-year plan for datacenters, skills and a Tokyo lab.</description>"
        "<pubDate>Wed, 10 Apr 2024 00:12:00 +0000</pubDate>"
        f"<atom:updated>{updated.isoformat()}</atom:updated></item></channel></rss>"
    ).encode()


def test_a_withheld_page_is_kept_from_its_feed_entry_then_upgraded(tmp_path: Path) -> None:
    first_seen = datetime.now(UTC) - timedelta(days=1)
    routes = {"/feed.xml": Reply(feed(first_seen)), "/story": Reply(b"subscribers only", 403)}
    with FixtureServer(None, routes).running() as server:
        (tmp_path / "newsmon.toml").write_text(
            f'[crawl]\ndelay = 0\n\n[[site]]\nname = "wire"\nhome = "{server.origin}/"\n'
            f'feeds = ["{server.origin}/feed.xml"]\n\n'
            '[[watch]]\nname = "MS Japan"\nquery = "Microsoft AND Japan"\n'
            'notify = ["analyst@example.com"]\ncadence = "immediate"\n'
        )
        first = newsmon("run", "--outbox", "out", cwd=tmp_path)
        assert first.returncode == 0, first.stderr
        # the page opens up, and the feed says the entry was updated
        server.routes["/story"] = Reply(PAGE.read_bytes())
        server.routes["/feed.xml"] = Reply(feed(datetime.now(UTC) + timedelta(minutes=5)))
        second = newsmon("run", "--outbox", "out", "--force", cwd=tmp_path)  # not due yet
        assert second.returncode == 0, second.stderr

    [eml] = list((tmp_path / "out").glob("*.eml"))
    msg = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    text = msg.get_body(preferencelist=("plain",))
    assert text is not None
    assert HEADLINE in text.get_content()
    assert "(feed summary only)" in text.get_content()

    conn = sqlite3.connect(tmp_path / "newsmon.db")
    ((feed_only, revision, body),) = conn.execute("SELECT feed_only, revision, body FROM articles")
    alerts = conn.execute("SELECT count(*) FROM alerts").fetchone()
    conn.close()
    assert (feed_only, revision) == (0, 2)  # the fetched page replaced the entry
    assert "Microsoft Research Asia" in body
    assert alerts == (1,)  # no second alert for the same watch
    assert len(list((tmp_path / "out").glob("*.eml"))) == 1
