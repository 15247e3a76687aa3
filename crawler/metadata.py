"""Article fields from a parsed page, each from its sources in order of trust."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

from crawler.authors import clean_names, is_site_name, looks_like_name
from crawler.jsonld import texts, types_of
from crawler.page import Page, element_text
from crawler.urls import absolute_http_url, canonical_url, is_home_page

_SITE_SEPARATOR = re.compile(
    r"\s+[|\-\u2013\u2014\u00b7\u2022\u00bb*:/]{1,2}\s+|\s*[|\uff5c\uff1a]\s*"
)
_SAFE_SEPARATOR = re.compile(r"\s*[|\uff5c]\s*|\s+[\u00b7\u2022\u00bb*/]\s+")
_DASH = re.compile(r"\s+[-\u2013\u2014]\s+")
_DOMAIN = re.compile(
    r"\b[\w-]+\.(?:com|net|org|co|de|at|ch|fr|it|es|uk|be|nl|ca|au|in|io|news)\b", re.IGNORECASE
)


def title_key(text: str) -> str:
    """The comparison form of a title: NFKC, casefolded, word characters only."""
    return " ".join(re.findall(r"\w+", unicodedata.normalize("NFKC", text).casefold()))


def site_names(page: Page, *, with_host: bool = True) -> list[str]:
    """Names the site goes by: og:site_name, the JSON-LD publisher, its host's main label."""
    names = [
        *page.meta.get("og:site_name", ()),
        *page.meta.get("application-name", ()),
        *page.meta.get("apple-mobile-web-app-title", ()),
    ]
    publisher = page.jsonld.resolve(page.article.get("publisher"))
    names.extend(texts(publisher)[:3] if isinstance(publisher, dict | list) else [])
    for node in page.jsonld.nodes:
        if types_of(node) & {"website", "organization", "newsmediaorganization"}:
            names.extend(t for t in texts(node.get("name")) if isinstance(t, str))
    host = (urlsplit(page.url).hostname or "").removeprefix("www.")
    if host and with_host:
        names.extend([host, host.split(".")[0]])
    return [n for n in dict.fromkeys(n.strip() for n in names) if n]


def _is_site(segment: str, sites: list[str]) -> bool:
    key = title_key(segment)
    if not key or _DOMAIN.search(segment):
        return True
    compact = key.replace(" ", "")
    for site in sites:
        site_key = title_key(site)
        if not site_key:
            continue
        if compact == site_key.replace(" ", ""):
            return True
        padded, site_padded = f" {key} ", f" {site_key} "
        if len(key) < 40 and (padded in site_padded or site_padded in padded):
            return True
        if " " not in site_key and _abbreviates(key, site_key):
            return True
    return False


def _abbreviates(key: str, label: str) -> bool:
    """True when a host label abbreviates a name: "nytimes" for "The New York Times"."""
    words = key.split()
    if words[:1] == ["the"]:
        words = words[1:]
    if len(words) < 2 or len(label) < 2:
        return False
    initials = "".join(w[0] for w in words)
    return label in {initials, initials[:-1] + words[-1]}


def _is_removable(segment: str, sites: list[str]) -> bool:
    """A title segment that names the site, a date, or an author rather than the story."""
    stripped = segment.strip()
    if re.fullmatch(r"[\d\s./:-]{6,}", stripped) or re.match(r"(?i)by\s", stripped):
        return True
    return _is_site(stripped, sites)


def strip_site_name(title: str, sites: list[str]) -> str:
    """A title without the site's name and what hangs off it: "Headline - Section | Site"."""
    text = " ".join(title.split())
    for site in sites:  # "Site: Headline"
        if len(site) > 2 and text.casefold().startswith(site.casefold() + ":"):
            text = text[len(site) + 1 :].strip()
            break
    pieces = _SITE_SEPARATOR.split(text)
    separators = _SITE_SEPARATOR.findall(text)
    # "Headline | Site | Section - Date": the site's name ends the headline.
    cut = next((i for i in range(1, len(pieces)) if _is_site(pieces[i], sites)), len(pieces))
    del pieces[cut:], separators[cut - 1 :]
    while len(pieces) > 1 and _is_removable(pieces[-1], sites):
        pieces.pop()
        separators.pop()
    while len(pieces) > 1 and _is_removable(pieces[0], sites):
        pieces.pop(0)
        separators.pop(0)
    if len(pieces) > 1:
        # "Headline | Section" or "Headline - Section": a short tail after a long headline.
        head, tail = " ".join(pieces[:-1]).split(), pieces[-1].split()
        limit, minimum = (3, 3) if _SAFE_SEPARATOR.fullmatch(separators[-1]) else (2, 5)
        if _DASH.fullmatch(separators[-1]) and not all(w[:1].isupper() for w in tail):
            limit = 0
        if len(tail) <= limit and len(head) >= minimum:
            pieces.pop()
            separators.pop()
    result = pieces[0] + "".join(
        sep + piece for sep, piece in zip(separators, pieces[1:], strict=True)
    )
    return result.strip() or text


