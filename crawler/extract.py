"""The one entry point of extraction: a page's HTML in, an Article (or None) out. Pure."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime
from types import MappingProxyType
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from crawler import bylines, metadata, timestamps, titles
from crawler.article import Article
from crawler.body import extract_body
from crawler.encoding import decode_html
from crawler.jsonld import NOT_ARTICLE_TYPES
from crawler.page import Page, element_text, parse_tree
from crawler.urls import is_home_page

if TYPE_CHECKING:  # only the type: extraction reads nothing from the catalog
    from crawler.sites import Site

logger = logging.getLogger(__name__)

_NO_SELECTORS: Mapping[str, str] = MappingProxyType({})

_LISTING_PATH = re.compile(
    r"/(?:tags?|category|categories|topics?|themen?|rubrik|section|sections|archives?|"
    r"authors?|search|suche|recherche|page/\d+)(?:/|$)",
    re.IGNORECASE,
)
_SEARCH_QUERY = re.compile(r"(?:^|&)(?:q|s|query|search|keys|term)=", re.IGNORECASE)
_NOT_ARTICLE_OG = frozenset(
    {"website", "product", "product.item", "profile", "book", "video.other"}
)
_BLOCKS = ".//p | .//h2 | .//h3 | .//h4 | .//li | .//blockquote | .//pre"


def extract_article(
    html: bytes | str,
    url: str,
    *,
    site: Site | None = None,
    headers: Mapping[str, str] | None = None,
    now: datetime | None = None,
) -> Article | None:
    """The article a page holds, or None when it is not an article page. Never raises.

    Each field comes from the first source that has it: the site's selectors, JSON-LD,
    OpenGraph and other meta tags, microdata, <time> elements, visible bylines.
    """
    try:
        return _extract(html, url, site.selectors if site else _NO_SELECTORS, headers, now)
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
    if _looks_like_listing(page, url, canonical):
        return None
    title = titles.title(page, selectors)
    if not title:
        return None
    published = timestamps.published(page, selectors, now)
    if (published is None or not _story_like(url)) and _has_teasers(page):
        return None  # a list of stories; its date is a teaser's
    article = Article(
        url=canonical,
        title=title,
        body="",
        subtitle=metadata.subtitle(page, selectors, title),
        authors=bylines.authors(page, selectors),
        published=published,
        modified=timestamps.modified(page, selectors, now, published),
        language=metadata.language(page, headers),
        section=metadata.section(page, selectors),
        tags=metadata.tags(page, selectors),
        image=metadata.image(page),
    )
    body = _selected_body(page, selectors) or extract_body(tree, url=url)
    if not body and not _has_article_signal(page) and published is None:
        return None
    return replace(article, body=body)


def _has_article_signal(page: Page) -> bool:
    return bool(page.article) or (page.first_meta("og:type") or "").lower() == "article"


def _looks_like_listing(page: Page, url: str, canonical: str) -> bool:
    """Home pages, section, tag, search and product pages: what a site shows that is no story."""
    if is_home_page(url) or is_home_page(canonical):
        return True
    # Some sites point every page's canonical at the home page: believe it only on pages
    # that do not otherwise say they are articles.
    declared = [*page.links.get("canonical", ())[:1], *page.meta.get("og:url", ())[:1]]
    if any(is_home_page(u) for u in declared) and not _has_article_signal(page):
        return True
    og_type = (page.first_meta("og:type") or "").lower()
    if og_type.startswith("product"):
        return True
    if _has_article_signal(page):  # a review may carry Product data and still be a story
        return False
    if page.jsonld.top_has_type(NOT_ARTICLE_TYPES):
        return True
    parts = urlsplit(url)
    if _SEARCH_QUERY.search(parts.query):
        return True
    return bool(_LISTING_PATH.search(parts.path)) and not _story_like(url)


def _story_like(url: str) -> bool:
    """A URL whose last part reads like a story's slug or id, not like a section's name."""
    segments = [s for s in urlsplit(url).path.split("/") if s]
    last = re.sub(r"\.\w{2,5}$", "", segments[-1]) if segments else ""
    return len(re.split(r"[-_]", last)) >= 4 or bool(re.search(r"\d{5,}", last))


def _has_teasers(page: Page) -> bool:
    """A page of many linked headlines with no sign of being one story: a listing."""
    if _has_article_signal(page):
        return False
    og_type = (page.first_meta("og:type") or "website").lower()
    teasers = page.tree.xpath("count(//article) + count(//h2[.//a] | //h3[.//a])")
    return og_type in _NOT_ARTICLE_OG and isinstance(teasers, float) and teasers >= 8


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
