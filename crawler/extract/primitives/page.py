"""One parsed page and the raw metadata it carries: meta tags, JSON-LD, microdata, selectors."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any

import lxml.html  # type: ignore[import-untyped, unused-ignore]
from cssselect import GenericTranslator, SelectorError
from lxml import etree

from crawler.extract.primitives.jsonld import JsonLd, Node, texts
from crawler.extract.primitives.markup import close_buttons

_MAX_VALUES = 20

# lxml.html's parser picks each element's class (FormElement, InputElement, ...) in a Python
# method, called whenever lxml makes a Python object for an element: some 10,000 times a page
# here and in trafilatura, a tenth of the extraction time. This lookup picks in C, and makes
# every element a plain HtmlElement, which is all extraction uses.
_HTML_CLASSES = etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement,
    comment=lxml.html.HtmlComment,
    pi=lxml.html.HtmlProcessingInstruction,
    entity=lxml.html.HtmlEntity,
)


def parse_tree(text: str) -> lxml.html.HtmlElement | None:
    """The lxml tree of an HTML document, None when there is nothing to parse.

    The text goes to libxml2 as UTF-8 bytes: it then ignores any encoding the document
    declares and copes with control characters that lxml refuses in a str. Buttons left
    with open elements inside are closed first, and elements after a stray `</body>` moved
    back into the body, as a browser would (see `markup`).
    """
    data = close_buttons(text).encode("utf-8", errors="replace")
    if not data.strip():
        return None
    parser = etree.HTMLParser(encoding="utf-8")
    parser.set_element_class_lookup(_HTML_CLASSES)
    try:
        tree = lxml.html.document_fromstring(data, parser=parser)
    except (etree.ParserError, ValueError):
        return None
    _into_body(tree)
    _place_streamed(tree)
    return tree


def _place_streamed(tree: lxml.html.HtmlElement) -> None:
    """Put the parts a streaming React page sends late where its script puts them.

    React's streamed rendering leaves `<template id="B:1">` (or "P:1") where a part belongs
    and sends the part at the end of the body as `<div hidden id="S:1">`; a small inline
    script swaps them once both have arrived. Without the swap the part is hidden, at the
    bottom of the page, and often it is most of the story.
    """
    parts = tree.xpath("//div[@hidden][starts-with(@id, 'S:')]")
    if not parts:
        return
    slots = {t.get("id"): t for t in tree.iter("template") if t.get("id", "")[1:2] == ":"}
    for part in parts:
        key = part.get("id", "")[2:]
        slot = slots.get(f"B:{key}", slots.get(f"P:{key}"))
        parent = slot.getparent() if slot is not None else None
        if slot is None or parent is None:
            continue
        del part.attrib["hidden"]
        part.tail = slot.tail
        parent.replace(slot, part)
        _drop_fallback(part)


def _drop_fallback(part: lxml.html.HtmlElement) -> None:
    """Remove what stood in for a streamed part until it came: up to the `<!--/$-->` mark."""
    fallback = []
    for sibling in part.itersiblings():
        if not isinstance(sibling.tag, str) and (sibling.text or "").strip() == "/$":
            break
        fallback.append(sibling)
    else:
        return  # no end mark: leave the page as it is
    for element in fallback:
        part.getparent().remove(element)


def _into_body(tree: lxml.html.HtmlElement) -> None:
    """Move what libxml2 left after the document's end back into <body>, as a browser does.

    A template that prints `</body></html>` after its header, with the page going on after
    it, makes libxml2 start a second <html> beside the first, where a reader of <body> never
    looks; a browser ignores those end tags and keeps everything in the one body.
    """
    body = tree.find("body")
    if body is None:
        return
    head = tree.find("head")
    for stray in list(tree.itersiblings()):
        if not isinstance(stray.tag, str):
            continue
        parts = [stray] if stray.tag != "html" else list(stray)
        for part in parts:
            if part.tag in ("body", "head"):
                target = head if part.tag == "head" and head is not None else body
                for child in list(part):
                    target.append(child)
            elif isinstance(part.tag, str):
                body.append(part)


@lru_cache(maxsize=256)
def _css_to_xpath(selector: str) -> str | None:
    try:
        return str(GenericTranslator().css_to_xpath(selector))
    except (SelectorError, SyntaxError, ValueError):
        return None


def element_text(element: Any) -> str:
    """The visible text of an element (or the string an XPath returned), whitespace collapsed."""
    if isinstance(element, str):
        return " ".join(element.split())
    if not isinstance(element, etree._Element) or not _visible(element):
        return ""
    chunks: list[str] = []
    _collect(element, chunks)
    return " ".join(" ".join(chunks).split())


def short_element_text(element: Any, limit: int) -> str | None:
    """element_text(element) when it is shorter than `limit` characters, else None, found
    without reading more of a long element's text than the limit."""
    if not isinstance(element, etree._Element) or not _visible(element):
        return ""
    chunks: list[str] = []
    if not _collect_short(element, chunks, [limit]):
        return None
    text = " ".join(" ".join(chunks).split())
    return text if len(text) < limit else None


