"""extract_article never raises, whatever the bytes, URL or headers."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.article import Article
from crawler.dates import parse_date
from crawler.extract import _extract, extract_article
from crawler.urls import canonical_url

FRAGMENTS = [
    "<html>",
    "<head>",
    "<title>",
    "</title>",
    "<h1>",
    "<p>",
    "</p>",
    "<article>",
    "<time datetime='2024-02-30T25:61:00+99:00'>",
    "<meta property='og:title' content='",
    "<meta property='article:published_time' content='",
    "<meta name='author' content='By , and ,'>",
    "<meta charset='utf-\x00'>",
    "<link rel='canonical' href='http://[::1'>",
    "<script type='application/ld+json'>",
    "</script>",
    '{"@type": "NewsArticle", "headline": ',
    '{"@graph": [{"@id": "x", "author": {"@id": "x"}}',
    '"author": [[[[{"name": 5}]]]]',
    '"datePublished": 1e309',
    "<?xml version='1.0' encoding='latin-1'?>",
    "<!--",
    "<![CDATA[",
    "\ufeff",
    "\x00",
    "\ud800",
    "&#0;&#xD800;&nbsp;",
    "<div class='byline'>By",
    "<span itemprop='author'>",
    "2024-05-03",
    "Mai 2024",
]

html_text = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=40)), max_size=40).map(
    "".join
)
urls = st.one_of(
    st.text(max_size=60),
    st.builds(lambda path: f"https://news.example/{path}", st.text(max_size=40)),
)
headers = st.one_of(
    st.none(),
    st.dictionaries(
        st.sampled_from(["Content-Type", "content-language", "X-Other"]),
        st.text(max_size=40),
        max_size=3,
    ),
)
NOW = datetime(2025, 1, 1, tzinfo=UTC)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=st.one_of(html_text, st.binary(max_size=600)), url=urls, headers=headers)
def test_never_raises(document: str | bytes, url: str, headers: dict[str, str] | None) -> None:
    # The code under the last-resort guard in extract_article must not raise either.
    result = _extract(document, url, {}, headers, NOW)
    assert result is None or isinstance(result, Article)
    if result is not None:
        assert result.title
        if isinstance(result.published, datetime):
            assert result.published.tzinfo is not None
            assert result.published <= datetime(2025, 1, 2, tzinfo=UTC)


@settings(max_examples=300, deadline=None)
@given(st.one_of(html_text.map(lambda t: t.encode("utf-8", "surrogatepass")), st.binary()))
def test_never_raises_on_encoded_documents(document: bytes) -> None:
    _extract(document, "https://news.example/a/b-c-d", {}, None, NOW)
    extract_article(document, "https://news.example/a/b-c-d", now=NOW)


@given(st.text(max_size=80))
def test_canonical_url_never_raises_and_is_stable(url: str) -> None:
    once = canonical_url(url)
    assert canonical_url(once) == once


@given(st.text(max_size=80))
def test_parse_date_never_raises(text: str) -> None:
    parse_date(text)
