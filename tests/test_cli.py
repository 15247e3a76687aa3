"""The command line as a user meets it: config errors, exit codes, help, the README."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from tests.conftest import newsmon

README = Path(__file__).parent.parent / "README.md"
COMMANDS = [
    "config check",
    "crawl",
    "match",
    "digest",
    "run",
    "demo",
    "extract",
    "discover",
    "sites",
    "history",
    "prune",
    "status",
    "init",
    "backup",
    "schedule",
    "worker",
    "ingest",
    "email test",
    "search",
    "watch test",
    "watch list",
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[[watch]\nname = 'x'", "newsmon.toml: line 1"),
        ("[store]\npth = 'a.db'\n", "newsmon.toml: store.pth: unknown key (did you mean 'path'?)"),
        (
            "[[watch]]\nname = 'w'\nquery = 'a'\nnotify = ['a@example.com']\ncadence = 'dayly'\n",
            "watch[1].cadence: 'dayly' is not one of immediate, hourly, daily, weekly",
        ),
        (
            "[[watch]]\nname = 3\nquery = 'a'\nnotify = ['a@example.com']\n",
            "watch[1].name: expected a string",
        ),
    ],
)
def test_bad_config_gets_a_message_and_exit_code_2(
    tmp_path: Path, text: str, expected: str
) -> None:
    (tmp_path / "newsmon.toml").write_text(text)
    result = newsmon("config", "check", cwd=tmp_path)
    assert result.returncode == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_every_error_in_a_file_is_reported_at_once(tmp_path: Path) -> None:
    (tmp_path / "c.toml").write_text(
        "sites = ['verge']\n[store]\npth = 'x'\n"
        "[[watch]]\nname = 'w'\nquery = 'Microsoft AND'\nnotify = ['a@example.com']\n"
    )
    result = newsmon("--config", "c.toml", "crawl", cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert any("sites: 'verge'" in line and "theverge" in line for line in lines)
    assert any("store.pth" in line for line in lines)
    assert any('watch "w": query column 14: ' in line for line in lines)


def test_missing_config_file_says_what_to_do(tmp_path: Path) -> None:
    result = newsmon("match", cwd=tmp_path)
    assert result.returncode == 2
    assert "newsmon.toml" in result.stderr and "--config" in result.stderr


def test_config_from_environment_variable(tmp_path: Path) -> None:
    (tmp_path / "elsewhere.toml").write_text(
        "[[watch]]\nname = 'w'\nquery = 'Nvidia'\nnotify = ['a@example.com']\n"
    )
    result = newsmon("config", "check", cwd=tmp_path, env={"NEWSMON_CONFIG": "elsewhere.toml"})
    assert result.returncode == 0, result.stderr
    assert "Nvidia" in result.stdout


def test_digest_without_email_or_outbox_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "newsmon.toml").write_text("")
    result = newsmon("digest", cwd=tmp_path)
    assert result.returncode == 2
    assert "--outbox" in result.stderr


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_and_needs_no_config(command: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["--config", str(tmp_path / "absent.toml"), *command.split(), "--help"]
    )
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_in_the_readme(command: str) -> None:
    assert f"newsmon {command}" in README.read_text()


def test_readme_commands_list_is_complete() -> None:
    def names(group: object, prefix: str = "") -> list[str]:
        found = []
        for name, sub in getattr(group, "commands", {}).items():
            if getattr(sub, "commands", None):
                found += names(sub, f"{prefix}{name} ")
            else:
                found.append(f"{prefix}{name}")
        return found

    assert sorted(names(cli)) == sorted(COMMANDS)


def test_quick_start_is_two_self_contained_lines() -> None:
    text = README.read_text()
    block = re.search(r"## Quick start\n+```\w*\n(.*?)```", text, re.S)
    assert block is not None
    lines = block.group(1).strip().splitlines()
    assert len(lines) == 2
    assert "newsmon demo" in lines[0] and "pytest" in lines[1]
    assert all(line.startswith("python3 -m venv") and "#" not in line for line in lines)


def test_a_second_run_on_the_same_store_waits_its_turn(tmp_path: Path) -> None:
    from monitor.config import load_config
    from monitor.runner import run_lock

    (tmp_path / "newsmon.toml").write_text("")
    with run_lock(load_config(tmp_path / "newsmon.toml", environ={})):
        busy = newsmon("digest", "--outbox", "out", cwd=tmp_path)
    assert busy.returncode == 75  # EX_TEMPFAIL: cron tries again next time
    assert "another newsmon run (pid " in busy.stderr
    assert len(busy.stderr.strip().splitlines()) == 1
    assert newsmon("digest", "--outbox", "out", cwd=tmp_path).returncode == 0
