"""The digest parts of the config: [schedule] digest_day, [digest] max_items, addresses."""

from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path

import pytest

from monitor.config import load_config, summary
from monitor.errors import ConfigError

WATCH = """
[[watch]]
name = "Japan"
query = "Japan"
notify = ["alice@example.com"]
cadence = "{cadence}"
"""


def problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "newsmon.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path, environ={})
    return str(caught.value).splitlines()


def test_schedule_defaults(tmp_path: Path) -> None:
    path = tmp_path / "newsmon.toml"
    path.write_text("")
    config = load_config(path, environ={})
    assert config.schedule.digest_day == "monday"
    assert config.schedule.digest_at == time(8, 0)
    assert config.digest.max_items == 50


def test_digest_day_and_max_items_are_read(tmp_path: Path) -> None:
    path = tmp_path / "newsmon.toml"
    path.write_text('[schedule]\ndigest_day = "Friday"\n[digest]\nmax_items = 10\n')
    config = load_config(path, environ={})
    assert config.schedule.digest_day == "friday"
    assert config.digest.max_items == 10


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[schedule]\ndigest_day = "mon"', "schedule.digest_day: 'mon' is not one of monday"),
        ("[schedule]\ndigest_day = 1", "schedule.digest_day: expected a string"),
        ("[digest]\nmax_items = 0", "digest.max_items: expected a whole number of at least 1"),
        ('[digest]\nmax_items = "50"', "digest.max_items: expected a whole number"),
        ("[digest]\nmax_item = 5", "digest.max_item"),
    ],
)
def test_bad_digest_keys_are_named(tmp_path: Path, text: str, message: str) -> None:
    assert any(message in line for line in problems(tmp_path, text))


@pytest.mark.parametrize(
    ("toml_string", "message"),
    [  # as written between the quotes in the file: \r\n are TOML escapes
        ("alice@example.com\\r\\nBcc: eve@example.com", "line break or control character"),
        ("Alice\\n <alice@example.com>", "line break or control character"),
        ("alice@exämple.com", "must be ASCII"),
        ("alice", "not an email address"),
    ],
)
def test_bad_recipients_are_refused(tmp_path: Path, toml_string: str, message: str) -> None:
    text = WATCH.format(cadence="daily").replace("alice@example.com", toml_string)
    lines = problems(tmp_path, text)
    assert any("watch[1].notify[1]" in line and message in line for line in lines), lines


def test_sender_with_a_line_break_is_refused(tmp_path: Path) -> None:
    text = '[email]\nhost = "smtp.example.com"\nsender = "newsmon\\r\\nBcc: eve@x.org <a@b.org>"\n'
    lines = problems(tmp_path, text)
    assert any("email.sender" in line and "line break" in line for line in lines), lines


def test_a_display_name_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "newsmon.toml"
    path.write_text(WATCH.format(cadence="daily").replace('"alice', '"Alice Doe <alice'))
    path.write_text(path.read_text().replace('example.com"', 'example.com>"'))
    config = load_config(path, environ={})
    assert config.watches[0].notify == ("Alice Doe <alice@example.com>",)


@pytest.mark.parametrize(
    ("cadence", "line"),
    [
        ("immediate", "next digest: at once"),
        ("hourly", "next digest: Tue 2024-03-12 11:00 CET"),
        ("daily", "next digest: Wed 2024-03-13 08:00 CET"),
        ("weekly", "next digest: Mon 2024-03-18 08:00 CET"),
    ],
)
def test_config_check_prints_each_watchs_next_slot(tmp_path: Path, cadence: str, line: str) -> None:
    path = tmp_path / "newsmon.toml"
    path.write_text(WATCH.format(cadence=cadence) + '[schedule]\ntimezone = "Europe/Berlin"\n')
    config = load_config(path, environ={})
    now = datetime(2024, 3, 12, 9, 30, tzinfo=UTC)  # Tuesday 10:30 in Berlin
    assert line in summary(config, now=now)
