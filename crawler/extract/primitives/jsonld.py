"""Read schema.org JSON-LD blocks, forgiving the malformed JSON that real pages ship."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from typing import Any

# Types that end in "article" or "posting" (NewsArticle, ReportageNewsArticle, BlogPosting,
# LiveBlogPosting, ...) are articles too.
ARTICLE_TYPES = frozenset({"report", "reportage", "reportagenews", "scholarlyarticle"})
_ARTICLE_SUFFIXES = ("article", "posting")
# Types that, as a page's own top-level object, say it is not a story. Nested ones (a related
# ItemList, an Offer inside a deals story) say nothing about the page.
NOT_ARTICLE_TYPES = frozenset(
    {
        "product",
        "productgroup",
        "collectionpage",
        "searchresultspage",
        "itemlist",
        "profilepage",
        "store",
        "jobposting",
    }
)

# Page types that, as the page's own top-level object, say it lists stories or people, even
# when the page calls itself og:type "article" or its list holds NewsArticle objects.
LISTING_PAGE_TYPES = frozenset({"collectionpage", "searchresultspage", "profilepage"})
_LIST_TYPES = frozenset({"itemlist", *LISTING_PAGE_TYPES})

_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_WRAPPER = re.compile(
    r"^\s*(?:<!--|//\s*<!\[CDATA\[|/\*\s*<!\[CDATA\[\s*\*/|<!\[CDATA\[)|"
    r"(?:-->|//\s*\]\]>|/\*\s*\]\]>\s*\*/|\]\]>)\s*$"
)

Node = dict[str, Any]


def _loads(text: str) -> list[Any]:
    """Every JSON value in `text`, repairing the usual faults; [] when nothing can be read."""
    cleaned = _WRAPPER.sub("", text).strip().rstrip(";")
    if not cleaned:
        return []
    for candidate in (cleaned, _TRAILING_COMMA.sub(r"\1", _CONTROL.sub(" ", cleaned))):
        values: list[Any] = []
        decoder = json.JSONDecoder(strict=False)
        position = 0
        try:
            while position < len(candidate):
                value, position = decoder.raw_decode(candidate, position)
                values.append(value)
                while position < len(candidate) and candidate[position] in " \t\r\n;,":
                    position += 1
        except (ValueError, RecursionError):
            if not values:
                continue
        return values
    return []


def _walk(value: Any, depth: int = 0) -> Iterator[Node]:
    """Every object in a JSON-LD value, outer ones first, following @graph and nesting."""
    if depth > 12:
        return
    if isinstance(value, list):
        for item in value:
            yield from _walk(item, depth + 1)
    elif isinstance(value, dict):
        yield value
        for key, item in value.items():
            if isinstance(item, dict | list) and key not in {"author", "publisher", "creator"}:
                yield from _walk(item, depth + 1)


def types_of(node: Node) -> set[str]:
    """The node's @type values, lowercased, without a schema.org prefix."""
    raw = node.get("@type")
    names = raw if isinstance(raw, list) else [raw]
    return {n.rsplit("/", 1)[-1].rsplit(":", 1)[-1].lower() for n in names if isinstance(n, str)}


def is_article(node: Node) -> bool:
    """True for schema.org article types: NewsArticle, BlogPosting, ReportageNewsArticle, ..."""
    names = types_of(node)
    return bool(names & ARTICLE_TYPES) or any(n.endswith(_ARTICLE_SUFFIXES) for n in names)


class JsonLd:
    """All JSON-LD objects of a page, with lookup of objects by @id."""

    def __init__(self, scripts: list[str]) -> None:
        self.nodes: list[Node] = []
        self.top: list[Node] = []  # objects at the top of a script or of its @graph
        for script in scripts:
            for value in _loads(script):
                self.nodes.extend(_walk(value))
                for item in value if isinstance(value, list) else [value]:
                    graph = item.get("@graph") if isinstance(item, dict) else None
                    for node in [item, *(graph if isinstance(graph, list) else [])]:
                        if isinstance(node, dict):
                            self.top.append(node)
        self._articles: list[Node] | None = None
        self.by_id: dict[str, Node] = {}
        for node in self.nodes:
            ident = node.get("@id")
            if isinstance(ident, str) and ident not in self.by_id and len(node) > 1:
                self.by_id[ident] = node

    def resolve(self, value: Any) -> Any:
        """A reference {"@id": ...} replaced by the object it names, when the page has it."""
        if isinstance(value, dict) and set(value) == {"@id"}:
            return self.by_id.get(str(value["@id"]), value)
        return value

    def articles(self) -> list[Node]:
        """The page's own article objects, those with a headline first.

        Top-level objects (in a script or its @graph) when there are any; otherwise the first
        nested one, as in WebPage.mainEntity. Articles nested beside a top-level one are
        teasers of other stories and are left out.
        """
        if self._articles is None:
            found = [n for n in self.top if is_article(n)]
            if not found:
                found = [n for n in self.nodes if is_article(n)][:1]
            self._articles = sorted(found, key=lambda n: not (n.get("headline") or n.get("name")))
        return self._articles

    def top_has_type(self, wanted: frozenset[str]) -> bool:
        """True when a top-level object (not one nested in another) has one of `wanted` types."""
        return any(types_of(n) & wanted for n in self.top)

    def declares_listing(self) -> bool:
        """True when the page's own top-level object is a collection, search results or a
        profile (or a WebPage whose mainEntity is a list) and no top-level object is an article.
        """
        if any(is_article(n) for n in self.top):
            return False
        for node in self.top:
            if types_of(node) & LISTING_PAGE_TYPES:
                return True
            main = self.resolve(node.get("mainEntity"))
            if (
                "webpage" in types_of(node)
                and isinstance(main, dict)
                and types_of(main) & _LIST_TYPES
            ):
                return True
        return False


def texts(value: Any) -> list[str]:
    """Plain strings in a JSON-LD value: a string, a list of them, or objects' name/@value."""
    if isinstance(value, str):
        return [" ".join(html.unescape(value).split())]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return [str(value)]
    if isinstance(value, list):
        return [text for item in value[:50] for text in texts(item)]
    if isinstance(value, dict):
        for key in ("name", "@value", "url", "contentUrl"):
            if key in value:
                return texts(value[key])
    return []
