"""What went wrong with a site during a crawl: failures sorted by kind, each kind told once.

A refused connection, a redirect loop, a non-HTML answer where an article was expected, or a page
over `DOWNLOAD_MAXSIZE` is counted per site in the stats (`newsmon/site/<name>/<kind>_errors`)
and the crawl_runs row, and logged once per site and run: one line, never a traceback. The first
problem of a site is kept (`newsmon/site/<name>/error`) so the runner can say why a site failed.

Scrapy logs some of these itself, with a traceback (robots.txt that cannot be fetched) or once per
request (retries given up, oversized pages); `quiet_scrapy_noise()` drops those records, since the
spider's errback reports the same failure once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from urllib.parse import urljoin, urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.statscollectors import StatsCollector
from twisted.internet import defer, error

from crawler.store.schema import ERROR_KINDS as KINDS

logger = logging.getLogger(__name__)

__all__ = ["KINDS", "Problems", "RedirectLoop", "RedirectLoopMiddleware", "classify"]

_CONNECT: dict[type[BaseException], str] = {
    error.ConnectionRefusedError: "connection refused",
    error.DNSLookupError: "no such host",
    error.NoRouteError: "no route to host",
    error.ConnectionLost: "connection lost",
    error.ConnectError: "connection failed",
}
_TIMEOUT = (error.TimeoutError, error.TCPTimedOutError)


class RedirectLoop(IgnoreRequest):
    """A redirect leads back to a URL of its own chain."""


def classify(failure_value: BaseException, url: str) -> tuple[str, str]:
    """(kind, one-line description) of a failed request; kind "" means not a problem."""
    host = urlsplit(url).hostname or url
    if isinstance(failure_value, RedirectLoop):
        return "redirect_loop", f"redirect loop at {url} ({failure_value})"
    if isinstance(failure_value, HttpError):
        return "http", f"{url} failed: the server answered HTTP {failure_value.response.status}"
    if isinstance(failure_value, IgnoreRequest):
        if "max redirections" in str(failure_value):
            return "redirect_loop", f"too many redirects from {url}"
        return "", str(failure_value)
    if isinstance(failure_value, _TIMEOUT):
        return "timeout", f"{host} did not answer in time ({url})"
    for error_type, why in _CONNECT.items():
        if isinstance(failure_value, error_type):
            return "connect", f"cannot connect to {host} ({why})"
    name = type(failure_value).__name__
    # Scrapy 2.13+ wraps Twisted's errors in its own (looked up by name: older ones lack them)
    wrapped = {
        "DownloadConnectionRefusedError": ("connect", "connection refused"),
        "CannotResolveHostError": ("connect", "no such host"),
        "ResponseNeverReceived": ("connect", "no response"),
        "DownloadFailedError": ("connect", "connection failed"),
        "ResponseDataLossError": ("connect", "connection lost mid-answer"),
    }
    if name in wrapped:
        kind, why = wrapped[name]
        return kind, f"cannot connect to {host} ({why})"
    if name == "DownloadTimeoutError":
        return "timeout", f"{host} did not answer in time ({url})"
    if name == "DownloadCancelledError" or isinstance(failure_value, defer.CancelledError):
        return "too_large", f"{url} is larger than [crawl] max_page_size; skipped"
    return "http", f"{url} failed: {name}: {failure_value}"


class Problems:
    """Counts a site's problems by kind in the crawl stats and logs each kind once per site."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.told: set[tuple[str, str]] = set()

    @property
    def stats(self) -> StatsCollector:
        stats = self.crawler.stats  # set once the crawl starts
        assert stats is not None
        return stats

    def add(self, site: str, kind: str, message: str, *, level: int = logging.WARNING) -> None:
        self.stats.inc_value(f"newsmon/site/{site}/errors")
        self.stats.inc_value(f"newsmon/site/{site}/{kind}_errors")
        if self.stats.get_value(f"newsmon/site/{site}/error") is None:
            self.stats.set_value(f"newsmon/site/{site}/error", message)
        if (site, kind) in self.told:
            logger.debug("site %s: %s", site, message)
            return
        self.told.add((site, kind))
        # A site that cannot be reached is told by the runner, with when it is tried again.
        quiet = kind in ("connect", "timeout")
        logger.log(logging.INFO if quiet else level, "site %s: %s", site, message)


class RedirectLoopMiddleware:
    """Stops a redirect that leads back into its own chain (A -> B -> A), which the duplicate
    filter would otherwise drop without a word. Placed before RedirectMiddleware (600)."""

    def process_response(self, request: Request, response: Response) -> Response:
        location = response.headers.get(b"Location")
        if not (300 <= response.status < 400) or not location:
            return response
        target = urljoin(request.url, location.decode("latin-1"))
        chain: Iterable[str] = [*request.meta.get("redirect_urls", []), request.url]
        if target in chain:
            hops = " -> ".join([*chain, target])
            raise RedirectLoop(hops)
        return response


class _Drop(logging.Filter):
    def __init__(self, *starts: str) -> None:
        super().__init__()
        self.starts = starts

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(self.starts)


def quiet_scrapy_noise() -> None:
    """Drop Scrapy's own records of failures the spider reports once per site."""
    noisy = {
        "scrapy.downloadermiddlewares.robotstxt": ("Error downloading",),
        "scrapy.downloadermiddlewares.retry": ("Gave up retrying",),
        "scrapy.core.downloader.handlers.http11": ("Expected to receive", "Received "),
    }
    for name, starts in noisy.items():
        target = logging.getLogger(name)
        if not any(isinstance(f, _Drop) for f in target.filters):
            target.addFilter(_Drop(*starts))
