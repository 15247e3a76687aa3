"""Crawl benchmark: the full `newsmon crawl` beside its two anchors, in one run, no network.

    python bench/crawl.py                 # 2,000 pages behind 20 feeds
    python bench/crawl.py --pages 400     # a quicker look

A site of generated article pages (the bundled demo site's templates with varied headlines and
text, each on its own URL) is served from a separate process on 127.0.0.1, behind 20 RSS feeds
that answer If-None-Match with 304. Politeness is lifted for this host in every variant (no
delay, no AutoThrottle, 16 requests at a time). Printed, all measured in this run:

  (a) a bare Scrapy spider that reads the feeds and only downloads the pages;
  (b) extract_article alone over the same pages in one process (no HTTP);
  (c) the full `newsmon crawl` (discovery, extraction in worker processes, the SQLite store);
  the ratio (c) / min(a, b), the peak RSS of (c) (the crawl and its workers together), and the
  requests of a second, unchanged cycle of (c).

The file is also the spider of (a): `scrapy runspider bench/crawl.py -a origin=...`.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import html
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import scrapy

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEMO = ROOT / "monitor" / "demo_site"
FEEDS = 20
LIFTED = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    "CONCURRENT_REQUESTS": "16",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
    "ROBOTSTXT_OBEY": "True",
    "LOG_LEVEL": "ERROR",
}
_CONTENT = re.compile(r'(<div class="entry-content">\n)(.*?)(</div>\n<footer)', re.S)
_PARAGRAPH = re.compile(r"<p>[^<]{80,}</p>")
_WORDS = [
    "chip",
    "cloud",
    "court",
    "deal",
    "fund",
    "grid",
    "lab",
    "law",
    "model",
    "network",
    "phone",
    "price",
    "probe",
    "rocket",
    "satellite",
    "server",
    "startup",
    "storage",
    "subsidy",
    "tariff",
    "update",
    "vote",
]
_PLACES = [
    "Tokyo",
    "Berlin",
    "Austin",
    "Seoul",
    "Taipei",
    "Nairobi",
    "Lyon",
    "Oslo",
    "Pune",
    "Leeds",
    "Osaka",
    "Quebec",
]


# --- the generated site ----------------------------------------------------------------------


def build_site(pages: int, origin: str, corpus: Path | None) -> dict[str, tuple[bytes, str]]:
    """path -> (body, content type): the pages, 20 feeds, robots.txt. Deterministic.

    Pages are real publishers' pages from the shared corpus (read from it, never copied), each
    moved to its own URL with its headline varied, or, without the corpus, the demo site's
    templates with generated headlines and shuffled paragraphs.
    """
    rng = random.Random(7)
    bases = _corpus_pages(corpus) if corpus else []
    demo = [(t, t.read_text(encoding="utf-8")) for t in sorted(DEMO.glob("2024/*/*/*/index.html"))]
    pool = [p for _, text in demo for p in _PARAGRAPH.findall(text)]
    site: dict[str, tuple[bytes, str]] = {}
    entries: list[tuple[str, str, datetime]] = []
    start = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
    for n in range(pages):
        headline = (
            f"{rng.choice(_PLACES)} {rng.choice(_WORDS)} {rng.choice(_WORDS)} report {n}: "
            f"what the {rng.choice(_WORDS)} means for the {rng.choice(_WORDS)}"
        )
        when = start + timedelta(minutes=7 * n)
        path = f"/{when:%Y/%m/%d}/story-{n:05d}/"
        if bases:
            url, text = bases[n % len(bases)]
            page = _moved(text, url, origin + path, n)
        else:
            template, text = demo[n % len(demo)]
            old_path = "/" + template.parent.relative_to(DEMO).as_posix() + "/"
            old_title = _template_title(text)
            content = "\n".join(rng.sample(pool, rng.randint(6, 16)))
            page = _CONTENT.sub(lambda m, c=content: m[1] + c + "\n" + m[3], text, count=1)
            page = page.replace(old_path, path).replace("__ORIGIN__", origin)
            for form in (html.escape(old_title), old_title.replace("'", "&#x27;"), old_title):
                page = page.replace(form, html.escape(headline))
        site[path] = (page.encode(), "text/html; charset=utf-8")
        entries.append((path, headline, when))
    for k in range(FEEDS):
        items = "".join(
            f"<item><title>{html.escape(title)}</title><link>{origin}{path}</link>"
            f"<guid>{origin}{path}</guid><pubDate>{when:%a, %d %b %Y %H:%M:%S +0000}</pubDate>"
            "</item>"
            for path, title, when in entries[k::FEEDS]
        )
        feed = f'<rss version="2.0"><channel><title>feed {k}</title>{items}</channel></rss>'
        site[f"/feeds/{k}.xml"] = (feed.encode(), "application/rss+xml; charset=utf-8")
    site["/robots.txt"] = (b"User-agent: *\nDisallow: /private/\n", "text/plain")
    return site


def _corpus_pages(corpus: Path) -> list[tuple[str, str]]:
    """(url, html) of the fundus pages of the shared corpus, decoded as UTF-8 where they are."""
    gold = corpus / "fundus" / "gold.jsonl"
    if not gold.is_file():
        return []
    found = []
    for line in gold.read_text(encoding="utf-8").split("\n"):
        if line.strip():
            row = json.loads(line)
            raw = gzip.decompress((corpus / "fundus" / row["html"]).read_bytes())
            found.append((row["url"], raw.decode("utf-8", errors="replace")))
    return found


def _moved(text: str, url: str, new_url: str, n: int) -> str:
    """A corpus page as if published at `new_url`, its <title>, first heading and every
    paragraph varied (an identical body at another URL of one site is stored as a duplicate,
    which would spare the store the work of a new article)."""
    bare = url.split("?", 1)[0]
    page = text.replace(url, new_url).replace(bare, new_url)
    page = re.sub(r"<link[^>]+rel=[\"']canonical[\"'][^>]*>", "", page, flags=re.I)
    page = re.sub(r"(<head[^>]*>)", rf'\1<link rel="canonical" href="{new_url}">', page, count=1)
    page = re.sub(r"(<title[^>]*>)", rf"\1Report {n}: ", page, count=1, flags=re.I)
    page = re.sub(r"(<p(?:\s[^>]*)?>)", rf"\1[{n}] ", page, flags=re.I)
    return re.sub(r"(<h1[^>]*>)", rf"\1Report {n}: ", page, count=1, flags=re.I)


def _template_title(text: str) -> str:
    match = re.search(r'<h1 class="entry-title">(.*?)</h1>', text)
    return html.unescape(match[1]) if match else ""


def serve(port_out: Any, pages: int, corpus: Path | None) -> None:
    """The bench site's server (run in its own process): ETags, 304s, request counts."""
    counts = {"requests": 0, "not_modified": 0, "feeds": 0, "pages": 0}
    lock = threading.Lock()
    holder: dict[str, dict[str, tuple[bytes, str]]] = {}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            if self.path == "/__counts":
                self._send(200, json.dumps(counts).encode(), "application/json", None)
                return
            if self.path == "/__reset":
                with lock:
                    for key in counts:
                        counts[key] = 0
                self._send(200, b"{}", "application/json", None)
                return
            found = holder["site"].get(self.path)
            with lock:
                counts["requests"] += 1
                counts["feeds" if self.path.startswith("/feeds/") else "pages"] += 1
            if found is None:
                self._send(404, b"not found", "text/plain", None)
                return
            body, kind = found
            etag = '"' + hashlib.md5(body).hexdigest() + '"'
            if self.headers.get("If-None-Match") == etag:
                with lock:
                    counts["not_modified"] += 1
                self._send(304, b"", kind, etag)
                return
            self._send(200, body, kind, etag)

        def _send(self, status: int, body: bytes, kind: str, etag: str | None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            if etag:
                self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if status != 304:
                self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    holder["site"] = build_site(pages, origin, corpus)
    port_out.send(origin)
    server.serve_forever()


# --- (a) the bare spider ---------------------------------------------------------------------


class DownloadOnly(scrapy.Spider):
    """Reads the 20 feeds and downloads every page they list; nothing else."""

    name = "download_only"

    def __init__(self, origin: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.origin = origin

    async def start(self) -> Any:
        for k in range(FEEDS):
            yield scrapy.Request(f"{self.origin}/feeds/{k}.xml", callback=self.parse_feed)

    def parse_feed(self, response: Any) -> Iterator[scrapy.Request]:
        for link in re.findall(rb"<link>([^<]+)</link>", response.body):
            yield scrapy.Request(link.decode(), callback=self.parse_page)

    def parse_page(self, response: Any) -> None:
        self.crawler.stats.inc_value("bench/pages")  # type: ignore[union-attr]


# --- measuring -------------------------------------------------------------------------------


def tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants (from /proc)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(re.search(r"VmRSS:\s+(\d+)", status)[1]) * 1024  # type: ignore[index]
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, TypeError):
            continue
    return total


def run_measured(command: list[str], cwd: Path) -> tuple[float, int, str]:
    """Wall time, peak RSS of the process tree, and stdout of a command."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, text=True)
    peak = 0
    while process.poll() is None:
        peak = max(peak, tree_rss(process.pid))
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    out = process.stdout.read() if process.stdout else ""
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command[:4])} ... failed with exit code {process.returncode}")
    return elapsed, peak, out


def fetch_json(url: str) -> dict[str, int]:
    import urllib.request

    with urllib.request.urlopen(url, timeout=10) as response:
        return dict(json.load(response))


def newsmon_crawl(config_path: str) -> None:
    """Child mode for (c): one `newsmon crawl` through the runner, politeness lifted."""
    from monitor.config import load_config
    from monitor.runner import crawl

    result = crawl(load_config(Path(config_path), environ={}), settings=LIFTED, log_level="ERROR")
    print(json.dumps({"new": result.new, "requests": result.requests, "errors": result.errors}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument(
        "--corpus",
        type=Path,
        default=ROOT.parent / "shared" / "corpus",
        help="the shared corpus (its real pages make the site); without it, the demo templates",
    )
    parser.add_argument("--demo", action="store_true", help="use the demo templates only")
    parser.add_argument("--newsmon-crawl", metavar="CONFIG", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.newsmon_crawl:
        newsmon_crawl(args.newsmon_crawl)
        return

    from crawler.extract import extract_article

    context = get_context("spawn")
    parent, child = context.Pipe()
    corpus = None if args.demo or not (args.corpus / "fundus").is_dir() else args.corpus
    server = context.Process(target=serve, args=(child, args.pages, corpus), daemon=True)
    server.start()
    origin = parent.recv()
    site = build_site(args.pages, origin, corpus)
    pages = {path: body for path, (body, kind) in site.items() if kind.startswith("text/html")}
    python = sys.executable
    env_root = str(ROOT)
    made = f"real pages of {corpus}" if corpus else "the demo templates"
    print(f"{len(pages)} pages ({made}) behind {FEEDS} feeds on {origin}")
    print(f"politeness lifted in every variant: {LIFTED}")
    try:
        with tempfile.TemporaryDirectory() as folder:
            work = Path(folder)
            # (a) bare Scrapy, outside the project (Scrapy's defaults + LIFTED)
            command = [python, "-m", "scrapy", "runspider", str(Path(__file__).resolve())]
            command += ["-a", f"origin={origin}"]
            for key, value in LIFTED.items():
                command += ["-s", f"{key}={value}"]
            os.environ["PYTHONPATH"] = env_root
            a_time, _, _ = run_measured(command, work)
            a_rate = len(pages) / a_time

            # (b) extraction alone, this process
            now = datetime.now(UTC)
            started = time.perf_counter()
            found = sum(
                extract_article(body, origin + path, now=now) is not None
                for path, body in pages.items()
            )
            b_time = time.perf_counter() - started
            b_rate = len(pages) / b_time

            # (c) newsmon crawl, then a second, unchanged cycle
            feeds = [f"{origin}/feeds/{k}.xml" for k in range(FEEDS)]
            config = work / "newsmon.toml"
            config.write_text(
                "[crawl]\ndelay = 0\n\n[[site]]\nname = 'bench'\n"
                f"home = '{origin}/'\nfeeds = {json.dumps(feeds)}\n"
            )
            child_command = [python, str(Path(__file__).resolve()), "--newsmon-crawl", str(config)]
            c_time, c_peak, c_out = run_measured(child_command, work)
            c_rate = len(pages) / c_time
            c_result = json.loads(c_out.strip().splitlines()[-1])
            fetch_json(f"{origin}/__reset")
            run_measured(child_command, work)
            second = fetch_json(f"{origin}/__counts")
    finally:
        server.terminate()

    anchor = min(a_rate, b_rate)
    print(f"(a) bare Scrapy download        {a_rate:7.1f} pages/s  ({a_time:.1f} s)")
    print(
        f"(b) extraction alone, 1 process {b_rate:7.1f} pages/s  ({b_time:.1f} s, {found} articles)"
    )
    print(
        f"(c) newsmon crawl               {c_rate:7.1f} pages/s  ({c_time:.1f} s, "
        f"{c_result['new']} new, {c_result['errors']} errors)"
    )
    print(f"ratio (c) / min(a, b)           {c_rate / anchor:7.2f}   (goal >= 1.2)")
    print(f"peak RSS of (c)                 {c_peak / 2**20:7.0f} MB (crawl and workers)")
    print(
        f"second, unchanged cycle         {second['requests']:7d} requests "
        f"({second['feeds']} feeds, {second['not_modified']} answered 304, "
        f"{second['pages']} other)   (goal: the {FEEDS} feeds, all 304)"
    )


if __name__ == "__main__":
    main()
