"""Article fields from a parsed page, each from its sources in order of trust.

The headline lives in `titles`, the authors in `bylines`, the dates in `timestamps`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from crawler.extract.primitives.jsonld import texts
from crawler.extract.primitives.page import Page
from crawler.extract.primitives.publisher import title_key
from crawler.urls import absolute_http_url, canonical_url


def subtitle(page: Page, selectors: Mapping[str, str], headline: str | None) -> str | None:
    """The standfirst: site selector, JSON-LD, then the description meta tags."""
    chosen = page.selected_texts(selectors, "subtitle")
    candidates = chosen + [
        t for v in page.article_values("alternativeHeadline", "description") for t in texts(v)
    ]
    candidates += [
        *page.meta.get("og:description", ()),
        *page.meta.get("description", ()),
        *page.meta.get("twitter:description", ()),
        *page.microdata("description"),
    ]
    for candidate in candidates:
        text = " ".join(candidate.split())
        if text and (headline is None or title_key(text) != title_key(headline)):
            return text
    return None


def language(page: Page, headers: Mapping[str, str] | None) -> str | None:
    """The page's language tag, "en" or "en-US": <html lang>, og:locale, JSON-LD, headers."""
    header = next((v for k, v in (headers or {}).items() if k.lower() == "content-language"), None)
    candidates = [
        page.tree.get("lang"),
        page.tree.get("xml:lang"),
        page.first_meta("og:locale"),
        *(t for v in page.article_values("inLanguage") for t in texts(v)),
        page.first_meta("content-language", "language", "dc.language"),
        header,
    ]
    for candidate in candidates:
        if not candidate:
            continue
        match = re.match(r"^\s*([A-Za-z]{2,3})(?:[-_]([A-Za-z]{2}|\d{3}))?\b", candidate)
        if match:
            region = match.group(2)
            return match.group(1).lower() + (f"-{region.upper()}" if region else "")
    return None


def section(page: Page, selectors: Mapping[str, str]) -> str | None:
    """The section the article runs in."""
    candidates = page.selected_texts(selectors, "section")
    candidates += [t for v in page.article_values("articleSection") for t in texts(v)]
    candidates += [
        *page.meta.get("article:section", ()),
        *page.meta.get("parsely-section", ()),
        *page.microdata("articlesection"),
    ]
    for candidate in candidates:
        text = " ".join(candidate.split())
        if text and len(text) < 100:
            return text
    return None


def _split_tags(values: list[str]) -> list[str]:
    tags: list[str] = []
    for value in values:
        tags.extend(p.strip() for p in re.split(r"[,;]", value) if p.strip())
    return list(dict.fromkeys(t for t in tags if len(t) < 80))[:50]


def tags(page: Page, selectors: Mapping[str, str]) -> tuple[str, ...]:
    """Keywords: site selector, JSON-LD keywords, article:tag, keyword meta tags."""
    sources = [
        page.selected_texts(selectors, "tags"),
        [t for v in page.article_values("keywords") for t in texts(v)],
        page.meta.get("article:tag", []),
        page.meta.get("news_keywords", []),
        page.meta.get("keywords", []),
        page.meta.get("parsely-tags", []),
        page.meta.get("sailthru.tags", []),
    ]
    for source in sources:
        found = _split_tags(source)
        if found:
            return tuple(found)
    return ()


def image(page: Page) -> str | None:
    """The lead image as an absolute URL."""
    candidates = [
        *(t for v in page.article_values("image", "thumbnailUrl") for t in texts(v)),
        *page.meta.get("og:image", ()),
        *page.meta.get("og:image:url", ()),
        *page.meta.get("og:image:secure_url", ()),
        *page.meta.get("twitter:image", ()),
        *page.meta.get("twitter:image:src", ()),
        *page.links.get("image_src", ()),
    ]
    for candidate in candidates:
        resolved = absolute_http_url(candidate, page.url)
        if resolved:
            return resolved
    return None


def url(page: Page) -> str:
    """The canonical URL: rel=canonical or og:url when on the same site, else the page URL."""
    for candidate in [*page.links.get("canonical", ())[:1], *page.meta.get("og:url", ())[:1]]:
        found = canonical_url(page.url, html_canonical=candidate)
        if found != canonical_url(page.url):
            return found
    return canonical_url(page.url)
