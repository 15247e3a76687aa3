"""Item pipelines: validate each article (DropItem with a reason), then store it."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured

from crawler.items import ArticleItem
from crawler.sites import site_from_dict
from crawler.store import ArticleStore, Fetch
from crawler.store.schema import ERROR_KINDS

logger = logging.getLogger(__name__)


class ValidatePipeline:
    """Drops items that cannot make a useful alert: no headline or no text."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidatePipeline:
        return cls(crawler)

    def process_item(self, item: ArticleItem) -> ArticleItem:
        for field in ("title", "body"):
            if not getattr(item.article, field).strip():
                assert self.stats is not None
                self.stats.inc_value(f"newsmon/dropped/no_{field}")
                self.stats.inc_value(f"newsmon/site/{item.site}/errors")
                raise DropItem(f"{item.fetched_url}: no {field} found on the page")
        return item


class StorePipeline:
    """Writes articles to the SQLite store and, at the end, one crawl_runs row per site.

    A site's crawl is `ok` when at least one of its sources (feed, sitemap, listing, home) was
    read; `error` is its first problem, `<kind>_errors` its failures by kind."""

    def __init__(self, crawler: Crawler, path: str) -> None:
        self.crawler = crawler
        self.path = path
        self.run = crawler.settings.get("NEWSMON_RUN") or datetime.now(UTC).isoformat()
        self.sites = {
            site.name: site
            for site in map(site_from_dict, json.loads(crawler.settings.get("NEWSMON_SITES", "[]")))
        }
        self.store: ArticleStore | None = None
        self.started = datetime.now(UTC)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        path = crawler.settings.get("NEWSMON_DB")
        if not path:
            raise NotConfigured("Set NEWSMON_DB to the SQLite file articles are stored in.")
        return cls(crawler, path)

    def open_spider(self) -> None:
        self.store = ArticleStore.open(self.path)
        self.started = datetime.now(UTC)

    def process_item(self, item: ArticleItem) -> ArticleItem:
        assert self.store is not None and self.crawler.stats is not None
        site = self.sites.get(item.site)
        fetch = Fetch(
            url=item.link or item.fetched_url,
            status=item.status,
            etag=item.etag,
            last_modified=item.last_modified,
            schedule=site.recheck if site else (),
        )
        outcome = self.store.save(
            item.article,
            site=item.site,
            aliases=[item.fetched_url, item.guid],
            now=datetime.now(UTC),
            fetch=fetch,
            feed_only=item.feed_only,
            story_keys=item.story_keys,
        )
        if item.feed_only and outcome == "new":
            outcome = "feed_only"  # counted apart from the articles whose page was read
        if outcome == "suspect":
            logger.warning(
                "site %s: %s now reads as under a third of the stored text; kept out of the "
                "revisions until the next re-check confirms it",
                item.site,
                item.fetched_url,
            )
        self.crawler.stats.inc_value(f"newsmon/articles_{outcome}")
        self.crawler.stats.inc_value(f"newsmon/site/{item.site}/{outcome}")
        if outcome == "new":  # for source health: does extraction still find these?
            if item.article.published is not None:
                self.crawler.stats.inc_value(f"newsmon/site/{item.site}/new_dated")
            if item.article.authors:
                self.crawler.stats.inc_value(f"newsmon/site/{item.site}/new_authored")
        return item

    def close_spider(self) -> None:
        assert self.store is not None and self.crawler.stats is not None
        finished = datetime.now(UTC)
        stats = self.crawler.stats

        def count(site: str, key: str) -> int:
            value: Any = stats.get_value(f"newsmon/site/{site}/{key}", 0)
            return int(value)

        for site in self.sites:
            self.store.runs.record(
                {
                    "run": self.run,
                    "site": site,
                    "started": self.started.isoformat(),
                    "finished": finished.isoformat(),
                    "requests": count(site, "requests"),
                    "new": count(site, "new"),
                    "updated": count(site, "updated"),
                    "known": count(site, "known"),
                    "errors": count(site, "errors"),
                    "duration": (finished - self.started).total_seconds(),
                    "ok": int(count(site, "sources_ok") > 0),
                    "error": stats.get_value(f"newsmon/site/{site}/error"),
                    "new_dated": count(site, "new_dated"),
                    "new_authored": count(site, "new_authored"),
                    "feed_only": count(site, "feed_only"),
                    "not_modified": count(site, "not_modified"),
                    "duplicates": count(site, "duplicate"),
                    **{f"{kind}_errors": count(site, f"{kind}_errors") for kind in ERROR_KINDS},
                }
            )
        self.store.close()
