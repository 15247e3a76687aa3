"""Extraction: a page's HTML in, an Article (or None) out. Pure: no I/O, no clock.

Layout, from the top down:

- this module, the entry point: `extract_article()` runs the steps below in order;
- `detect`: whether the page is an article at all (home, section, tag, search pages are not);
- `fields/`: the field readers, one module per field of an Article (title, authors, timestamps,
  body, and the smaller metadata fields), each taking its sources in order of trust;
- `primitives/`: what the readers share and what holds no field logic of its own: the parsed
  page with its meta tags and JSON-LD, text blocks, page furniture and the lines a site adds
  inside its stories, headline blocks, person and site names, shingles.

Date parsing, decoding and URLs live beside this package in `crawler.dates`, `crawler.encoding`
and `crawler.urls`, because feed and sitemap discovery uses them too.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime
from types import MappingProxyType

from crawler.article import Article
from crawler.encoding import decode_html
from crawler.extract.detect import (
    has_article_signal,
    lacks_story_signs,
    lists_teasers,
    looks_like_listing,
)
from crawler.extract.fields import authors, metadata, timestamps, title
from crawler.extract.fields.body import extract_body
from crawler.extract.primitives.page import Page, element_text, parse_tree

__all__ = ["article_to_json", "extract_article"]

logger = logging.getLogger(__name__)

_NO_SELECTORS: Mapping[str, str] = MappingProxyType({})

_BLOCKS = ".//p | .//h2 | .//h3 | .//h4 | .//li | .//blockquote | .//pre"


def extract_article(
    html: bytes | str,
    url: str,
    *,
    selectors: Mapping[str, str] = _NO_SELECTORS,
    headers: Mapping[str, str] | None = None,
    now: datetime | None = None,
) -> Article | None:
    """The article a page holds, or None when it is not an article page. Never raises.

    `selectors` maps Article fields (title, subtitle, authors, published, modified, body,
    section, tags) to CSS selectors that win over every generic source; `headers` are the HTTP
    response's (for the charset and language); `now` bounds plausible dates (without it,
    nothing reads the clock and only dates after 2199 are implausible).

    Each field comes from the first source that has it: the selectors, JSON-LD, OpenGraph and
    other meta tags, microdata, <time> elements, visible bylines.
    """
    try:
        return _extract(html, url, selectors, headers, now)
    except Exception:  # a bad page must never stop a crawl; the tests fuzz for this
        logger.warning("extraction failed for %s", url, exc_info=True)
        return None


def _extract(
    html: bytes | str,
    url: str,
    selectors: Mapping[str, str],
    headers: Mapping[str, str] | None,
    now: datetime | None,
) -> Article | None:
    text = decode_html(html, headers) if isinstance(html, bytes) else html
    tree = parse_tree(text)
    if tree is None:
        return None
    page = Page(tree, url)
    canonical = metadata.url(page)
    if looks_like_listing(page, url, canonical):
        return None
    headline = title.title(page, selectors)
    if not headline:
        return None
    published = timestamps.published(page, selectors, now)
    if lists_teasers(page, url, canonical, published):
        return None  # a list of stories; its date is a teaser's
    article = Article(
        url=canonical,
        title=headline,
        body="",
        subtitle=metadata.subtitle(page, selectors, headline),
        authors=authors.authors(page, selectors),
        published=published,
        modified=timestamps.modified(page, selectors, now, published),
        language=metadata.language(page, headers),
        section=metadata.section(page, selectors),
        tags=metadata.tags(page, selectors),
        image=metadata.image(page),
    )
    if lacks_story_signs(page, url, headline, byline=bool(article.authors)):
        return None  # a service, shop, course or documentation page
    body = _selected_body(page, selectors) or extract_body(tree, url=url)
    if not body and not has_article_signal(page) and published is None:
        return None
    return replace(article, body=body)


def _selected_body(page: Page, selectors: Mapping[str, str]) -> str:
    """The body from the site's selector, paragraph by paragraph; "" without a selector."""
    paragraphs: list[str] = []
    for element in page.select(selectors, "body"):
        if isinstance(element, str):
            paragraphs.append(" ".join(element.split()))
            continue
        blocks = element.xpath(_BLOCKS)
        texts = [element_text(b) for b in blocks] if blocks else [element_text(element)]
        paragraphs.extend(t for t in texts if t)
    return "\n\n".join(paragraphs)


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def article_to_json(article: Article) -> dict[str, object]:
    """A JSON-ready dict of an article: dates as ISO 8601 strings, tuples as lists."""
    return {
        "url": article.url,
        "title": article.title,
        "subtitle": article.subtitle,
        "authors": list(article.authors),
        "published": _iso(article.published),
        "modified": _iso(article.modified),
        "language": article.language,
        "section": article.section,
        "tags": list(article.tags),
        "image": article.image,
        "body": article.body,
    }
