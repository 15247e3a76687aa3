"""Split a cleaned HTML tree into text blocks and find the element that holds the article.

A block is a run of text between block-level boundaries (a paragraph, a heading, a list item, the
text of a div). Each block knows the element that owns it and how much of its text is link text.
The main element is the one whose blocks add up to the highest score: long, link-poor blocks count
for, short or link-heavy blocks count against, so the best element covers all article paragraphs
and as little around them as it can.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import lxml.etree  # type: ignore[import-untyped, unused-ignore]
import lxml.html  # type: ignore[import-untyped, unused-ignore]


def word_set(text: str) -> frozenset[str]:
    """A set of names written as one space-separated string."""
    return frozenset(text.split())


BLOCK_TAGS = word_set(
    "address article aside blockquote body center dd details div dl dt fieldset figcaption figure "
    "footer form h1 h2 h3 h4 h5 h6 header hr html li main nav ol p pre section summary table "
    "tbody td tfoot th thead tr ul"
)
HEADINGS = word_set("h2 h3 h4 h5 h6")
# Han, kana, Hangul and full-width forms.
_CJK = re.compile(
    "[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]"
)
_SPACES = re.compile(r"[^\S\n]+")
_LINES = re.compile(r"\s*\n\s*")


@dataclass
class Block:
    """A run of text owned by one block-level element."""

    owner: lxml.html.HtmlElement
    text: str
    link_chars: int

    @property
    def link_density(self) -> float:
        return self.link_chars / len(self.text) if self.text else 0.0


def _clean(joined: str) -> str:
    text = _SPACES.sub(" ", joined)
    return _LINES.sub("\n", text).strip()


def split_blocks(root: lxml.html.HtmlElement) -> list[Block]:
    """The text blocks of `root` in document order; empty runs are skipped."""
    blocks: list[Block] = []
    owners: list[lxml.html.HtmlElement] = [root]
    parts: list[str] = []
    link_parts: list[int] = [0]
    in_link = 0

    def flush() -> None:
        joined = "".join(parts)
        if not joined.isspace():  # most runs between two boundaries are only whitespace
            text = _clean(joined)
            if text:
                blocks.append(Block(owners[-1], text, min(link_parts[0], len(text))))
        parts.clear()
        link_parts[0] = 0

    # This runs for every element of a page, twice: texts are added inline, and a boundary
    # with no text since the last one has nothing to flush (nor any link text counted).
    for event, el in lxml.etree.iterwalk(root, events=("start", "end")):
        tag = el.tag
        if not isinstance(tag, str):  # comments, processing instructions
            if event == "end":
                text = el.tail
                if text:
                    parts.append(text)
                    if in_link:
                        link_parts[0] += len(text.strip())
            continue
        if event == "start":
            if tag in BLOCK_TAGS:
                if parts:
                    flush()
                owners.append(el)
            elif tag == "br":
                parts.append("\n")
            elif tag == "a":
                in_link += 1
            text = el.text
        else:
            if tag in BLOCK_TAGS:
                if parts:
                    flush()
                owners.pop()
            elif tag == "a":
                in_link -= 1
            text = el.tail if el is not root else None
        if text:
            parts.append(text)
            if in_link:
                link_parts[0] += len(text.strip())
    if parts:
        flush()
    return blocks


def reading_length(text: str) -> int:
    """The length of `text` in Latin letters' worth: a Chinese, Japanese or Korean character
    says about as much as three letters, so dense CJK prose is not taken for a label or blurb.
    """
    if text.isascii():  # known without a look at the characters
        return len(text)
    return len(text) + 2 * len(_CJK.findall(text))


def block_weight(block: Block) -> float:
    """How much a block says "article text" (positive) or "page furniture" (negative)."""
    size = reading_length(block.text)
    density = block.link_density
    if density > 0.5:
        return -float(size)
    if size >= 80:
        return size * (1.0 - 2 * density)
    return -0.3 * size


def main_element(blocks: list[Block]) -> lxml.html.HtmlElement | None:
    """The element whose blocks sum to the highest weight, or None if no block counts."""
    totals: dict[lxml.html.HtmlElement, float] = {}
    for block in blocks:
        weight = block_weight(block)
        owner = block.owner
        totals[owner] = totals.get(owner, 0.0) + weight
        for ancestor in owner.iterancestors():
            totals[ancestor] = totals.get(ancestor, 0.0) + weight
    if not totals:
        return None
    best = max(totals, key=lambda el: totals[el])
    return best if totals[best] > 0 else None
