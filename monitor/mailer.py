"""Transports for digests: an .eml outbox folder, or a real SMTP server.

A failure is either temporary (``TemporaryFailure``: the server could not be reached, dropped
the connection, timed out, answered 4xx, or refused our login or sender, which fixing [email]
cures) or permanent for the message (``PermanentFailure``: a 5xx answer to the recipient or to the
message itself). Temporary failures are retried by the next run whenever it comes; permanent ones
count towards the attempts after which the delivery is given up.
"""

from __future__ import annotations

import contextlib
import os
import re
import smtplib
import ssl
from collections.abc import Callable
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path
from typing import Protocol

from monitor.config import EmailConfig
from monitor.errors import DeliveryError

#: Called with (step, outcome) as an SMTP conversation goes: ("connect", "ok: 220 ..."), ...
StepReport = Callable[[str, str], None]


class TemporaryFailure(DeliveryError):
    """Not delivered this time (unreachable, dropped, timed out, 4xx, login): try again later."""


class PermanentFailure(DeliveryError):
    """The server refused the recipient or the message with a 5xx answer."""


class Mailer(Protocol):
    """Delivers one message; returns where it went; raises DeliveryError when it did not."""

    def send(self, msg: EmailMessage, *, name: str) -> str: ...


def test_message(*, sender: str, to: str, now: datetime, config_path: str) -> EmailMessage:
    """The short message `newsmon email test` sends."""
    msg = EmailMessage(policy=SMTP)
    msg["Subject"] = "newsmon: test message"
    msg["From"] = sender
    msg["To"] = to
    msg["Date"] = format_datetime(now)
    domain = parseaddr(sender)[1].rpartition("@")[2] or "newsmon.invalid"
    msg["Message-ID"] = make_msgid("test", domain=domain)
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(
        "This is a test message from newsmon.\n\n"
        f"It went through the [email] server configured in {config_path}.\n"
        "If you can read it, digests will reach this address too.\n"
    )
    return msg


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_") or "digest"


class FileMailer:
    """Writes each message as an .eml file (and an .html copy to open in a browser)."""

    def __init__(self, outbox: Path) -> None:
        self.outbox = outbox

    def send(self, msg: EmailMessage, *, name: str) -> str:
        try:
            self.outbox.mkdir(parents=True, exist_ok=True)
            target = self.outbox / f"{_safe(name)}.eml"
            tmp = target.with_suffix(".eml.tmp")
            tmp.write_bytes(msg.as_bytes())
            os.replace(tmp, target)
            html = msg.get_body(preferencelist=("html",))
            if html is not None:
                content = html.get_content()
                target.with_suffix(".html").write_text(content, encoding="utf-8")
        except OSError as e:
            raise TemporaryFailure(
                f"cannot write the digest to {self.outbox}: {e.strerror or e}; "
                "check that the outbox folder is writable"
            ) from e
        return str(target)


class SmtpMailer:
    """Sends through an SMTP server (STARTTLS, implicit TLS or plain), as [email] says."""

    def __init__(
        self,
        config: EmailConfig,
        *,
        timeout: float = 30.0,
        context: ssl.SSLContext | None = None,
    ) -> None:
        self.config = config
        self.timeout = timeout
        self.context = context

    def send(self, msg: EmailMessage, *, name: str) -> str:
        return self.converse(msg, lambda step, outcome: None)

    def converse(self, msg: EmailMessage, report: StepReport) -> str:
        """Send `msg`, telling `report` how each step went; raise on the first that fails."""
        c = self.config
        where = f"SMTP {c.host}:{c.port}"
        context = self.context or ssl.create_default_context()
        step = "connect"
        smtp: smtplib.SMTP | None = None
        try:
            if c.security == "ssl":
                smtp = smtplib.SMTP_SSL(c.host, c.port, timeout=self.timeout, context=context)
            else:
                smtp = smtplib.SMTP(c.host, c.port, timeout=self.timeout)
            report(step, f"ok, connected to {c.host}:{c.port}")
            step = "tls"
            if c.security == "starttls":
                code, reply = smtp.starttls(context=context)
                report(step, f"ok, STARTTLS: {code} {_text(reply)}")
            elif c.security == "ssl":
                report(step, "ok, implicit TLS")
            else:
                report(step, "skipped: security = 'none' (the password and mail go in clear)")
            step = "login"
            if c.username and c.password:
                code, reply = smtp.login(c.username, c.password)
                report(step, f"ok, as {c.username}: {code} {_text(reply)}")
            else:
                report(step, "skipped: no username in [email]")
            step = "send"
            refused = smtp.send_message(msg)
            if refused:  # only some recipients refused; ours are one per message
                raise smtplib.SMTPRecipientsRefused(refused)
            report(step, "accepted by the server")
            step = "done"
            _quit(smtp)  # the message is accepted: what QUIT says no longer matters
        except smtplib.SMTPRecipientsRefused as e:
            raise _refused(where, e) from e
        except smtplib.SMTPResponseException as e:
            answer = f"{e.smtp_code} {_text(e.smtp_error)}"
            if step == "send" and e.smtp_code >= 500 and isinstance(e, smtplib.SMTPDataError):
                raise PermanentFailure(f"{where} refused the message: {answer}") from e
            raise TemporaryFailure(
                f"{where} answered {answer} at the {step} step; {_hint(step, e.smtp_code)}"
            ) from e
        except (OSError, smtplib.SMTPException) as e:
            what = _describe(e)
            raise TemporaryFailure(
                f"{where} failed at the {step} step: {what}; {_hint(step, None)}"
            ) from e
        finally:
            if smtp is not None:
                smtp.close()
        return f"smtp://{c.host}:{c.port}"


def _quit(smtp: smtplib.SMTP) -> None:
    with contextlib.suppress(OSError, smtplib.SMTPException):
        smtp.quit()


def _refused(where: str, e: smtplib.SMTPRecipientsRefused) -> DeliveryError:
    answers = {rcpt: (code, _text(reply)) for rcpt, (code, reply) in e.recipients.items()}
    listing = "; ".join(f"{rcpt}: {code} {reply}" for rcpt, (code, reply) in answers.items())
    if all(code >= 500 for code, _ in answers.values()):
        return PermanentFailure(f"{where} refused the recipient: {listing}")
    return TemporaryFailure(f"{where} deferred the recipient: {listing}")


def _text(reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return " ".join(text.split())


def _describe(e: BaseException) -> str:
    if isinstance(e, ConnectionRefusedError):
        return "connection refused (nothing listens on that port)"
    if isinstance(e, TimeoutError):
        return "timed out"
    if isinstance(e, smtplib.SMTPServerDisconnected):
        return f"the server closed the connection ({e})" if str(e) else "connection dropped"
    if isinstance(e, ssl.SSLError):
        return f"TLS failed: {e.reason or e}"
    if isinstance(e, OSError) and e.strerror:
        return e.strerror
    return str(e) or type(e).__name__


def _hint(step: str, code: int | None) -> str:
    if step == "login":
        return "check [email] username and the password in the variable password_env names"
    if step == "tls":
        return "check [email] security ('starttls' on 587, 'ssl' on 465)"
    if step == "connect":
        return "check [email] host, port and security, and that the server is up"
    if code is not None and code < 500:
        return "the server asks to try again later; the next run will"
    return "check [email] sender and the server's log"
