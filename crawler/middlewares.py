"""KnownArticleMiddleware: the known/due decision for article requests, and conditional re-checks.

The spider asks for every article its feeds list, with `meta["newsmon_entry"]` (link, guid,
the entry's own updated time). This downloader middleware, in the spirit of scrapy-deltafetch,
drops the requests for stored articles that are not due (`crawler.recheck`), lets new ones
through, and turns due ones into conditional requests from the stored ETag/Last-Modified. A 304,
or a re-check answered 404/410 or other error, is recorded in fetch_state and goes no further.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import NoReturn

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response

from crawler.recheck import is_due
from crawler.sites import Site
from crawler.store import ArticleStore, Fetch
from crawler.urls import canonical_url

logger = logging.getLogger(__name__)

ENTRY = "newsmon_entry"  # meta: the feed entry an article request comes from
RECHECK = "newsmon_recheck"  # meta: the id of the stored article a request re-checks


def _when(value: str | None) -> datetime | None:
    if not value:
        return None
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class KnownArticleMiddleware:
    """Decides, per article request, between: new (fetch), not due (drop), due (re-check)."""

    def __init__(self, crawler: Crawler, path: str) -> None:
        self.crawler = crawler
        self.store = ArticleStore.open(path)
        crawler.signals.connect(self.store.close, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> KnownArticleMiddleware:
        path = crawler.settings.get("NEWSMON_DB")
        if not path:
            raise NotConfigured("Set NEWSMON_DB to the SQLite file articles are stored in.")
        return cls(crawler, path)

    def _count(self, request: Request, key: str) -> None:
        assert self.crawler.stats is not None
        site: Site = request.cb_kwargs["site"]
        self.crawler.stats.inc_value(f"newsmon/site/{site.name}/{key}")

    def process_request(self, request: Request) -> None:
        entry = request.meta.get(ENTRY)
        if entry is None or RECHECK in request.meta:
            return
        site: Site = request.cb_kwargs["site"]
        known = self.store.lookup([request.url, canonical_url(request.url), entry.get("guid")])
        if known is None:
            self._count(request, "requests")
            return
        state = self.store.fetch.get(request.url)
        due = is_due(
            now=datetime.now(UTC),
            first_seen=datetime.fromisoformat(known.first_seen),
            checked=datetime.fromisoformat(known.checked or known.first_seen),
            schedule=site.recheck,
            entry_updated=_when(entry.get("updated")),
            status=state.status if state else None,
        )
        if not due:
            self._count(request, "known")
            raise IgnoreRequest(f"{request.url} is stored and not due for a re-check")
        self._count(request, "requests")
        self._count(request, "rechecks")
        request.meta[RECHECK] = known.id
        if state is not None and state.etag:
            request.headers[b"If-None-Match"] = state.etag
        if state is not None and state.last_modified:
            request.headers[b"If-Modified-Since"] = state.last_modified

    def process_response(self, request: Request, response: Response) -> Response:
        article_id = recheck_answer(request, response)
        if article_id is None:
            return response
        site: Site = request.cb_kwargs["site"]
        fetch = Fetch(url=request.url, status=response.status, schedule=site.recheck)
        self.store.checked(article_id, fetch, now=datetime.now(UTC))
        drop_recheck(request, response, self.crawler)


def recheck_answer(request: Request, response: Response) -> int | None:
    """The stored article a re-check's response answers for without a new version (a 304, or an
    error status such as 404 or 410), or None when the response goes on: not a re-check, a page
    for the spider, or a redirect the redirect middleware follows."""
    article_id = request.meta.get(RECHECK)
    if article_id is None or response.status < 300:
        return None
    if 300 <= response.status < 400 and response.status != 304:
        return None
    return int(article_id)


def drop_recheck(request: Request, response: Response, crawler: Crawler) -> NoReturn:
    """Count a re-check answered without a new version, say so when it is an error, and drop
    the response (the stored article is kept as it is)."""
    assert crawler.stats is not None
    site: Site = request.cb_kwargs["site"]
    if response.status == 304:
        crawler.stats.inc_value(f"newsmon/site/{site.name}/unchanged")
        raise IgnoreRequest(f"{request.url} is unchanged (304)")
    kind = "gone" if response.status in (404, 410) else "errors"
    crawler.stats.inc_value(f"newsmon/site/{site.name}/{kind}")
    logger.warning(
        "site %s: re-check of %s answered HTTP %s; the stored article is kept%s",
        site.name,
        request.url,
        response.status,
        " and not checked again" if response.status == 410 else "",
    )
    raise IgnoreRequest(f"{request.url}: HTTP {response.status} on re-check")
