"""parse_sitemap over the shared corpus's real sitemaps, when present (skipped otherwise).

Each file must yield the number of entries its SOURCES.md row lists (urls, or the children of
an index), written by people outside this project.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.discovery import parse_sitemap

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "feeds"
if not (CORPUS / "SOURCES.md").is_file():
    pytest.skip(f"feed corpus not found at {CORPUS}", allow_module_level=True)

# Truncated on purpose; ultimate-sitemap-parser's test expects the 2 complete stories of 3.
BROKEN_ON_PURPOSE = {"usp_synthetic__test_xml_L47.xml": 2}


def _rows() -> dict[str, tuple[str, str]]:
    """file name -> (format, items) from SOURCES.md's table."""
    rows = {}
    for line in (CORPUS / "SOURCES.md").read_text(encoding="utf-8").split("\n"):
        cells = [cell.strip() for cell in line.split("|")]
        if len(cells) > 6 and cells[1].startswith("sitemaps/"):
            rows[cells[1].removeprefix("sitemaps/")] = (cells[2], cells[4])
    return rows


ROWS = _rows()
FILES = sorted(path.name for path in (CORPUS / "sitemaps").iterdir())


def test_every_sitemap_is_listed() -> None:
    assert FILES and sorted(ROWS) == FILES


@pytest.mark.parametrize("name", FILES)
def test_sitemap_yields_what_sources_lists(name: str) -> None:
    sitemap = parse_sitemap((CORPUS / "sitemaps" / name).read_bytes(), "https://example.org/s.xml")
    kind, items = ROWS[name]
    expected = BROKEN_ON_PURPOSE.get(name) or int(items)
    assert len(sitemap.entries) + len(sitemap.children) == expected
    if "+news" in kind or name in BROKEN_ON_PURPOSE:
        assert all(entry.source == "news-sitemap" and entry.title for entry in sitemap.entries)
    if kind.startswith("sitemapindex"):
        assert sitemap.kind == "sitemapindex"


def test_washington_post_news_fields_under_a_nonstandard_prefix() -> None:
    path = CORPUS / "sitemaps" / "sitemapRetriever__washingtonpost_politics_news_sitemap_2017.xml"
    first = parse_sitemap(path.read_bytes(), "https://www.washingtonpost.com/").entries[0]
    assert first.link.startswith("https://www.washingtonpost.com/politics/the-latest-roy-moore")
    assert first.title == "The Latest: Roy Moore thanks Trump in new fundraising appeal"
    assert first.published == datetime(2017, 11, 23, 2, 5, 12, tzinfo=UTC)
    assert "Roy Moore" in first.keywords and "Donald Trump" in first.keywords


def test_gzip_copy_reads_as_the_plain_one() -> None:
    plain = parse_sitemap((CORPUS / "sitemaps" / "trafilatura__sitemap.xml").read_bytes(), "x:")
    packed = (CORPUS / "sitemaps" / "trafilatura__sitemap.xml.gz").read_bytes()
    assert parse_sitemap(packed, "x:") == plain


def test_hreflang_alternates_are_not_entries() -> None:
    path = CORPUS / "sitemaps" / "trafilatura__sitemap-hreflang.xml"
    sitemap = parse_sitemap(path.read_bytes(), "https://www.example.com/")
    assert len(sitemap.entries) == 3 and len(sitemap.children) == 1
