"""ProgressFile: the crawl's progress for a terminal's progress line, as a small JSON file.

With the NEWSMON_PROGRESS setting (a file path), the pages fetched, the new articles and the
sites whose crawl finished are written there, at most twice a second and once more at the end;
`newsmon crawl` and `run` read it on a terminal. Without the setting the extension is off.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured


class ProgressFile:
    """Counts what the crawl did and writes it to the NEWSMON_PROGRESS file."""

    def __init__(self, crawler: Crawler, path: str) -> None:
        self.crawler = crawler
        self.path = Path(path)
        self.last = 0.0
        self.open: dict[str, int] = {}  # requests in flight per site
        self.done: set[str] = set()
        for handler, signal in (
            (self.scheduled, signals.request_scheduled),
            (self.finished, signals.request_left_downloader),
            (self.finished, signals.request_dropped),
            (self.tick, signals.item_scraped),
            (self.closed, signals.spider_closed),
        ):
            crawler.signals.connect(handler, signal=signal)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressFile:
        path = crawler.settings.get("NEWSMON_PROGRESS")
        if not path:
            raise NotConfigured  # no message: Scrapy would log one as a warning
        return cls(crawler, path)

    @staticmethod
    def _site(request: Request) -> str | None:
        site = request.cb_kwargs.get("site")
        return getattr(site, "name", None)

    def scheduled(self, request: Request) -> None:
        site = self._site(request)
        if site is not None:
            self.open[site] = self.open.get(site, 0) + 1

    def finished(self, request: Request, **kwargs: Any) -> None:
        site = self._site(request)
        if site is not None and site in self.open:
            self.open[site] -= 1
            if self.open[site] <= 0:
                self.done.add(site)
        self.tick()

    def tick(self, **kwargs: Any) -> None:
        if time.monotonic() - self.last >= 0.5:
            self.write()

    def closed(self) -> None:
        self.done |= set(self.open)
        self.write()

    def write(self) -> None:
        self.last = time.monotonic()
        stats = self.crawler.stats
        assert stats is not None
        busy = {site for site, n in self.open.items() if n > 0}
        data = {
            "pages": int(stats.get_value("response_received_count", 0) or 0),
            "new": int(stats.get_value("newsmon/articles_new", 0) or 0),
            "sites_done": len(self.done - busy),
        }
        partial = self.path.with_suffix(".partial")
        partial.write_text(json.dumps(data))
        os.replace(partial, self.path)
