"""`newsmon demo`: serve the bundled sample site on 127.0.0.1 and run one real cycle on it."""

from __future__ import annotations

import hashlib
import mimetypes
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from monitor.config import load_config
from monitor.delivery import DeliveryResult
from monitor.mailer import FileMailer
from monitor.runner import CrawlResult, crawl, digest, match, run_lock

ORIGIN_TOKEN = "__ORIGIN__"
RECIPIENT = "you@example.com"
#: The demo server is ours and local: no need to wait between requests.
FAST = {"AUTOTHROTTLE_ENABLED": "False", "DOWNLOAD_DELAY": "0"}

CONFIG = """\
# Written by `newsmon demo`: the bundled sample site, served on 127.0.0.1 for this run.
[store]
path = "newsmon.db"

[[site]]
name = "techwire"
home = "{origin}/"
feeds = ["{origin}/feed.xml"]

[[watch]]
name = "Microsoft in Japan"
query = "Microsoft AND Japan"
notify = ["{recipient}"]
cadence = "immediate"
"""


def site_root() -> Traversable:
    return resources.files("monitor").joinpath("demo_site")


def resolve(root: Traversable, path: str) -> Traversable | None:
    """The bundled file for a URL path; `/a/` serves `a/index.html`; nothing outside root."""
    parts = [p for p in path.split("?", 1)[0].split("/") if p]
    if any(p in {".", ".."} for p in parts):
        return None
    node = root
    for part in parts:
        node = node.joinpath(part)
    if node.is_dir():
        node = node.joinpath("index.html")
    return node if node.is_file() else None


class SiteHandler(BaseHTTPRequestHandler):
    """Serves the sample site, writing the server's own origin where the pages say so."""

    root: Traversable
    origin: str
    hits: list[tuple[str, int]] | None = None  # (path, status) of every request, if kept

    def do_GET(self) -> None:
        node = resolve(self.root, self.path)
        if node is None:
            self._answer(404)
            self.send_error(404)
            return
        body = node.read_bytes().replace(ORIGIN_TOKEN.encode(), self.origin.encode())
        etag = f'"{hashlib.sha1(body).hexdigest()[:16]}"'
        if self.headers.get("If-None-Match") == etag:
            self._answer(304)
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        kind = mimetypes.guess_type(node.name)[0] or "application/octet-stream"
        if node.name.endswith((".xml", ".atom")):
            kind = "application/atom+xml" if node.name.endswith(".atom") else "application/rss+xml"
        self._answer(200)
        self.send_response(200)
        self.send_header("Content-Type", f"{kind}; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.end_headers()
        self.wfile.write(body)

    def _answer(self, status: int) -> None:
        if self.hits is not None:
            self.hits.append((self.path, status))

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the demo reports what the crawl did itself."""


@contextmanager
def serve(
    root: Traversable,
    hits: list[tuple[str, int]] | None = None,
    handler: type[SiteHandler] = SiteHandler,
) -> Iterator[str]:
    """Serve `root` on 127.0.0.1 on a free port; yields the origin. Each request's path and
    status is appended to `hits` if given; `handler` may be a subclass that serves differently."""

    class Handler(handler):  # type: ignore[valid-type,misc]
        pass

    Handler.root = root
    Handler.hits = hits
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    Handler.origin = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Handler.origin
    finally:
        server.shutdown()
        server.server_close()


@dataclass(frozen=True)
class DemoResult:
    """What the demo cycle did."""

    crawl: CrawlResult
    alerts: int
    delivery: DeliveryResult


def run_demo(folder: Path) -> DemoResult:
    """Serve the sample site, write a config for it in `folder`, run crawl, match, digest."""
    folder.mkdir(parents=True, exist_ok=True)
    with serve(site_root()) as origin:
        path = folder / "newsmon.toml"
        path.write_text(CONFIG.format(origin=origin, recipient=RECIPIENT), encoding="utf-8")
        config = load_config(path, environ={})
        with run_lock(config):
            crawled = crawl(config, settings=FAST)
            matched = match(config, now=datetime.now(UTC))
            delivered = digest(config, FileMailer(folder / "outbox"), now=datetime.now(UTC))
    return DemoResult(crawl=crawled, alerts=matched.alerts, delivery=delivered)
