"""The headline and the standfirst around an article body.

The headline is the page's title, not body text: blocks that repeat it are dropped. The
standfirst (the lead paragraph between headline and body) is body text: it is found between the
last <h1> and the first body block, when the page's meta description repeats it or its class
calls it a lead.
"""

from __future__ import annotations

import re

import lxml.html  # type: ignore[import-untyped, unused-ignore]

from crawler.extract.primitives.blocks import Block
from crawler.extract.primitives.shingles import Reference, words

_LEAD_WORDS = frozenset(
    [
        "lead",
        "lede",
        "standfirst",
        "summary",
        "teaser",
        "intro",
        "dek",
        "deck",
        "subtitle",
        "excerpt",
        "description",
        "abstract",
        "subline",
        "subheadline",
    ]
)
_LEAD_WINDOW = 8  # blocks looked at between the headline and the body
_LEAD_MIN_CHARS = 40
_TITLE_SEPARATORS = re.compile(
    r"\s[|\-\u2013\u2014:\u00b7]\s"
)  # "Headline | Site", "Site - Headline"
_KICKER_WORDS = 8  # words a headline block may carry besides the headline (kicker, label)


def _meta(tree: lxml.html.HtmlElement, keys: tuple[str, ...]) -> list[str]:
    found = []
    for meta in tree.iter("meta"):
        key = (meta.get("name") or meta.get("property") or "").lower()
        if key in keys:
            found.append(meta.get("content") or "")
    return found


def titles(tree: lxml.html.HtmlElement) -> list[str]:
    """The page's own titles (<title>, og:title, twitter:title), cut at site-name separators."""
    texts = [el.text_content() for el in tree.iter("title")]
    texts += _meta(tree, ("og:title", "twitter:title"))
    found = set()
    for text in texts:
        for part in _TITLE_SEPARATORS.split(text):
            if len(words(part)) >= 3:
                found.add(" ".join(words(part)))
    return sorted(found)


def is_headline(text: str, headlines: list[str]) -> bool:
    """A block that is the headline again (maybe with a kicker), not a paragraph quoting it."""
    tokens = words(text)
    joined = f" {' '.join(tokens)} "
    return any(
        f" {title} " in joined and len(tokens) <= len(title.split()) + _KICKER_WORDS
        for title in headlines
    )


def _says_lead(el: lxml.html.HtmlElement) -> bool:
    for node in (el, el.getparent()):
        if node is not None:
            names = f"{node.get('class', '')} {node.get('id', '')}"
            if not _LEAD_WORDS.isdisjoint(w.lower() for w in re.split(r"[\W_]+", names)):
                return True
    return False


def standfirst(tree: lxml.html.HtmlElement, blocks: list[Block], start: int) -> list[str]:
    """The standfirst paragraphs before blocks[start], in page order; [] when none.

    Only text between an <h1> and the body counts, so with no headline just before the body
    nothing is added.
    """
    description = Reference(
        "\n".join(_meta(tree, ("description", "og:description", "twitter:description")))
    )
    found: list[str] = []
    for i in range(start - 1, max(-1, start - 1 - _LEAD_WINDOW), -1):
        block = blocks[i]
        if block.owner.tag == "h1":
            return found[::-1]
        if len(block.text) < _LEAD_MIN_CHARS or block.link_density > 0.2:
            continue
        if description.coverage(block.text) >= 0.5 or _says_lead(block.owner):
            found.append(block.text)
    return []
