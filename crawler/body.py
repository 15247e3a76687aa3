"""Article body extraction: the text a reader sees, paragraphs separated by blank lines.

Two readings of the page are combined. trafilatura (fast mode, no metadata) is precise but often
stops early: at an ad between two halves of an article, at a second body container, at a list of
short paragraphs. Our own block scorer (crawler.blocks) finds all of the article but also takes
what sits beside it. So trafilatura's paragraphs are used as seeds: the element holding them is
found in our own block tree, then grown to its parent while what the parent adds reads like more
article (long, link-poor paragraphs) and nothing like furniture. The text of that element is the
body. When trafilatura finds nothing, the best-scoring element stands in, then a JSON-LD
articleBody.
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from collections.abc import Iterator

import lxml.html  # type: ignore[import-untyped, unused-ignore]
from trafilatura import extract as _trafilatura_extract

from crawler.blocks import HEADINGS, Block, main_element, split_blocks
from crawler.boilerplate import drop_furniture, strip_non_text

logger = logging.getLogger(__name__)

_TOKEN = re.compile(r"\w+")
_MIN_SEED_TOKENS = 6  # a shorter block matches trafilatura's text by chance
_COVERED = 0.5  # share of a block's shingles trafilatura must have
_CLUSTER_SHARE = 0.25  # seed clusters this big next to the biggest are article too
_MAX_SEED_GAP = 2  # furniture blocks allowed between two seeds of one cluster
_RATIO = 2.0  # growing needs this many chars of paragraphs for each char of short text
_BADW = 1.0  # weight of link-heavy text against growing
_GOOD_CHARS = 80  # a paragraph at least this long, with few links, reads as article text


def _tokens(text: str) -> str:
    return " ".join(_TOKEN.findall(unicodedata.normalize("NFC", text)))


def _is_good(block: Block) -> bool:
    return len(block.text) >= _GOOD_CHARS and block.link_density < 0.3


def _is_bad(block: Block) -> bool:
    return block.link_density > 0.5 or block.owner.tag == "h1"


def _inside(block: Block, el: lxml.html.HtmlElement) -> bool:
    owner = block.owner
    return owner is el or any(a is el for a in owner.iterancestors())


def _common_ancestor(elements: list[lxml.html.HtmlElement]) -> lxml.html.HtmlElement:
    chain = [elements[0], *elements[0].iterancestors()]
    for el in elements[1:]:
        lineage = {id(a) for a in (el, *el.iterancestors())}
        chain = [a for a in chain if id(a) in lineage]
    return chain[0]


def _trafilatura_text(tree: lxml.html.HtmlElement, url: str) -> str:
    text = _trafilatura_extract(
        tree,
        url=url,
        fast=True,
        with_metadata=False,
        include_comments=False,
        include_tables=True,
        deduplicate=False,
    )
    return text or ""


class _Reference:
    """Another extractor's text, asked how much of a block it holds."""

    def __init__(self, text: str) -> None:
        tokens = _tokens(text)
        self.haystack = f" {tokens} "
        words = tokens.split()
        self.shingles = {tuple(words[i : i + 4]) for i in range(len(words) - 3)}

    def coverage(self, text: str) -> float:
        """The share of the text's 4-word shingles found in the reference (0 to 1)."""
        words = _tokens(text).split()
        if len(words) < 4:
            return 1.0 if words and f" {' '.join(words)} " in self.haystack else 0.0
        shingles = [tuple(words[i : i + 4]) for i in range(len(words) - 3)]
        return sum(1 for s in shingles if s in self.shingles) / len(shingles)


def _seed_cluster(blocks: list[Block], reference: _Reference) -> list[int]:
    """Indexes of the largest run of blocks found in the reference (trafilatura's text)."""
    seeds = [
        i
        for i, block in enumerate(blocks)
        if len(_TOKEN.findall(block.text)) >= _MIN_SEED_TOKENS
        and reference.coverage(block.text) >= _COVERED
    ]
    if not seeds:
        return []
    clusters = [[seeds[0]]]
    for i in seeds[1:]:
        gap = blocks[clusters[-1][-1] + 1 : i]
        if sum(1 for b in gap if _is_bad(b) or not _is_good(b)) <= _MAX_SEED_GAP:
            clusters[-1].append(i)
        else:
            clusters.append([i])
    sizes = [sum(len(blocks[i].text) for i in c) for c in clusters]
    big = max(sizes)
    return [
        i
        for c, size in zip(clusters, sizes, strict=True)
        if size >= _CLUSTER_SHARE * big
        for i in c
    ]


