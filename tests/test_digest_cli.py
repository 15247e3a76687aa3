"""`newsmon digest` options as a user runs them: waiting, --all, --list, --forget."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from crawler.article import Article
from crawler.store import ArticleStore
from monitor.alerts import match_new
from monitor.config import load_config
from tests.conftest import newsmon

CONFIG = """
[[watch]]
name = "Japan"
query = "Japan"
notify = ["alice@example.com"]
cadence = "daily"

[schedule]
timezone = "Europe/Berlin"
digest_at = "08:00"
"""


def setup(tmp_path: Path) -> None:
    """A config, and one alert raised now (in-process: the commands under test run as a user's)."""
    (tmp_path / "newsmon.toml").write_text(CONFIG)
    config = load_config(tmp_path / "newsmon.toml", environ={})
    store = ArticleStore.open(tmp_path / "newsmon.db")
    now = datetime.now(UTC)
    store.save(
        Article(url="https://n.example/1", title="Japan news", body="In Japan."),
        site="n",
        aliases=[],
        now=now,
    )
    assert match_new(store, config.watches, now=now).alerts == 1
    store.close()


def test_daily_alerts_wait_and_say_for_what(tmp_path: Path) -> None:
    setup(tmp_path)
    result = newsmon("-v", "digest", "--outbox", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (
        "alice@example.com: 1 alert waits for the daily digest at 08:00 Europe/Berlin (next: "
        in result.stdout
    )
    assert "nothing due now" in result.stdout
    assert not (tmp_path / "out").exists()
    listing = newsmon("digest", "--list", cwd=tmp_path)
    assert "pending:\n  alice@example.com: 1 alert waits for the daily digest" in listing.stdout
    assert "unsent: none" in listing.stdout and "failed: none" in listing.stdout


def test_all_sends_what_is_pending_now(tmp_path: Path) -> None:
    setup(tmp_path)
    dry = newsmon("digest", "--all", "--dry-run", cwd=tmp_path)
    assert "--- would send to alice@example.com: newsmon: 1 new for Japan" in dry.stdout
    sent = newsmon("-v", "digest", "--all", "--outbox", "out", cwd=tmp_path)
    assert "sent 1 alert to alice@example.com" in sent.stdout
    again = newsmon("-v", "digest", "--all", "--outbox", "out", cwd=tmp_path)
    assert "no pending alerts: no digest" in again.stdout
    assert len(list((tmp_path / "out").glob("*.eml"))) == 1


def test_forget_drops_a_recipients_pending_alerts(tmp_path: Path) -> None:
    setup(tmp_path)
    forgot = newsmon("digest", "--forget", "alice@example.com", cwd=tmp_path)
    assert forgot.returncode == 0
    assert "alice@example.com: forgot 1 alert pending and 0 alerts failed" in forgot.stdout
    listing = newsmon("digest", "--list", cwd=tmp_path)
    assert "pending: none" in listing.stdout
    nothing = newsmon("digest", "--forget", "alice@example.com", cwd=tmp_path)
    assert "nothing pending or failed" in nothing.stdout


def test_list_and_forget_go_alone(tmp_path: Path) -> None:
    setup(tmp_path)
    both = newsmon("digest", "--list", "--all", cwd=tmp_path)
    assert both.returncode == 2
    assert "--list and --forget go alone" in both.stderr


def test_config_check_prints_the_next_slot(tmp_path: Path) -> None:
    (tmp_path / "newsmon.toml").write_text(CONFIG)
    result = newsmon("config", "check", cwd=tmp_path)
    assert result.returncode == 0
    assert "    next digest: " in result.stdout
    assert (
        result.stdout.split("next digest: ")[1].split("\n")[0].endswith(("08:00 CET", "08:00 CEST"))
    )
