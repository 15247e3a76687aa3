"""Transports against real endpoints: an SMTP server (aiosmtpd) on 127.0.0.1, a folder."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from monitor.config import EmailConfig
from monitor.errors import DeliveryError
from monitor.mailer import FileMailer, SmtpMailer


class Inbox:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def message() -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "newsmon <alerts@example.com>"
    msg["To"] = "alice@example.com"
    msg["Subject"] = "newsmon: 1 new article for Microsoft in Japan"
    msg.set_content("Microsoft invests $2.9 billion in Japan")
    msg.add_alternative("<p><mark>Microsoft</mark> invests</p>", subtype="html")
    return msg


def email_config(port: int) -> EmailConfig:
    return EmailConfig(
        host="127.0.0.1",
        port=port,
        security="none",
        username=None,
        password=None,
        password_env=None,
        sender="newsmon <alerts@example.com>",
    )


def test_smtp_delivers_both_parts(smtp_server: tuple[Inbox, int]) -> None:
    inbox, port = smtp_server
    where = SmtpMailer(email_config(port)).send(message(), name="d1")
    assert where == f"smtp://127.0.0.1:{port}"
    [(rcpts, content)] = inbox.messages
    assert rcpts == ["alice@example.com"]
    got = email.message_from_bytes(content, policy=email.policy.default)
    assert got.get_body(preferencelist=("html",)) is not None
    text = got.get_body(preferencelist=("plain",))
    assert text is not None and "$2.9 billion" in text.get_content()


def test_smtp_server_down_is_a_delivery_error_naming_the_fix() -> None:
    port = free_port()
    with pytest.raises(DeliveryError, match=rf"127\.0\.0\.1:{port}.*check \[email\]"):
        SmtpMailer(email_config(port), timeout=5).send(message(), name="d1")


def test_file_mailer_writes_eml_and_html(tmp_path: Path) -> None:
    where = Path(FileMailer(tmp_path / "out").send(message(), name="2024 a@b.c"))
    assert where.parent == tmp_path / "out" and where.suffix == ".eml"
    assert "<mark>Microsoft</mark>" in where.with_suffix(".html").read_text()
    assert not list((tmp_path / "out").glob("*.tmp"))


def test_digest_over_smtp_survives_a_server_outage_without_loss_or_repeat(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from crawler.article import Article
    from crawler.store import ArticleStore
    from tests.conftest import newsmon

    port = free_port()
    (tmp_path / "newsmon.toml").write_text(
        f"""
[[watch]]
name = "Japan"
query = "Japan"
notify = ["alice@example.com"]

[email]
host = "127.0.0.1"
port = {port}
security = "none"
sender = "newsmon <alerts@example.com>"
"""
    )
    store = ArticleStore.open(tmp_path / "newsmon.db")
    now = datetime.now(UTC)
    store.save(
        Article(url="https://n.example/1", title="Japan news", body="In Japan."),
        site="n",
        aliases=[],
        now=now,
    )
    store.close()
    assert newsmon("match", cwd=tmp_path).returncode == 0

    down = newsmon("digest", cwd=tmp_path)
    assert down.returncode == 1
    assert f"127.0.0.1:{port}" in down.stderr and "stay pending" in down.stderr

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        up = newsmon("-v", "digest", cwd=tmp_path)
        again = newsmon("-v", "digest", cwd=tmp_path)
    finally:
        controller.stop()
    assert up.returncode == 0, up.stderr
    assert "sent 1 alert to alice@example.com" in up.stdout
    assert "no pending alerts" in again.stdout
    assert len(inbox.messages) == 1