def _grow(
    el: lxml.html.HtmlElement, root: lxml.html.HtmlElement, blocks: list[Block]
) -> lxml.html.HtmlElement:
    """Climb to the parent while what it adds is article text and nothing like furniture."""
    while el is not root:
        parent = el.getparent()
        if parent is None:
            break
        extra = [b for b in blocks if _inside(b, parent) and not _inside(b, el)]
        good = sum(len(b.text) for b in extra if _is_good(b))
        weak = sum(len(b.text) for b in extra if not _is_good(b) and not _is_bad(b))
        bad = sum(len(b.text) for b in extra if _is_bad(b))
        if good < _RATIO * (weak + _BADW * bad) or (bad and not _BADW):
            break
        el = parent
    return el


def _json_ld_bodies(tree: lxml.html.HtmlElement) -> Iterator[str]:
    for script in tree.iter("script"):
        if "ld+json" not in (script.get("type") or "") or not script.text:
            continue
        try:
            stack = [json.loads(script.text)]
        except ValueError:
            continue
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                body = item.get("articleBody")
                if isinstance(body, str) and body.strip():
                    yield body
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)


def _paragraphs(texts: list[str]) -> str:
    out = []
    for text in texts:
        for para in re.split(r"\n\s*\n", text):
            para = "\n".join(" ".join(line.split()) for line in para.splitlines()).strip()
            if para:
                out.append(para)
    return "\n\n".join(out)


_LEAD = True
_SIG = 1
_JSONLD_SHARE = 0.3
_HEADS = True
_TITLE = True
_TRUST = 0.2  # seeds holding this share of the text are trusted for structure
_TRIM = True
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


def _descriptions(tree: lxml.html.HtmlElement) -> str:
    texts = []
    for meta in tree.iter("meta"):
        key = (meta.get("name") or meta.get("property") or "").lower()
        if key in ("description", "og:description", "twitter:description"):
            texts.append(meta.get("content") or "")
    return "\n".join(texts)


def _titles(tree: lxml.html.HtmlElement) -> list[str]:
    """Token strings of the page's own titles (og:title, twitter:title, <title>), site names cut."""
    texts = [el.text_content() for el in tree.iter("title")]
    for meta in tree.iter("meta"):
        key = (meta.get("name") or meta.get("property") or "").lower()
        if key in ("og:title", "twitter:title"):
            texts.append(meta.get("content") or "")
    titles = set()
    for text in texts:
        for part in re.split(r"\s[|\-\u2013\u2014:\u00b7]\s", text):
            words = _tokens(part)
            if len(words.split()) >= 3:
                titles.add(words)
    return sorted(titles)


def _is_title(text: str, titles: list[str]) -> bool:
    """A block that is the headline again (maybe with a kicker), not a paragraph quoting it."""
    words = _tokens(text)
    size = len(words.split())
    return any(f" {title} " in f" {words} " and size <= len(title.split()) + 8 for title in titles)


def _says_lead(el: lxml.html.HtmlElement) -> bool:
    for node in (el, el.getparent()):
        if node is None:
            continue
        names = f"{node.get('class', '')} {node.get('id', '')}"
        if not _LEAD_WORDS.isdisjoint(w.lower() for w in re.split(r"[\W_]+", names)):
            return True
    return False


def _standfirst(blocks: list[Block], start: int, description: _Reference) -> list[str]:
    """The standfirst: text between the headline (h1) and the body that the page's description
    repeats or whose class calls it a lead. Empty when there is no headline just before."""
    found: list[str] = []
    for i in range(start - 1, max(-1, start - 1 - _LEAD_WINDOW), -1):
        block = blocks[i]
        if block.owner.tag == "h1":
            return found[::-1]
        if len(block.text) < 40 or block.link_density > 0.2:
            continue
        if description.coverage(block.text) >= _COVERED or _says_lead(block.owner):
            found.append(block.text)
    return []


