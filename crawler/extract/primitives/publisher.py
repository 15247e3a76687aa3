"""The site behind a page: the names it goes by, and the key titles and names compare by.

A primitive: field readers use it to tell a site's name from a headline or an author.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from crawler.extract.primitives.jsonld import texts, types_of
from crawler.extract.primitives.page import Page


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
