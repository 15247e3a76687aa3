"""Extraction in worker processes gives what extract_article gives in the crawler's own process."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from types import MappingProxyType

from crawler.extract import extract_article
from crawler.pool import ExtractPool
from crawler.sites import Site
from tests.conftest import FIXTURES

NOW = datetime(2024, 6, 14, tzinfo=UTC)
PAGES = sorted((FIXTURES / "site" / "articles").glob("*.html"))


def test_workers_extract_what_the_crawler_would() -> None:
    site = Site(
        name="ledger",
        home="https://fixture.newsmon.example/",
        selectors=MappingProxyType({"title": "h1"}),  # travels to the workers as plain data
    )
    headers = {"Content-Type": "text/html; charset=utf-8"}

    async def in_workers() -> list[object]:
        pool = ExtractPool(2)
        try:
            jobs = [
                pool.extract(page.read_bytes(), page.as_uri(), site=site, headers=headers, now=NOW)
                for page in PAGES
            ]
            return list(await asyncio.gather(*jobs))
        finally:
            pool.close()

    expected = [
        extract_article(
            page.read_bytes(), page.as_uri(), selectors=site.selectors, headers=headers, now=NOW
        )
        for page in PAGES
    ]
    assert len(PAGES) == 3 and all(expected)
    assert asyncio.run(in_workers()) == expected


def test_no_workers_means_inline() -> None:
    async def inline() -> object:
        page = PAGES[0]
        return await ExtractPool(0).extract(
            page.read_bytes(),
            page.as_uri(),
            site=Site("s", "https://s.example/"),
            headers={},
            now=NOW,
        )

    assert asyncio.run(inline()) == extract_article(
        PAGES[0].read_bytes(),
        PAGES[0].as_uri(),
        selectors=Site("s", "https://s.example/").selectors,
        now=NOW,
    )
