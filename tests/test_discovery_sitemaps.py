"""Sitemaps: robots.txt lines, indexes (recent children only), urlsets, gzip, Google News."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime, timedelta

import pytest

from crawler.discovery import (
    SitemapError,
    parse_sitemap,
    recent_children,
    recent_entries,
    robots_sitemaps,
)

NOW = datetime(2024, 6, 12, 12, 0, tzinfo=UTC)
URL = "https://news.example.com/sitemap.xml"

NEWS = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:g="http://www.google.com/schemas/sitemap-news/0.9"
        xmlns:xhtml="http://www.w3.org/1999/xhtml">
  <url>
    <loc>
      https://news.example.com/2024/06/12/chip-plant/
    </loc>
    <lastmod>2024-06-12T09:30:00Z</lastmod>
    <xhtml:link rel="alternate" hreflang="de" href="https://news.example.com/de/chip-werk/"/>
    <g:news>
      <g:publication><g:name>Example News</g:name><g:language>en</g:language></g:publication>
      <g:publication_date>2024-06-12T08:00:00+02:00</g:publication_date>
      <g:title>Chip &amp; plant: a new fab for Kumamoto</g:title>
      <g:keywords>TSMC, Japan , chips,</g:keywords>
    </g:news>
  </url>
  <url><loc>/2024/06/01/older-story/</loc><lastmod>2024-06-01</lastmod></url>
  <url><loc>https://news.example.com/undated-story/</loc></url>
  <url><loc>https://news.example.com/cut-off/</loc><lastmod>2024-06-1"""


def test_news_sitemap_keeps_title_date_and_keywords() -> None:
    sitemap = parse_sitemap(NEWS, URL)
    assert sitemap.kind == "urlset"
    first, older, undated = sitemap.entries  # the cut-off <url> never closed: not an entry
    assert first.link == "https://news.example.com/2024/06/12/chip-plant/"
    assert first.source == "news-sitemap"
    assert first.title == "Chip & plant: a new fab for Kumamoto"
    assert first.published == datetime(2024, 6, 12, 6, 0, tzinfo=UTC)
    assert first.updated == datetime(2024, 6, 12, 9, 30, tzinfo=UTC)
    assert first.keywords == ("TSMC", "Japan", "chips")
    assert older.link == "https://news.example.com/2024/06/01/older-story/"
    assert older.source == "sitemap" and older.title is None
    assert older.updated == datetime(2024, 6, 1, tzinfo=UTC)
    assert undated.updated is None
    # hreflang alternates are not entries of their own
    assert all("chip-werk" not in entry.link for entry in sitemap.entries)


def test_gzip_is_read_by_its_bytes_not_its_name() -> None:
    plain = parse_sitemap(NEWS, URL)
    assert parse_sitemap(gzip.compress(NEWS), "https://news.example.com/sitemap") == plain


def test_recent_entries_drop_old_dated_ones_only() -> None:
    sitemap = parse_sitemap(NEWS, URL)
    kept = recent_entries(sitemap.entries, now=NOW, max_age=timedelta(days=3))
    assert [entry.link.rsplit("/", 2)[1] for entry in kept] == ["chip-plant", "undated-story"]


INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://news.example.com/news-sitemap.xml</loc>
    <lastmod>2024-06-12T10:00:00Z</lastmod></sitemap>
  <sitemap><loc>https://news.example.com/post-sitemap1.xml</loc>
    <lastmod>2023-01-05T10:00:00Z</lastmod></sitemap>
  <sitemap><loc>https://news.example.com/sitemap-2024-06.xml</loc></sitemap>
  <sitemap><loc>https://news.example.com/sitemap-2024-05.xml</loc></sitemap>
  <sitemap><loc>https://news.example.com/sitemaps/2024/06/10.xml</loc></sitemap>
  <sitemap><loc>https://news.example.com/category-sitemap.xml</loc></sitemap>
  <sitemap><loc>https://news.example.com/author-sitemap.xml</loc></sitemap>
  <sitemap><loc>https://news.example.com/stories.xml</loc></sitemap>
</sitemapindex>"""


def test_index_follows_only_children_that_can_hold_recent_articles() -> None:
    sitemap = parse_sitemap(INDEX, URL)
    assert sitemap.kind == "sitemapindex" and not sitemap.entries
    assert len(sitemap.children) == 8
    kept = recent_children(sitemap, now=NOW, max_age=timedelta(days=3))
    assert [child.url.removeprefix("https://news.example.com/") for child in kept] == [
        "news-sitemap.xml",  # lastmod today
        "sitemap-2024-06.xml",  # this month, by name
        "sitemaps/2024/06/10.xml",  # two days ago, by name
        "stories.xml",  # nothing says it is old, nor that it lists no articles
    ]


def test_robots_txt_sitemap_lines() -> None:
    robots = (
        b"User-agent: *\nDisallow: /private/\n"
        b"Sitemap: https://news.example.com/news-sitemap.xml\n"
        b"sitemap:/sitemap_index.xml\n"
        b"SITEMAP: https://news.example.com/news-sitemap.xml\n"
    )
    assert robots_sitemaps(robots, "https://news.example.com/robots.txt") == [
        "https://news.example.com/news-sitemap.xml",
        "https://news.example.com/sitemap_index.xml",
    ]


def test_text_sitemap_is_a_list_of_urls() -> None:
    sitemap = parse_sitemap(b"https://a.example/1\n\nhttps://a.example/2\n", URL)
    assert [entry.link for entry in sitemap.entries] == [
        "https://a.example/1",
        "https://a.example/2",
    ]


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "is empty"),
        (b"<rss><channel/></rss>", "is <rss>, not a sitemap"),
        (b"\x1f\x8b\x08garbage", "gzip that cannot be unpacked"),
        (b"hello there\n", "neither an XML sitemap nor a list of URLs"),
    ],
)
def test_what_is_no_sitemap_says_so(body: bytes, reason: str) -> None:
    with pytest.raises(SitemapError, match=reason):
        parse_sitemap(body, URL)
