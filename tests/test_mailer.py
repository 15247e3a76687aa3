"""Transports against real endpoints: an SMTP server (aiosmtpd) on 127.0.0.1, a folder."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest

from monitor.config import EmailConfig
from monitor.errors import DeliveryError
from monitor.mailer import FileMailer, PermanentFailure, SmtpMailer, TemporaryFailure
from tests.smtpd import PASSWORD, USER, Inbox, free_port, make_tls, running


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    with running(inbox) as port:
        yield inbox, port


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
    with pytest.raises(TemporaryFailure, match=rf"127\.0\.0\.1:{port}.*check \[email\]"):
        SmtpMailer(email_config(port), timeout=5).send(message(), name="d1")


def tls_config(port: int) -> EmailConfig:
    return EmailConfig(
        host="127.0.0.1",
        port=port,
        security="starttls",
        username=USER,
        password=PASSWORD,
        password_env="NEWSMON_SMTP_PASSWORD",
        sender="newsmon <alerts@example.com>",
    )


def test_starttls_with_login_delivers_and_reports_each_step(tmp_path: Path) -> None:
    tls = make_tls(tmp_path)
    inbox = Inbox()
    steps: list[tuple[str, str]] = []
    with running(inbox, tls=tls) as port:
        mailer = SmtpMailer(tls_config(port), timeout=10, context=tls.client)
        mailer.converse(message(), lambda step, outcome: steps.append((step, outcome)))
    assert [step for step, _ in steps] == ["connect", "tls", "login", "send"]
    assert steps[1][1].startswith("ok, STARTTLS: 220")
    assert steps[2][1].startswith(f"ok, as {USER}: 235")
    assert steps[3][1] == "accepted by the server"
    assert len(inbox.messages) == 1


def test_wrong_password_is_temporary_and_names_the_login_step(tmp_path: Path) -> None:
    tls = make_tls(tmp_path)
    with running(Inbox(), tls=tls) as port:
        bad = EmailConfig(**{**tls_config(port).__dict__, "password": "wrong"})
        with pytest.raises(
            TemporaryFailure, match=r"535 .* at the login step; check \[email\] user"
        ):
            SmtpMailer(bad, timeout=10, context=tls.client).send(message(), name="d1")


def test_untrusted_certificate_fails_at_the_tls_step(tmp_path: Path) -> None:
    tls = make_tls(tmp_path)
    # the default context does not trust the test certificate
    with (
        running(Inbox(), tls=tls) as port,
        pytest.raises(TemporaryFailure, match="at the tls step: TLS failed"),
    ):
        SmtpMailer(tls_config(port), timeout=10).send(message(), name="d1")


def test_server_not_listening_is_temporary() -> None:
    port = free_port()
    with pytest.raises(TemporaryFailure, match=r"connect step: connection refused"):
        SmtpMailer(email_config(port), timeout=5).send(message(), name="d1")


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ({"rcpt_once": {"alice@example.com": "451 4.3.0 try later"}}, "451 4.3.0 try later"),
        ({"rcpt_once": {"alice@example.com": "421 4.7.0 too busy"}}, "421 4.7.0 too busy"),
        ({"data": ["451 4.3.0 local problem"]}, "451 4.3.0 local problem"),
        ({"data": ["drop"]}, "send step"),
    ],
)
def test_4xx_and_a_dropped_connection_are_temporary(
    script: dict[str, object], expected: str
) -> None:
    inbox = Inbox(**script)  # type: ignore[arg-type]
    with running(inbox) as port:
        with pytest.raises(TemporaryFailure) as caught:
            SmtpMailer(email_config(port), timeout=10).send(message(), name="d1")
        assert expected in str(caught.value)
        assert inbox.messages == []
        # the next attempt, with the server healthy again, goes through once
        SmtpMailer(email_config(port), timeout=10).send(message(), name="d1")
    assert len(inbox.messages) == 1


def test_550_for_one_recipient_is_permanent_and_the_other_still_gets_theirs() -> None:
    inbox = Inbox(rcpt={"bob@example.com": "550 5.1.1 no such user"})
    with running(inbox) as port:
        mailer = SmtpMailer(email_config(port), timeout=10)
        bob = message()
        bob.replace_header("To", "bob@example.com")
        with pytest.raises(PermanentFailure, match=r"bob@example\.com: 550 5\.1\.1 no such user"):
            mailer.send(bob, name="bob")
        mailer.send(message(), name="alice")
    assert [rcpts for rcpts, _ in inbox.messages] == [["alice@example.com"]]


def test_a_5xx_answer_to_the_message_is_permanent() -> None:
    with (
        running(Inbox(data=["554 5.6.0 message refused"])) as port,
        pytest.raises(PermanentFailure, match=r"554 5\.6\.0 message refused"),
    ):
        SmtpMailer(email_config(port), timeout=10).send(message(), name="d1")


def test_both_failure_kinds_are_delivery_errors() -> None:
    assert issubclass(TemporaryFailure, DeliveryError)
    assert issubclass(PermanentFailure, DeliveryError)


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
cadence = "immediate"

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
    with running(inbox, port):
        up = newsmon("-v", "digest", cwd=tmp_path)
        again = newsmon("-v", "digest", cwd=tmp_path)
    assert up.returncode == 0, up.stderr
    assert "re-sent the stored digest with 1 alert to alice@example.com" in up.stdout
    assert "no pending alerts" in again.stdout
    assert len(inbox.messages) == 1
