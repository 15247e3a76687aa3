"""A real SMTP server for tests: aiosmtpd on 127.0.0.1, with STARTTLS, login and refusals."""

from __future__ import annotations

import datetime
import ipaddress
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER = "alerts@example.com"
PASSWORD = "s3cret-for-tests"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Inbox:
    """An aiosmtpd handler that keeps what it accepts and answers as scripted.

    ``rcpt``: recipient -> the answer to give its every RCPT TO (e.g. "550 5.1.1 no such user");
    ``rcpt_once``: the same, for the next RCPT TO of that recipient only;
    ``data``: answers to give to the next DATA commands, in order ("drop" closes the connection).
    """

    messages: list[tuple[list[str], bytes]] = field(default_factory=list)
    rcpt: dict[str, str] = field(default_factory=dict)
    rcpt_once: dict[str, str] = field(default_factory=dict)
    data: list[str] = field(default_factory=list)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        answer = self.rcpt_once.pop(address, None) or self.rcpt.get(address)
        if answer is not None:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.data:
            answer = self.data.pop(0)
            if answer == "drop":
                server.transport.close()
                return "421 closing"
            return answer
        self.messages.append((list(envelope.rcpt_tos), envelope.content))
        return "250 OK: queued"


def _authenticator(
    server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
) -> AuthResult:
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == USER.encode()
        and auth_data.password == PASSWORD.encode()
    )
    return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535


@dataclass(frozen=True)
class Tls:
    """A self-signed certificate for 127.0.0.1 and the client context that trusts it."""

    server: ssl.SSLContext
    client: ssl.SSLContext


def make_tls(folder: Path) -> Tls:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert_file, key_file)
    client = ssl.create_default_context(cafile=str(cert_file))
    return Tls(server=server, client=client)


@contextmanager
def running(inbox: Inbox, port: int | None = None, *, tls: Tls | None = None) -> Iterator[int]:
    """Serve `inbox` on 127.0.0.1 (STARTTLS and required login when `tls` is given)."""
    port = port or free_port()
    options: dict[str, Any] = {}
    if tls is not None:
        options = {
            "tls_context": tls.server,
            "require_starttls": True,
            "authenticator": _authenticator,
            "auth_required": True,
            "auth_require_tls": True,
            # smtplib falls back from a refused PLAIN to LOGIN with an initial response, which
            # aiosmtpd answers by waiting for more: offer PLAIN only, as many servers do.
            "auth_exclude_mechanism": ["LOGIN"],
        }
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()
