"""The bundled sample site reads as it should: articles are articles, listings are not."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.extract import extract_article

SITE = Path(__file__).parent.parent / "monitor" / "demo_site"
NOW = datetime(2024, 5, 1, tzinfo=UTC)
ARTICLES = sorted(SITE.glob("2024/*/*/*/index.html"))
LISTINGS = [SITE / "index.html", *sorted(SITE.glob("category/*/index.html"))]


def url(page: Path) -> str:
    return "http://127.0.0.1:8000/" + str(page.relative_to(SITE).parent) + "/"


def test_the_site_has_the_pages_the_demo_promises() -> None:
    assert len(ARTICLES) >= 8
    assert len(LISTINGS) >= 2


@pytest.mark.parametrize("page", ARTICLES, ids=lambda p: p.parent.name)
def test_every_story_reads_as_an_article_on_its_stable_url(page: Path) -> None:
    article = extract_article(page.read_bytes(), url(page), now=NOW)
    assert article is not None
    assert article.url.startswith("https://demo.newsmon.example/2024/")
    assert article.title and "TechWire" not in article.title
    assert len(article.authors) == 1
    assert article.published is not None
    for furniture in ("Trending", "Related stories", "thoughts on", "newsletter"):
        assert furniture not in article.body


@pytest.mark.parametrize("page", LISTINGS, ids=lambda p: p.parent.name)
def test_listing_pages_are_not_articles(page: Path) -> None:
    assert extract_article(page.read_bytes(), url(page), now=NOW) is None


def test_only_the_main_story_names_microsoft_and_japan_in_its_text() -> None:
    both = []
    for page in ARTICLES:
        article = extract_article(page.read_bytes(), url(page), now=NOW)
        assert article is not None
        text = f"{article.title}\n{article.body}"
        if "Microsoft" in text and "Japan" in text:
            both.append(article.title)
    assert both == ["Microsoft invests $2.9 billion in Japan's AI and cloud infrastructure"]
