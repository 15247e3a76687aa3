"""Canonical URLs: one spelling per story."""

from __future__ import annotations

import pytest

from crawler.extract import extract_article
from crawler.urls import canonical_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://News.Example.COM/a/b", "https://news.example.com/a/b"),
        ("https://news.example.com:443/a", "https://news.example.com/a"),
        ("http://news.example.com:80/a", "http://news.example.com/a"),
        ("http://news.example.com:8080/a", "http://news.example.com:8080/a"),
        ("https://news.example.com/a#comments", "https://news.example.com/a"),
        ("https://news.example.com/a?utm_source=rss&utm_medium=feed", "https://news.example.com/a"),
        ("https://news.example.com/a?fbclid=x&gclid=y&id=7", "https://news.example.com/a?id=7"),
        ("https://news.example.com/a?page=2&ref=rss", "https://news.example.com/a?page=2"),
        ("https://news.example.com/story/amp", "https://news.example.com/story"),
        ("https://news.example.com/story/amp/", "https://news.example.com/story"),
        ("https://news.example.com/amp/story", "https://news.example.com/story"),
        ("https://news.example.com/story.amp.html", "https://news.example.com/story.html"),
        ("https://news.example.com/story?amp=1", "https://news.example.com/story"),
        ("https://news.example.com/story?outputType=amp", "https://news.example.com/story"),
        ("https://news.example.com/amplifier-review", "https://news.example.com/amplifier-review"),
        ("https://news.example.com", "https://news.example.com/"),
        ("  https://news.example.com/a  ", "https://news.example.com/a"),
        ("not a url", "not a url"),
        ("mailto:desk@example.com", "mailto:desk@example.com"),
        ("http://[::1", "http://[::1"),
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def page(head: str) -> str:
    text = "<p>" + "The bakery on the corner reopened after the flood last spring. " * 6 + "</p>"
    title = '<meta property="og:title" content="Bakery reopens">'
    return f"<html><head>{title}{head}</head><body><article>{text}</article></body></html>"


def url_of(head: str, url: str = "http://127.0.0.1:8000/food/bakery-reopens?utm_source=x") -> str:
    article = extract_article(page(head), url)
    assert article is not None
    return article.url


def test_rel_canonical_on_another_host_is_accepted() -> None:
    head = '<link rel="canonical" href="https://www.bakery-news.example/food/bakery-reopens">'
    assert url_of(head) == "https://www.bakery-news.example/food/bakery-reopens"


def test_relative_canonical_is_resolved_against_the_page() -> None:
    assert url_of('<link rel="canonical" href="/food/bakery-reopens#top">') == (
        "http://127.0.0.1:8000/food/bakery-reopens"
    )


def test_og_url_when_there_is_no_rel_canonical() -> None:
    head = '<meta property="og:url" content="https://bakery.example/food/bakery-reopens?amp=1">'
    assert url_of(head) == "https://bakery.example/food/bakery-reopens"


@pytest.mark.parametrize(
    "head",
    [
        '<link rel="canonical" href="javascript:void(0)">',
        '<meta property="og:url" content="ftp://bakery.example/food/bakery-reopens">',
        '<meta property="og:type" content="article"><link rel="canonical" href="/">',
    ],
)
def test_untrustworthy_canonicals_fall_back_to_the_page_url(head: str) -> None:
    url = "https://bakery.example/food/bakery-reopens?utm_campaign=spring"
    assert url_of(head, url) == "https://bakery.example/food/bakery-reopens"
