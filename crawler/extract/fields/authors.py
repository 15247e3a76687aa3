"""Who wrote a page: person names from every source that names authors, in order of trust."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from crawler.dates import parse_date
from crawler.extract.primitives.dateline import byline_labels
from crawler.extract.primitives.jsonld import texts, types_of
from crawler.extract.primitives.page import Page, element_text, short_element_text
from crawler.extract.primitives.people import (
    clean_names,
    credited_otherwise,
    is_latin,
    is_site_name,
    looks_like_name,
    name_key,
)
from crawler.extract.primitives.publisher import site_names, site_owner


def _jsonld_people(page: Page) -> list[str]:
    names: list[str] = []
    for value in page.article_values("author", "creator"):
        for item in value if isinstance(value, list) else [value]:
            item = page.jsonld.resolve(item)
            names.extend(t for t in texts(item.get("name") if isinstance(item, dict) else item))
        if names:
            break
    return names


def _shown_instead(page: Page, people: list[str]) -> list[str]:
    """The names a visible "By ..." line gives when the page shows none of the names its
    markup gives (the account that uploaded the story rather than its writer)."""
    body = page.tree.find("body")
    shown = element_text(body) if body is not None else ""
    # A name shown as written is shown by its key too (the key of a text holds the keys of
    # its parts): the page's whole text is keyed only when no name is shown as written.
    if any(n in shown for n in people):
        return []  # the page shows a name its markup gives (most do): no line is looked for
    text = name_key(shown)
    if any(name_key(n) in text for n in people):
        return []
    for source in (_by_line, _labelled_names):
        names = [n for n in clean_names(source(page)) if looks_like_name(n)]
        if names:
            break
    if not names or is_latin(names) != is_latin(people):
        return []
    return names


def _jsonld_persons(page: Page) -> set[str]:
    """Keys of the JSON-LD authors typed as a Person: people even where the site's address is
    their name (a newsletter on janedoe.example), though not where the site's name is."""
    keys: set[str] = set()
    for value in page.article_values("author", "creator"):
        for item in value if isinstance(value, list) else [value]:
            item = page.jsonld.resolve(item)
            if isinstance(item, dict) and "person" in types_of(item):
                keys.update(name_key(t) for t in texts(item.get("name")))
    return keys


def _microdata_people(page: Page) -> list[str]:
    """itemprop=author names of the first item that has any (not of teasers further down)."""
    names: list[str] = []
    scope = None
    for element in page.itemprops.get("author", ()):
        owner = next(iter(element.xpath("ancestor::*[@itemscope][1]")), None)
        if (scope is not None and owner is not scope) or credited_otherwise(element):
            continue
        named = element.xpath(".//*[@itemprop='name']")
        if named and credited_otherwise(named[0]):
            continue
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
        siblings = [a for a in siblings if not credited_otherwise(a)]
        texts_ = [element_text(a) for a in siblings[:6]] or [element_text(link)]
        return [n for n in clean_names(texts_) if looks_like_name(n)]
    return []


_FIELD_LABEL = re.compile(
    r"(?:autor(?:in)?(?:\s*/\s*autor(?:in)?)?|author|authors|author\(s\)|by|von|text|"
    r"(?:written|article|posted|words) by|"
    r"verfasser(?:in)?|auteur|autore|door|av|af|por|par)\s*:?",
    re.IGNORECASE,
)


_LABEL_TAGS = (
    *("strong", "b", "em", "span", "dt", "th", "label", "li", "p", "div", "dd"),
    *("h2", "h3", "h4", "h5", "h6"),
)
_OUTSIDE_STORY = frozenset({"nav", "footer", "aside"})
_MENUS = frozenset({"nav", "footer"})  # a label there is a menu's; in an aside, the page's facts