def _collect_short(element: Any, chunks: list[str], left: list[int]) -> bool:
    """_collect, counting down in `left` the characters other than whitespace (at most the
    collapsed text's length); False once they reach it."""
    if element.text:
        chunks.append(element.text)
        left[0] -= len("".join(element.text.split()))
        if left[0] <= 0:
            return False
    for child in element:
        if _visible(child) and not _collect_short(child, chunks, left):
            return False
        if child.tail:
            chunks.append(child.tail)
            left[0] -= len("".join(child.tail.split()))
            if left[0] <= 0:
                return False
    return True


def _collect(element: Any, chunks: list[str]) -> None:
    text = element.text
    if text:
        chunks.append(text)
    for child in element:
        tag = child.tag  # _visible(child), inline: this runs for every element of a page
        if isinstance(tag, str) and tag not in _INVISIBLE:
            _collect(child, chunks)
        tail = child.tail
        if tail:
            chunks.append(tail)


_INVISIBLE = frozenset({"script", "style", "noscript", "template"})


def _visible(node: Any) -> bool:
    return isinstance(node.tag, str) and node.tag not in _INVISIBLE


class Page:
    """A page parsed once: its tree, meta tags by name, JSON-LD, microdata, <body> classes."""

    def __init__(self, tree: lxml.html.HtmlElement, url: str) -> None:
        self.tree = tree
        self.url = url
        self.meta: dict[str, list[str]] = {}
        self.links: dict[str, list[str]] = {}
        self.itemprops: dict[str, list[Any]] = {}
        scripts: list[str] = []
        for element in tree.iter("meta", "link", "script"):
            if element.tag == "meta":
                self._add_meta(element)
            elif element.tag == "link":
                rel, href = element.get("rel"), element.get("href")
                if rel and href:
                    for name in rel.lower().split():
                        self.links.setdefault(name, []).append(href.strip())
            elif "ld+json" in (element.get("type") or "").lower() and element.text:
                scripts.append(element.text)
        for element in tree.xpath("//*[@itemprop]"):
            for name in (element.get("itemprop") or "").lower().split():
                values = self.itemprops.setdefault(name, [])
                if len(values) < _MAX_VALUES:
                    values.append(element)
        body = tree.find("body")
        classes = body.get("class") if body is not None else None
        self.body_classes = frozenset((classes or "").lower().split())
        self.jsonld = JsonLd(scripts)
        articles = self.jsonld.articles()
        self.article: Node = articles[0] if articles else {}

    def _add_meta(self, element: Any) -> None:
        content = element.get("content")
        if content is None:
            return
        content = " ".join(content.split())
        for attribute in ("property", "name", "itemprop", "http-equiv"):
            key = element.get(attribute)
            if key:
                key = " ".join(key.lower().split())
                for name in dict.fromkeys([key, *key.split()]):
                    values = self.meta.setdefault(name, [])
                    if len(values) < _MAX_VALUES and content:
                        values.append(content)

    def first_meta(self, *names: str) -> str | None:
        """The first non-empty content among meta tags named `names`, in that order."""
        for name in names:
            for value in self.meta.get(name, ()):
                if value:
                    return value
        return None

    def microdata(self, name: str) -> list[str]:
        """Values of itemprop=`name`: content/datetime attributes, else the element's text."""
        values = []
        for element in self.itemprops.get(name, ()):
            if element.tag == "meta":
                continue  # already among the meta tags
            value = element.get("content") or element.get("datetime")
            if value is None:
                value = element_text(element)
            if value:
                values.append(" ".join(value.split()))
        return values

    def select(self, selectors: Mapping[str, str], field: str) -> list[Any]:
        """Elements matched by the site's selector for `field`; [] when none or invalid."""
        selector = selectors.get(field)
        xpath = _css_to_xpath(selector) if selector else None
        if xpath is None:
            return []
        try:
            found = self.tree.xpath(xpath)
        except etree.XPathError:
            return []
        return list(found) if isinstance(found, list) else []

    def article_values(self, *keys: str) -> Iterator[Any]:
        """The values of `keys` in the page's JSON-LD article objects, main article first."""
        for node in [self.article, *self.jsonld.articles()]:
            for key in keys:
                if key in node:
                    yield self.jsonld.resolve(node[key])

    def article_text(self, key: str) -> str | None:
        """The first string under `key` in the page's JSON-LD article objects."""
        return next((t for v in self.article_values(key) for t in texts(v) if t), None)

    def selected_texts(self, selectors: Mapping[str, str], field: str) -> list[str]:
        """Texts of the elements the site's selector for `field` matches."""
        return [t for t in (element_text(e) for e in self.select(selectors, field)) if t]
