"""Extraction off the reactor: `extract_article` runs in a pool of worker processes.

Parsing a page costs far more CPU than downloading it; run in the reactor's thread it stalls the
downloader and leaves the second core idle. `ExtractPool.extract` hands the page to a
`ProcessPoolExecutor` and awaits the result on the asyncio loop Scrapy runs on, so the downloader
keeps going while the workers parse. `extract_article` stays pure: a worker gets the bytes, the
URL, the site (as plain data), the headers and `now`, and returns the Article.

Workers start from a forkserver that has imported the extractor once, so a worker costs a fork,
not a fresh interpreter, and nothing is forked from the crawler's threaded process. With
`workers=0` extraction runs inline (one core), which is what a one-core machine should use.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from typing import Any, TypeVar

from crawler.article import Article
from crawler.extract import extract_article
from crawler.sites import Site, site_from_dict, site_to_dict
from crawler.store.stories import StoryKeys, story_keys

logger = logging.getLogger(__name__)
T = TypeVar("T")


def extract_job(
    body: bytes, url: str, site: Mapping[str, Any], headers: Mapping[str, str], now: datetime
) -> Article | None:
    """What a worker runs: extract_article over plain, picklable arguments."""
    selectors = site_from_dict(site).selectors
    return extract_article(body, url, selectors=selectors, headers=headers, now=now)


def extract_keyed_job(
    body: bytes, url: str, site: Mapping[str, Any], headers: Mapping[str, str], now: datetime
) -> tuple[Article, StoryKeys] | None:
    """extract_job, and the story keys of the body (MinHash is CPU work the writer is spared)."""
    article = extract_job(body, url, site, headers, now)
    return None if article is None else (article, story_keys(article.body))


def default_workers() -> int:
    """One worker per core the process may use; 0 (inline) on a one-core machine."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return cores if cores > 1 else 0


class ExtractPool:
    """A lazily started process pool for extraction; `close()` shuts it down."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.executor: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        if self.executor is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["crawler.extract", "crawler.pool"])
            self.executor = ProcessPoolExecutor(max_workers=self.workers, mp_context=context)
            logger.info("extracting in %d worker processes", self.workers)
        return self.executor

    def start(self) -> None:
        """Start the workers now (they boot while discovery requests are in flight)."""
        if self.workers > 0:
            executor = self._executor()
            for _ in range(self.workers):
                executor.submit(int, 0)

    async def extract(
        self,
        body: bytes,
        url: str,
        *,
        site: Site,
        headers: Mapping[str, str],
        now: datetime,
    ) -> Article | None:
        """The article on a page, extracted in a worker (inline when `workers` is 0)."""
        return await self._run(extract_job, body, url, site, headers, now)

    async def extract_keyed(
        self,
        body: bytes,
        url: str,
        *,
        site: Site,
        headers: Mapping[str, str],
        now: datetime,
    ) -> tuple[Article, StoryKeys] | None:
        """The article on a page and its story keys, made in a worker."""
        return await self._run(extract_keyed_job, body, url, site, headers, now)

    async def _run(
        self,
        job: Callable[..., T],
        body: bytes,
        url: str,
        site: Site,
        headers: Mapping[str, str],
        now: datetime,
    ) -> T:
        plain = site_to_dict(site)
        if self.workers <= 0:
            return job(body, url, plain, headers, now)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._executor(), job, bytes(body), url, plain, dict(headers), now
        )

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None