def _labelled_names(page: Page) -> list[str]:
    """Names after a label: <b>Autorin/Autor</b> Jane Doe, <li>Von: <a>Jane Doe</a></li>,
    <h6>Author(s)</h6><ul><li>Jane Doe</li><li>Ines Moreau</li></ul>, also in a box aside."""
    for element in page.tree.iter(*_LABEL_TAGS):
        if not element.text or not _FIELD_LABEL.fullmatch(" ".join(element.text.split())):
            continue
        if any(a.tag in _MENUS for a in element.iterancestors()):
            continue
        if len(element):  # the names are in the label's own children
            text = element_text(element)
        else:  # the names follow the label
            following = element.getnext()
            text = " ".join((element.tail or "").split())
            text = text or _list_text(following)
        names = [n for n in clean_names([text]) if looks_like_name(n)] if len(text) < 120 else []
        if names:
            return names
    return []


def _list_text(element: Any) -> str:
    """An element's text, a list's items joined by commas: <ul><li>A</li><li>B</li></ul>."""
    if element is None:
        return ""
    if element.tag in {"ul", "ol"}:
        return ", ".join(t for t in (element_text(li) for li in element.iter("li")) if t)
    return element_text(element)


# A short line that credits the story: "By Jane Doe", "Written by: Jane Doe · 4 min read",
# "Mar 24, 2025 by Jane Doe". What follows the names (a date, a separator) is cut off.
_BY_LINE = re.compile(
    r"(?:[\w ,./-]{0,20}\d{4}\s+)?(?:(?:written|article|posted|published|words|story|text)\s+)?"
    r"by:?\s+(?P<names>\S.*)",
    re.IGNORECASE,
)
_AFTER_NAMES = re.compile(
    r"\s*[|\u00b7\u2022/]\s*|\s+(?:on|in|at)\s+|\s+\d|\s*[(\u2013\u2014]|\s+-\s+"
    r"|\s+(?i:last\s+updated|updated|published)\b"
    r"|\s+(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d"
)
_BY_TAGS = (
    "p",
    "span",
    "div",
    "a",
    "li",
    "address",
    "small",
    "em",
    "strong",
    "h3",
    "h4",
    "h5",
    "h6",
)


_SAYS_BY: Any = etree.XPath(
    "//text()[not(parent::script or parent::style)][contains(translate(., 'BY', 'by'), 'by')]"
)


def _short_lines_saying_by(tree: Any, limit: int) -> Iterator[tuple[Any, str]]:
    """The elements shorter than `limit` characters that hold a text saying "by", in
    document order, with their text.  Only these can read "By Jane Doe"; they are found from
    those texts up, so that the text of no other element is read (for every element of a
    page, that is the page's text once for each level of nesting).

    The elements that hold a text and not an earlier one all begin after the earlier one, so
    taking the texts in order, and for each the elements above it not yet seen, outermost
    first, is document order."""
    seen: set[Any] = set()
    for found in _SAYS_BY(tree):
        holder = found.getparent()
        if found.is_tail:
            holder = holder.getparent()
        chain: list[tuple[Any, str]] = []
        while holder is not None and holder not in seen:
            seen.add(holder)
            text = short_element_text(holder, limit)
            if text is None:  # its ancestors are longer still
                break
            chain.append((holder, text))
            holder = holder.getparent()
        yield from reversed(chain)


def _by_line(page: Page) -> list[str]:
    """Names in the first short line of the page that reads "By Jane Doe", outside menus."""
    for element, text in _short_lines_saying_by(page.tree, 100):
        if element.tag not in _BY_TAGS or len(text) <= 3:
            continue
        match = _BY_LINE.fullmatch(text)
        if match is None or any(a.tag in _OUTSIDE_STORY for a in element.iterancestors()):
            continue
        part = _AFTER_NAMES.split(match.group("names"), maxsplit=1)[0]
        names = [n for n in clean_names([part]) if looks_like_name(n)]
        if names:
            return names
    return []


_NEAR_BY = re.compile(r"(?i)(?:(?:written|posted|article)\s+)?by:?\s+(?P<names>\S.*)")
_DATE_SEPARATOR = re.compile(r"\s+[\u00b7\u2022|]\s+")