def _article_values(page: Page, *keys: str) -> Iterator[Any]:
    """The values of `keys` in the page's article objects, main article first."""
    for node in [page.article, *page.jsonld.articles()]:
        for key in keys:
            if key in node:
                yield page.jsonld.resolve(node[key])


def _first_text(page: Page, key: str) -> str | None:
    return next((t for v in _article_values(page, key) for t in texts(v) if t), None)


def _selected_texts(page: Page, selectors: Mapping[str, str], field: str) -> list[str]:
    return [t for t in (element_text(e) for e in page.select(selectors, field)) if t]


def title(page: Page, selectors: Mapping[str, str]) -> str | None:
    """The headline: site selector, JSON-LD, OpenGraph, other meta, <title>, then <h1>.

    Site names, dates and bylines around the text are removed; a headline that another source
    shows to be cut short is replaced by the full one.
    """
    chosen = _selected_texts(page, selectors, "title")
    if chosen:
        return chosen[0]
    sites = site_names(page)
    raw = [
        _first_text(page, "headline"),
        page.first_meta("og:title"),
        page.first_meta("twitter:title"),
        _first_text(page, "name"),
        *page.microdata("headline")[:1],
        page.first_meta("parsely-title", "sailthru.title", "dc.title", "dcterms.title"),
        *(element_text(e) for e in page.tree.xpath("//title")[:1]),
        *(element_text(e) for e in page.tree.xpath("//h1")[:1]),
    ]
    sections = [t for v in _article_values(page, "articleSection") for t in texts(v)]
    sites = [*sites, *sections, *page.meta.get("article:section", ())]
    candidates = [strip_site_name(c, sites) for c in raw if c and c.strip() and len(c) < 1000]
    candidates = [c for c in candidates if title_key(c)]
    if not candidates:
        return None
    best = candidates[0]
    stem = best.rstrip(".\u2026 ")
    for other in candidates[1:]:
        rest = other[len(stem) :].lstrip() if other.startswith(stem) else ""
        if len(stem) >= 40 and rest[:1].isalnum():
            return other  # the first source cut the headline short
    return best


