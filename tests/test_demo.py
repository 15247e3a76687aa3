"""`newsmon demo`, run as a user runs it: the installed command, in a fresh folder, twice."""

from __future__ import annotations

import email
import email.policy
import re
import sqlite3
from pathlib import Path

from tests.conftest import newsmon

STORY = "Microsoft invests $2.9 billion in Japan's AI and cloud infrastructure"


def number(label: str, output: str) -> int:
    found = re.search(rf"^{label}:\s+(\d+)", output, re.M)
    assert found, f"no '{label}' line in:\n{output}"
    return int(found.group(1))


def test_demo_runs_the_cycle_once_and_then_finds_nothing_new(tmp_path: Path) -> None:
    first = newsmon("demo", "--dir", "demo", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert number("articles new", first.stdout) >= 8
    assert number("alerts", first.stdout) == 1
    emls = list((tmp_path / "demo" / "outbox").glob("*.eml"))
    assert len(emls) == 1
    assert str(emls[0].name) in first.stdout
    assert emls[0].with_suffix(".html").exists()

    msg = email.message_from_bytes(emls[0].read_bytes(), policy=email.policy.default)
    assert msg["To"] == "you@example.com"
    text = msg.get_body(preferencelist=("plain",))
    html = msg.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    assert STORY in text.get_content()
    assert "$2.9 billion" in text.get_content()
    assert "<mark" in html.get_content()

    db = sqlite3.connect(tmp_path / "demo" / "newsmon.db")
    alerted = db.execute(
        "SELECT articles.title FROM alerts JOIN articles ON articles.id = alerts.article_id"
    ).fetchall()
    assert alerted == [(STORY,)]

    second = newsmon("demo", "--dir", "demo", cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert number("articles new", second.stdout) == 0
    assert number("alerts", second.stdout) == 0
    assert "none (nothing new to send)" in second.stdout
    assert len(list((tmp_path / "demo" / "outbox").glob("*.eml"))) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["demo"]
