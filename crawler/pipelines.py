"""Item pipelines: validate each article (DropItem with a reason), then store it."""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured

from crawler.items import ArticleItem
from crawler.sites import Site, site_from_dict
from crawler.store import ArticleStore, Fetch
from crawler.store.schema import ERROR_KINDS

logger = logging.getLogger(__name__)


def save_item(store: ArticleStore, item: ArticleItem, site: Site | None, *, now: datetime) -> str:
    """Store one item (article, aliases, fetch state, story keys); its outcome: "new",
    "feed_only", "updated", "unchanged", "duplicate" or "suspect". The cluster's ingest
    stores the items workers pushed with this too."""
    fetch = Fetch(
        url=item.link or item.fetched_url,
        status=item.status,
        etag=item.etag,
        last_modified=item.last_modified,
        schedule=site.recheck if site else (),
    )
    outcome = store.save(
        item.article,
        site=item.site,
        aliases=[item.fetched_url, item.guid],
        now=now,
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
    return outcome


def outcome_counts(item: ArticleItem, outcome: str) -> list[str]:
    """The per-site counters one stored item adds to (besides `articles_<outcome>`)."""
    keys = [outcome]
    if outcome == "new":  # for source health: does extraction still find these?
        if item.article.published is not None:
            keys.append("new_dated")
        if item.article.authors:
            keys.append("new_authored")
    return keys


def run_row(
    run: str, site: str, started: datetime, finished: datetime, count: Callable[[str], int]
) -> dict[str, Any]:
    """The crawl_runs row of one site (`count(key)`: its counter `key`, 0 if none)."""
    return {
        "run": run,
        "site": site,
        "started": started.isoformat(),
        "finished": finished.isoformat(),
        "requests": count("requests"),
        "new": count("new"),
        "updated": count("updated"),
        "known": count("known"),
        "errors": count("errors"),
        "duration": (finished - started).total_seconds(),
        "ok": int(count("sources_ok") > 0),
        "new_dated": count("new_dated"),
        "new_authored": count("new_authored"),
        "feed_only": count("feed_only"),
        "not_modified": count("not_modified"),
        "duplicates": count("duplicate"),
        **{f"{kind}_errors": count(f"{kind}_errors") for kind in ERROR_KINDS},
    }


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
        outcome = save_item(self.store, item, self.sites.get(item.site), now=datetime.now(UTC))
        self.crawler.stats.inc_value(f"newsmon/articles_{outcome}")
        for key in outcome_counts(item, outcome):
            self.crawler.stats.inc_value(f"newsmon/site/{item.site}/{key}")
        return item

    def close_spider(self) -> None:
        assert self.store is not None and self.crawler.stats is not None
        finished = datetime.now(UTC)
        stats = self.crawler.stats

        def count(site: str, key: str) -> int:
            value: Any = stats.get_value(f"newsmon/site/{site}/{key}", 0)
            return int(value)

        for site in self.sites:
            row = run_row(self.run, site, self.started, finished, functools.partial(count, site))
            row["error"] = stats.get_value(f"newsmon/site/{site}/error")
            self.store.runs.record(row)
        self.store.close()
