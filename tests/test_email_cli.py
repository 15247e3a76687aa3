"""`newsmon email test ADDRESS` against a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

from tests.conftest import newsmon
from tests.smtpd import PASSWORD, USER, Inbox, free_port, make_tls, running

ENV = {"NEWSMON_SMTP_PASSWORD": PASSWORD}


def write_config(folder: Path, port: int, security: str = "starttls") -> None:
    login = (
        f'username = "{USER}"\npassword_env = "NEWSMON_SMTP_PASSWORD"\n'
        if security != "none"
        else ""
    )
    (folder / "newsmon.toml").write_text(
        f'[email]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "{security}"\n{login}'
        'sender = "newsmon <alerts@example.com>"\n'
    )


def test_reports_each_step_and_delivers(tmp_path: Path) -> None:
    tls = make_tls(tmp_path)
    inbox = Inbox()
    with running(inbox, tls=tls) as port:
        write_config(tmp_path, port)
        # the subprocess trusts the test certificate through OpenSSL's SSL_CERT_FILE
        env = {**ENV, "SSL_CERT_FILE": str(tmp_path / "cert.pem")}
        result = newsmon("email", "test", "bob@example.com", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == (
        f"sending a test message from newsmon <alerts@example.com> to bob@example.com "
        f"via 127.0.0.1:{port}"
    )
    assert lines[1].startswith(f"connect  ok, connected to 127.0.0.1:{port}")
    assert lines[2].startswith("tls      ok, STARTTLS: 220")
    assert lines[3].startswith(f"login    ok, as {USER}: 235")
    assert lines[4] == "send     accepted by the server"
    assert lines[5].startswith("done: check the inbox of bob@example.com")
    [(rcpts, content)] = inbox.messages
    assert rcpts == ["bob@example.com"]
    got = email.message_from_bytes(content, policy=email.policy.default)
    assert got["Subject"] == "newsmon: test message"
    assert str(tmp_path / "newsmon.toml") in got.get_body().get_content()  # type: ignore[union-attr]


def test_wrong_password_fails_at_login_with_the_servers_answer(tmp_path: Path) -> None:
    tls = make_tls(tmp_path)
    with running(Inbox(), tls=tls) as port:
        write_config(tmp_path, port)
        env = {"NEWSMON_SMTP_PASSWORD": "wrong", "SSL_CERT_FILE": str(tmp_path / "cert.pem")}
        result = newsmon("email", "test", "bob@example.com", cwd=tmp_path, env=env)
    assert result.returncode == 1
    assert "tls      ok, STARTTLS" in result.stdout
    assert "FAILED: " in result.stdout and "535 5.7.8" in result.stdout
    assert "at the login step" in result.stdout
    assert "not delivered" in result.stderr


def test_server_not_listening_fails_at_connect(tmp_path: Path) -> None:
    write_config(tmp_path, free_port(), security="none")
    result = newsmon("email", "test", "bob@example.com", cwd=tmp_path)
    assert result.returncode == 1
    assert "connect step: connection refused" in result.stdout
    assert "connect  ok" not in result.stdout


def test_refused_recipient_shows_the_550(tmp_path: Path) -> None:
    with running(Inbox(rcpt={"bob@example.com": "550 5.1.1 no such user"})) as port:
        write_config(tmp_path, port, security="none")
        result = newsmon("email", "test", "bob@example.com", cwd=tmp_path)
    assert result.returncode == 1
    assert "tls      skipped: security = 'none'" in result.stdout
    assert "bob@example.com: 550 5.1.1 no such user" in result.stdout


def test_a_bad_address_or_no_email_section_is_a_usage_error(tmp_path: Path) -> None:
    write_config(tmp_path, free_port(), security="none")
    bad = newsmon("email", "test", "bob\nBcc: eve@example.com", cwd=tmp_path)
    assert bad.returncode == 2
    assert "line break" in bad.stderr
    (tmp_path / "newsmon.toml").write_text("")
    none = newsmon("email", "test", "bob@example.com", cwd=tmp_path)
    assert none.returncode == 2
    assert "no [email] section" in none.stderr