def _near_headline(page: Page) -> list[str]:
    """Names in a short "By jane" line just under the headline, or beside its date there
    ("Dec 19, 2025 \u00b7 Jane Doe"): so near the headline, a one-word handle is a name too.
    """
    for label in byline_labels(page.tree):
        match = _NEAR_BY.fullmatch(label)
        if match is not None:
            part = _AFTER_NAMES.split(match.group("names"), maxsplit=1)[0]
            names = [
                n for n in clean_names([part]) if len(n) > 2 and not re.search(r"[^\w\s.'\-]", n)
            ]
            if names:
                return names
            continue
        pieces = _DATE_SEPARATOR.split(label)
        if len(pieces) > 1 and any(parse_date(p) for p in pieces):
            named = [p for p in pieces if not parse_date(p)]
            names = [n for n in clean_names(named) if looks_like_name(n)]
            if names:
                return names
    return []


def _beside_date(labels: list[str]) -> list[str]:
    """A name in its own element next to the story's date (<span>Jane Doe</span> <time>),
    or alone among the first short texts under the headline."""
    for index, label in enumerate(labels):
        if not parse_date(label):
            continue
        for near in labels[max(0, index - 2) : index + 3]:
            names = [n for n in clean_names([near]) if looks_like_name(n)]
            if len(names) == 1 and not parse_date(near):
                return names
    for label in labels[:3]:
        names = [n for n in clean_names([label]) if looks_like_name(n)]
        if len(names) == 1:
            return names
    return []


def _credit_line(page: Page) -> list[str]:
    """Names alone in a bold paragraph that opens or closes the story: <p><b>Jane Doe</b></p>.

    Opening means no paragraph of running text comes before it (a standfirst may), so bold
    subheadings between the story's paragraphs are not taken for names.
    """
    for paragraph in page.tree.iter("p"):
        if len(paragraph) != 1 or paragraph[0].tag not in {"strong", "b"}:
            continue
        text = element_text(paragraph)
        if not text or len(text) > 80 or text != element_text(paragraph[0]):
            continue
        if any(a.tag in _OUTSIDE_STORY for a in paragraph.iterancestors()):
            continue
        parent = paragraph.getparent()
        siblings = [p for p in parent if p.tag == "p" and element_text(p)]
        position = siblings.index(paragraph)
        opens = all(len(element_text(p)) < 100 for p in siblings[:position])
        if len(siblings) < 4 or not (opens or position == len(siblings) - 1):
            continue
        if re.search(r"[?!:;\d]", text):
            continue
        names = [n for n in clean_names([text.replace("/", " / ")]) if looks_like_name(n)]
        if names:
            return names
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
        lambda: page.selected_texts(selectors, "authors"),
        lambda: _jsonld_people(page),
        lambda: meta_names,
        lambda: _microdata_people(page),
        lambda: _author_links(page),
        lambda: _bylines(page),
        lambda: _labelled_names(page),
        lambda: _by_line(page),
        lambda: _credit_line(page),
        lambda: _near_headline(page),
    ]
    fallback: list[str] = []
    for index, source in enumerate(sources):
        raw = source()
        names = clean_names(raw)
        persons = _jsonld_persons(page) if index == 1 and names else set()
        people = [
            n for n in names if not is_site_name(n, sites, () if name_key(n) in persons else hosts)
        ]
        if people and 0 < index < _MARKED_SOURCES:
            return tuple(_shown_instead(page, people) or people)
        if people:
            return tuple(people)
        if index < _MARKED_SOURCES and not names:
            names = clean_names(raw, desks=True)  # the markup names a desk: "News Desk"
        fallback = fallback or names
    if not fallback:  # nothing names even the site: a name beside the story's date
        fallback = _beside_date(byline_labels(page.tree))
    if not fallback:  # a personal site: its owner wrote it
        fallback = site_owner(page)
    return tuple(fallback)


_MARKED_SOURCES = 4  # the selector, JSON-LD, meta tags and microdata name authors as such
