"""HostGuard: a downloader middleware that keeps newsmon off hosts that ask it to wait or are dead.

- A 429 or 503 answer's `Retry-After` (seconds or an HTTP date; for a 429 without one, 60 s;
  at most a day) holds every request to that host until then: this run drops them
  (`HostWaiting`), and the time is kept in fetch_state under the host's origin
  (`https://host`, a key no page has), so later runs wait too.
- A host that has not answered anything in this run and failed to connect (refused, no such
  name, or a timeout) twice is dead for the rest of the run (`HostDead`): no more than two tries.

It sits after Scrapy's RetryMiddleware in the response chain (priority 560 > 550), so it sees a
429 or a connection failure before a retry is scheduled, and the retry meets the hold.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    NotConfigured,
)
from scrapy.http import Response
from twisted.internet.error import ConnectError, DNSLookupError, TimeoutError

from crawler.store import ArticleStore, Fetch

logger = logging.getLogger(__name__)

DEFAULT_WAIT = timedelta(seconds=60)
LONGEST_WAIT = timedelta(days=1)
DEAD_AFTER = 2  # failed tries of a host that never answered
_WAIT_STATUSES = (429, 503)
_UNREACHABLE = (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    ConnectError,
    DNSLookupError,
)
_SLOW = (DownloadTimeoutError, TimeoutError)


class HostWaiting(IgnoreRequest):
    """The host asked newsmon (429/503 Retry-After) to come back later."""


class HostDead(IgnoreRequest):
    """The host failed to answer twice in this run; `cause` is its last failure."""

    def __init__(self, message: str, cause: Exception) -> None:
        super().__init__(message)
        self.cause = cause


def retry_after(value: str | None, now: datetime) -> timedelta:
    """The wait a Retry-After header asks for (delta-seconds or an HTTP date), within bounds."""
    wait = DEFAULT_WAIT
    text = (value or "").strip()
    if text.isdigit():
        wait = timedelta(seconds=int(text))
    elif text:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            when = None
        if when is not None:
            wait = (when if when.tzinfo else when.replace(tzinfo=UTC)) - now
    return min(max(wait, timedelta(0)), LONGEST_WAIT)


def origin(url: str) -> str:
    """`scheme://host[:port]` of a URL: the key of a host's hold in fetch_state."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


class HostGuard:
    """Holds hosts that asked for a pause, and gives up on hosts that do not answer."""

    def __init__(self, crawler: Crawler, path: str) -> None:
        self.crawler = crawler
        self.path = path
        self.store: ArticleStore | None = None
        self.held: dict[str, datetime] = {}  # origin -> not before
        self.failures: dict[str, int] = {}
        self.last_failure: dict[str, Exception] = {}
        self.answered: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HostGuard:
        path = crawler.settings.get("NEWSMON_DB")
        if not path:
            raise NotConfigured("HostGuard needs NEWSMON_DB to keep hosts' Retry-After times.")
        guard = cls(crawler, path)
        crawler.signals.connect(guard.close, signal=_spider_closed())
        return guard

    def close(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None

    def _store(self) -> ArticleStore:
        if self.store is None:
            self.store = ArticleStore.open(self.path)
        return self.store

    def _held_until(self, key: str) -> datetime | None:
        if key not in self.held:
            state = self._store().fetch.get(key)
            until = None
            if state is not None and state.status in _WAIT_STATUSES and state.next_check:
                until = datetime.fromisoformat(state.next_check)
            self.held[key] = until or datetime.min.replace(tzinfo=UTC)
        return self.held[key]

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        key = origin(request.url)
        now = datetime.now(UTC)
        until = self._held_until(key)
        if until is not None and until > now:
            raise HostWaiting(f"{key} asked to wait until {until:%Y-%m-%d %H:%M:%S} UTC")
        if self.failures.get(key, 0) >= DEAD_AFTER and key not in self.answered:
            raise HostDead(
                f"{key} did not answer {DEAD_AFTER} tries; not tried again this run",
                self.last_failure[key],
            )

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response:
        key = origin(request.url)
        self.answered.add(key)
        header = response.headers.get("Retry-After")
        # a 503 without Retry-After is a plain server error, retried as usual
        if response.status == 429 or (response.status == 503 and header):
            now = datetime.now(UTC)
            wait = retry_after(header.decode("latin-1") if header else None, now)
            until = now + wait
            if until > self.held.get(key, now):
                self.held[key] = until
                # next_check = first_seen + the one span of the schedule = until
                self._store().fetch.record(
                    Fetch(url=key, status=response.status, schedule=(wait,)),
                    now=now,
                    first_seen=now,
                )
                logger.warning(
                    "%s answered %d: no requests to it before %s UTC",
                    key,
                    response.status,
                    f"{until:%Y-%m-%d %H:%M:%S}",
                )
        return response

    def process_exception(
        self, request: Request, exception: Exception, spider: Spider | None = None
    ) -> Any:
        key = origin(request.url)
        if key in self.answered:
            return None
        if isinstance(exception, _UNREACHABLE + _SLOW):
            self.failures[key] = tries = self.failures.get(key, 0) + 1
            self.last_failure[key] = exception
            if tries == DEAD_AFTER:  # the runner tells the user of an unreachable site
                logger.info(
                    "%s failed %d tries (%s); no more requests to it in this run",
                    key,
                    tries,
                    type(exception).__name__,
                )
        return None


def _spider_closed() -> object:
    from scrapy import signals

    return signals.spider_closed