def _signature(block: Block) -> tuple[str, str]:
    parent = block.owner.getparent()
    return ("", "") if parent is None else (parent.tag, parent.get("class", ""))


def _select(
    blocks: list[Block], main: lxml.html.HtmlElement, cluster: list[int], reference: _Reference
) -> list[int]:
    """Indexes of the body blocks under `main`.

    Between the first and last seed, trafilatura had the whole picture: keep what it kept.
    Before and after, trafilatura may have stopped early: keep what is not link-heavy, and when
    the seeds already hold most of the text, only what sits in containers like the seeds' (so a
    teaser list after the article stays out while the second half of a split body comes in).
    Short blocks that trafilatura did not keep are trimmed off the ends.
    """
    first, last = cluster[0], cluster[-1]
    inside = [i for i, b in enumerate(blocks) if _inside(b, main) and not _is_bad(b)]
    span = [i for i in inside if first <= i <= last]
    confirmed = {i for i in span if reference.coverage(blocks[i].text) >= _COVERED}
    # A subheading trafilatura dropped still belongs to the confirmed paragraph under it.
    keep = [
        i
        for n, i in enumerate(span)
        if i in confirmed
        or (
            _HEADS
            and blocks[i].owner.tag in HEADINGS
            and n + 1 < len(span)
            and span[n + 1] in confirmed
        )
    ]
    sides = [[i for i in inside if i < first][::-1], [i for i in inside if i > last]]
    kept_chars = sum(len(blocks[i].text) for i in keep)
    side_chars = sum(len(blocks[i].text) for side in sides for i in side)
    if _SIG and kept_chars >= _TRUST * (kept_chars + side_chars):
        signatures = {_signature(blocks[i]) for i in keep}
        sides = [[i for i in side if _signature(blocks[i]) in signatures] for side in sides]
    for side in sides:
        run = list(side)
        while (
            run
            and not _is_good(blocks[run[-1]])
            and reference.coverage(blocks[run[-1]].text) < _COVERED
        ):
            run.pop()
        keep.extend(run)
    return sorted(keep)


def _prefer(found: str, json_ld: str) -> str:
    """What the page shows, unless the page's JSON-LD articleBody is several times longer
    (the page renders its text with a script, or the visible part is a teaser)."""
    if len(found) < _JSONLD_SHARE * len(json_ld):
        return json_ld
    return found


def _extract(tree: lxml.html.HtmlElement, url: str) -> str:
    json_ld = max(_json_ld_bodies(tree), key=len, default="")
    body = tree.find("body")
    root = body if body is not None else tree
    strip_non_text(root)
    blocks = split_blocks(root)
    if drop_furniture(root, blocks):
        blocks = split_blocks(root)
    reference = _Reference(_trafilatura_text(tree, url))
    cluster = _seed_cluster(blocks, reference)
    if not cluster:
        main = main_element(blocks)
        if main is None:
            return _paragraphs([json_ld])
        texts = [b.text for b in blocks if _inside(b, main) and not _is_bad(b)]
        return _prefer(_paragraphs(texts), _paragraphs([json_ld]))
    main = _grow(_common_ancestor([blocks[i].owner for i in cluster]), root, blocks)
    keep = _select(blocks, main, cluster, reference)
    if _TITLE:
        titles = _titles(tree)
        keep = [i for i in keep if not _is_title(blocks[i].text, titles)]
    texts = [blocks[i].text for i in keep]
    if keep and _LEAD:
        lead = _standfirst(blocks, keep[0], _Reference(_descriptions(tree)))
        texts[:0] = [t for t in lead if t not in texts]
    return _prefer(_paragraphs(texts), _paragraphs([json_ld]))


def extract_body(tree: lxml.html.HtmlElement, *, url: str) -> str:
    """Return the article text of `tree`, paragraphs separated by "\\n\\n"; "" when none.

    The tree may be modified. Never raises.
    """
    try:
        return _extract(tree, url)
    except Exception:  # extraction must never break a crawl
        logger.warning("body extraction failed for %s", url, exc_info=True)
        return ""
