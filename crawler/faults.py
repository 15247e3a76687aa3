"""What went wrong with a request, in fine kinds: which faults may pass by the next run (then a
feed's validators are not saved) and which withhold a page whose feed entry is kept instead.
Counting and telling problems per site is crawler.problems' job.

Kinds: `http_<status>` (404, 500, 429 after retries, ...), `timeout`, `connection` (refused, no
such host), `too_large` (over DOWNLOAD_MAXSIZE), `truncated` (the connection closed before the
promised length), `redirect_loop`, `dead_host` (skipped: the host failed twice this run), and
those that are not faults: `robots` (forbidden by robots.txt), `deferred` (the host asked to
wait, by 429/503 Retry-After) and `skipped` (any other IgnoreRequest: a stored article not due,
an unchanged one; KnownArticleMiddleware counts those itself).
"""

from __future__ import annotations

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.defer import CancelledError
from twisted.internet.error import ConnectError, DNSLookupError, TimeoutError
from twisted.web._newclient import ResponseFailed

from crawler.hosts import HostDead, HostWaiting
from crawler.problems import RedirectLoop

NOT_FAULTS = frozenset({"robots", "deferred", "skipped"})


_TRANSIENT = frozenset({"timeout", "connection", "dead_host", "deferred", "truncated"})


def is_transient(kind: str) -> bool:
    """Whether a fault may be gone next run (a timeout, a dead host, a 5xx, 408, 429)."""
    if kind.startswith("http_"):
        status = int(kind.removeprefix("http_") or 0)
        return status >= 500 or status in (408, 429)
    return kind in _TRANSIENT


_PAGE_WITHHELD = frozenset(
    {"timeout", "connection", "dead_host", "deferred", "truncated", "too_large", "not_article"}
)


def withholds_page(kind: str) -> bool:
    """Whether a fault keeps a page from us while its feed entry still tells the story: 401,
    402, 403, 451 (login, paywall, blocked), 5xx and 429 after retries, timeouts, dead or held
    hosts, size caps, a page that is no article. Not 404 or 410: the story is gone."""
    if kind.startswith("http_"):
        status = int(kind.removeprefix("http_") or 0)
        return status in (401, 402, 403, 429, 451) or status >= 500
    return kind in _PAGE_WITHHELD


def fault_kind(error: BaseException) -> str:
    """The kind of a failed request's error."""
    if isinstance(error, HttpError):
        return f"http_{error.response.status}"
    if isinstance(error, HostWaiting):
        return "deferred"
    if isinstance(error, HostDead):
        return "dead_host"
    if isinstance(error, RedirectLoop):
        return "redirect_loop"
    if isinstance(error, IgnoreRequest):
        text = str(error).lower()
        if "robots.txt" in text:
            return "robots"
        if "redirect" in text:
            return "redirect_loop"
        return "skipped"  # e.g. KnownArticleMiddleware: stored and not due, or unchanged (304)
    if isinstance(error, DownloadTimeoutError | TimeoutError):
        return "timeout"
    if isinstance(
        error,
        CannotResolveHostError | DownloadConnectionRefusedError | ConnectError | DNSLookupError,
    ):
        return "connection"
    if isinstance(error, DownloadCancelledError | CancelledError):
        return "too_large"
    if isinstance(error, ResponseDataLossError) or (
        isinstance(error, ResponseFailed) and "DataLoss" in repr(error.reasons)
    ):
        return "truncated"
    return type(error).__name__.lower()