def subtitle(page: Page, selectors: Mapping[str, str], headline: str | None) -> str | None:
    """The standfirst: site selector, JSON-LD, then the description meta tags."""
    chosen = _selected_texts(page, selectors, "subtitle")
    candidates = chosen + [
        t for v in _article_values(page, "alternativeHeadline", "description") for t in texts(v)
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


def _jsonld_people(page: Page) -> list[str]:
    names: list[str] = []
    for value in _article_values(page, "author", "creator"):
        for item in value if isinstance(value, list) else [value]:
            item = page.jsonld.resolve(item)
            names.extend(t for t in texts(item.get("name") if isinstance(item, dict) else item))
        if names:
            break
    return names


def _microdata_people(page: Page) -> list[str]:
    """itemprop=author names of the first item that has any (not of teasers further down)."""
    names: list[str] = []
    scope = None
    for element in page.itemprops.get("author", ()):
        owner = next(iter(element.xpath("ancestor::*[@itemscope][1]")), None)
        if scope is not None and owner is not scope:
            continue
        named = element.xpath(".//*[@itemprop='name']")
        value = (named[0].get("content") or element_text(named[0])) if named else None
        if value is None:
            value = element.get("content") or element_text(element)
        if value:
            names.append(value)
            scope = owner
    return names


_BYLINE_XPATH = (
    "//a[contains(concat(' ', normalize-space(@rel), ' '), ' author ')]"
    " | //*[contains(@class, 'byline') or contains(@class, 'Byline')"
    " or contains(@class, 'author') or contains(@class, 'Author')]"
    "[not(ancestor::footer or ancestor::nav or ancestor::aside"
    " or ancestor::*[contains(@class, 'comment')])]"
)


def _bylines(page: Page) -> list[str]:
    """Names in the first element marked as a byline or author that holds any."""
    for element in page.tree.xpath(_BYLINE_XPATH)[:30]:
        if element.tag in {"script", "style", "meta", "link", "img", "body", "html"}:
            continue
        leaves = [e for e in element.iter() if isinstance(e.tag, str) and len(e) == 0]
        texts_ = [element_text(e) for e in leaves] if len(leaves) > 1 else [element_text(element)]
        names = [
            n for n in clean_names(t for t in texts_ if 0 < len(t) < 120) if looks_like_name(n)
        ]
        if names:
            return names
    return []


_AUTHOR_LINK = re.compile(
    r"/(?:authors?|autor(?:en|in)?|auteurs?|autore|autori|journalists?|reporters?|people|"
    r"staff|profiles?|redaktion|writers?|columnists?)/[^/?#]+",
    re.IGNORECASE,
)


def _author_links(page: Page) -> list[str]:
    """Names on links to author pages (".../author/jane-doe"), from the first group of them."""
    links = [a for a in page.tree.iter("a") if _AUTHOR_LINK.search(a.get("href") or "")]
    for link in links[:20]:
        if not looks_like_name(" ".join(clean_names([element_text(link)])[:1])):
            continue
        group = link.getparent()
        group = group.getparent() if group is not None and group.getparent() is not None else group
        siblings = [a for a in links if group is not None and group in a.iterancestors()]
        texts_ = [element_text(a) for a in siblings[:6]] or [element_text(link)]
        return [n for n in clean_names(texts_) if looks_like_name(n)]
    return []


def _twitter_labelled_author(page: Page) -> list[str]:
    """Yoast's "Written by" label/data pairs in twitter:labelN / twitter:dataN."""
    for index in range(1, 4):
        label = (page.first_meta(f"twitter:label{index}") or "").casefold()
        if label in {"written by", "author", "autor", "von", "geschrieben von", "verfasst von"}:
            return page.meta.get(f"twitter:data{index}", [])[:1]
    return []


def authors(page: Page, selectors: Mapping[str, str]) -> tuple[str, ...]:
    """Person names, from the first source naming people; the site's name only if alone."""
    sites = site_names(page, with_host=False)
    host = (urlsplit(page.url).hostname or "").removeprefix("www.")
    hosts = [host, host.split(".")[0]] if host else []
    meta_names: list[str] = []
    for name in (
        "author",
        "article:author",
        "parsely-author",
        "sailthru.author",
        "dc.creator",
        "dcterms.creator",
        "byl",
        "citation_author",
        "cxenseparse:author",
        "twitter:misc:written by",
    ):
        meta_names.extend(page.meta.get(name, ()))
    meta_names.extend(_twitter_labelled_author(page))
    sources: list[Callable[[], list[str]]] = [
        lambda: _selected_texts(page, selectors, "authors"),
        lambda: _jsonld_people(page),
        lambda: meta_names,
        lambda: _microdata_people(page),
        lambda: _author_links(page),
        lambda: _bylines(page),
    ]
    fallback: list[str] = []
    for source in sources:
        names = clean_names(source())
        people = [n for n in names if not is_site_name(n, sites, hosts)]
        if people:
            return tuple(people)
        fallback = fallback or names
    return tuple(fallback)


def language(page: Page, headers: Mapping[str, str] | None) -> str | None:
    """The page's language tag, "en" or "en-US": <html lang>, og:locale, JSON-LD, headers."""
    header = next((v for k, v in (headers or {}).items() if k.lower() == "content-language"), None)
    candidates = [
        page.tree.get("lang"),
        page.tree.get("xml:lang"),
        page.first_meta("og:locale"),
        *(t for v in _article_values(page, "inLanguage") for t in texts(v)),
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
    candidates = _selected_texts(page, selectors, "section")
    candidates += [t for v in _article_values(page, "articleSection") for t in texts(v)]
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
        _selected_texts(page, selectors, "tags"),
        [t for v in _article_values(page, "keywords") for t in texts(v)],
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
        *(t for v in _article_values(page, "image", "thumbnailUrl") for t in texts(v)),
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
    """The canonical URL: rel=canonical or og:url when trustworthy, else the page URL."""
    for candidate in [*page.links.get("canonical", ())[:1], *page.meta.get("og:url", ())[:1]]:
        resolved = absolute_http_url(candidate, page.url)
        if resolved and not is_home_page(resolved):
            return canonical_url(resolved)
    return canonical_url(page.url)
