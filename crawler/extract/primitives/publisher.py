"""The site behind a page: the names it goes by, the person a personal site is named after,
and the key titles and names compare by.

A primitive: field readers use it to tell a site's name from a headline or an author.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from crawler.extract.primitives.jsonld import texts, types_of
from crawler.extract.primitives.page import Page, element_text
from crawler.extract.primitives.people import clean_names, looks_like_name


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


_COPYRIGHT = re.compile(
    r"(?:\u00a9|\(c\)|copyright)\s*(?:\d{4}\s*[-\u2013]?\s*)*(?P<name>[^.|\u00b7\u2022]{4,60})",
    re.IGNORECASE,
)
_TITLE_PARTS = re.compile(r"\s+[|\-\u2013\u2014\u00b7\u2022]\s+")
_GENERIC_LABELS = frozenset({"blog", "news", "www", "shop", "store", "home", "docs", "app", "my"})


def site_owner(page: Page) -> list[str]:
    """The person a personal site is named after, when its address spells the name: the
    copyright holder ("\u00a9 2025 Jane Doe" on janedoe.example), or the site's name when the
    address is one of its two words ("Jane Doe" on jane.example). A site whose name is also
    given shorter ("Parkview" beside "Parkview Health") is an organisation's."""
    host = (urlsplit(page.url).hostname or "").removeprefix("www.")
    label = host.split(".")[0].casefold()
    if len(label) < 3 or label in _GENERIC_LABELS:
        return []
    footers = [element_text(e) for e in page.tree.xpath("//footer")[-1:]]
    for text in footers:
        match = _COPYRIGHT.search(text)
        if match is None or re.search(r"\b\w{1,3}$", match.group("name").strip()):
            continue  # "\u00a9 Acme Int. All rights reserved": an abbreviation ends it
        names = clean_names([match.group("name")])
        if len(names) == 1 and looks_like_name(names[0]) and len(names[0].split()) <= 3:
            words = [w.casefold() for w in re.findall(r"\w+", names[0])]
            if label == "".join(words) or label in words:
                return names
    sites = site_names(page, with_host=False)
    titles = [element_text(e) for e in page.tree.xpath("//title")[:1]]
    tails = [_TITLE_PARTS.split(t)[-1] for t in titles if _TITLE_PARTS.search(t)]
    keys = {" ".join(re.findall(r"\w+", site.casefold())) for site in sites}
    dotted = {" ".join(re.findall(r"\w+", site.casefold())) for site in sites if "." in site}
    for candidate in [*sites, *tails]:
        words = re.findall(r"\w+", candidate.casefold())
        if len(words) != 2 or min(len(w) for w in words) < 3:
            continue
        if "." in candidate or " ".join(words) in dotted:  # "Acme Int.", "acme.example"
            continue
        if label not in words or any(k and k != " ".join(words) and k in words for k in keys):
            continue
        names = clean_names([candidate])
        if len(names) == 1 and looks_like_name(names[0]):
            return names
    return []
