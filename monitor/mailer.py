"""Transports for digests: an .eml outbox folder, or a real SMTP server."""

from __future__ import annotations

import os
import re
import smtplib
import ssl
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

from monitor.config import EmailConfig
from monitor.errors import DeliveryError


class Mailer(Protocol):
    """Delivers one message; returns where it went; raises DeliveryError when it did not."""

    def send(self, msg: EmailMessage, *, name: str) -> str: ...


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
            raise DeliveryError(
                f"cannot write the digest to {self.outbox}: {e.strerror or e}; "
                "check that the outbox folder is writable"
            ) from e
        return str(target)


class SmtpMailer:
    """Sends through an SMTP server (STARTTLS, implicit TLS or plain), as [email] says."""

    def __init__(self, config: EmailConfig, *, timeout: float = 30.0) -> None:
        self.config = config
        self.timeout = timeout

    def send(self, msg: EmailMessage, *, name: str) -> str:
        c = self.config
        try:
            smtp: smtplib.SMTP
            if c.security == "ssl":
                smtp = smtplib.SMTP_SSL(
                    c.host, c.port, timeout=self.timeout, context=ssl.create_default_context()
                )
            else:
                smtp = smtplib.SMTP(c.host, c.port, timeout=self.timeout)
            with smtp:
                if c.security == "starttls":
                    smtp.starttls(context=ssl.create_default_context())
                if c.username and c.password:
                    smtp.login(c.username, c.password)
                refused = smtp.send_message(msg)
        except (OSError, smtplib.SMTPException) as e:
            raise DeliveryError(
                f"SMTP {c.host}:{c.port} did not take the digest: {e}; "
                "check [email] host, port, security and credentials"
            ) from e
        if refused:
            raise DeliveryError(f"SMTP {c.host}:{c.port} refused recipients: {sorted(refused)}")
        return f"smtp://{c.host}:{c.port}"
