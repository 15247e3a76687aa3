"""A scriptable HTTP server on 127.0.0.1 for crawl tests: files, made-up routes, faults, a log.

`FixtureServer(root)` serves the files under `root` (`__ORIGIN__` replaced by the server's
origin) plus `routes`: a path mapped to a `Reply` (status, headers, body, and a fault: "hang"
sends nothing for a while, "slow" answers after 0.3 s, "truncate" promises more bytes than it
sends). Every 200 carries an
ETag and a matching If-None-Match gets a 304. Every request is logged with its path, headers
and status, so a test can count what the crawler asked for and what it got.
"""

from __future__ import annotations

import hashlib
import mimetypes
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

TOKEN = b"__ORIGIN__"


@dataclass(frozen=True)
class Reply:
    """A made-up answer: `body` may hold __ORIGIN__; `fault` is "", "hang", "slow" (0.3 s) or
    "truncate"."""

    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    fault: str = ""


@dataclass(frozen=True)
class Hit:
    """One request the server got, and the status it answered."""

    path: str
    headers: dict[str, str]
    status: int = 0


class FixtureServer:
    """Files under `root` and `routes`, on a free port; `hits` logs every request."""

    def __init__(self, root: Path | None = None, routes: dict[str, Reply] | None = None) -> None:
        self.root = root
        self.routes = dict(routes or {})
        self.hits: list[Hit] = []
        self.origin = ""
        self.release = threading.Event()  # set on exit so hanging handlers end

    def paths(self) -> list[str]:
        return [hit.path for hit in self.hits]

    def answer(self, path: str) -> Reply:
        if path in self.routes:
            reply = self.routes[path]
            return Reply(
                reply.body.replace(TOKEN, self.origin.encode()),
                reply.status,
                reply.headers,
                reply.fault,
            )
        if self.root is None:
            return Reply(b"not found", 404)
        file = (self.root / path.split("?", 1)[0].lstrip("/")).resolve()
        if file.is_dir():
            file = file / "index.html"
        if not file.is_file() or self.root.resolve() not in file.parents:
            return Reply(b"not found", 404)
        kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        if file.suffix in (".xml", ".atom"):
            kind = "application/xml"
        body = file.read_bytes().replace(TOKEN, self.origin.encode())
        return Reply(body, 200, {"Content-Type": f"{kind}; charset=utf-8"})

    @contextmanager
    def running(self) -> Iterator[FixtureServer]:
        fixture = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                headers_in = {k: v for k, v in self.headers.items()}
                reply = fixture.answer(self.path)
                etag = '"' + hashlib.sha256(reply.body).hexdigest()[:16] + '"'
                if reply.status == 200 and reply.fault in ("", "slow"):
                    if self.headers.get("If-None-Match") == etag:
                        reply = Reply(b"", 304, {"ETag": etag})
                    else:
                        reply = Reply(reply.body, 200, {"ETag": etag, **reply.headers})
                fixture.hits.append(Hit(self.path, headers_in, reply.status))
                if reply.fault == "hang":
                    fixture.release.wait(30)
                    return
                if reply.fault == "slow":
                    fixture.release.wait(0.3)
                self.send_response(reply.status)
                headers = {"Content-Type": "text/html; charset=utf-8", **reply.headers}
                for name, value in headers.items():
                    self.send_header(name, value)
                declared = len(reply.body) * (2 if reply.fault == "truncate" else 1)
                self.send_header("Content-Length", str(declared))
                if reply.fault == "truncate":
                    self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(reply.body)
                if reply.fault == "truncate":
                    self.wfile.flush()
                    self.close_connection = True

            def log_message(self, format: str, *args: object) -> None:
                """Quiet."""

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: object, client_address: object) -> None:
                """Quiet: clients that give up (timeouts, size caps) reset connections."""

        server = Server(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        self.origin = f"http://127.0.0.1:{server.server_address[1]}"
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.release.set()
            time.sleep(0.05)
            server.shutdown()
            server.server_close()
