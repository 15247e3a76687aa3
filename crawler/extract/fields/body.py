"""Article body extraction: the text a reader sees, paragraphs separated by blank lines.

Two readings of the page are combined:

- trafilatura (fast mode, no metadata) is precise, but often stops early: at an ad between two
  halves of an article, at a second body container, at a run of short paragraphs;
- our own block tree (primitives.blocks, after primitives.boilerplate removed hidden parts and
  furniture) holds everything, article and surroundings.

trafilatura's paragraphs are the seeds. The element holding the seeds is grown to its parent
while what the parent adds reads as article (long, link-poor paragraphs) more than furniture.
Inside that element, between the first and the last seed, what trafilatura kept stays, and so
do long paragraphs, points of lists, quotes and callouts that sit in the containers of what it
kept; before and after, blocks that look like the seeds' own are added back. Link-heavy points,
headings and paragraphs trafilatura kept come in where they read as the text: a checklist's
linked points, a listicle's linked item names, a line naming where to buy what the text reviews.
A long block that holds many of the kept paragraphs whole is a second copy of the story. The
headline is dropped, the standfirst added (primitives.headline). With no seeds, the
best-scoring element stands in. Two floors: a result much shorter than trafilatura's text gives
way to it, and a page showing much less than its JSON-LD articleBody gives way to that.

A run of long paragraphs in a kind of container trafilatura kept none of, between the seeds or
before them, is a section of the story set in boxes of its own (a guide's "What to consider" in
panels) and stays too, unless it is a sidebar.

Boxes inside the text that the site names as an appeal to act or a notice ("cta", "disclaimer",
"disclosure", "affiliate") are the site talking, not the story, and so are teaser cards (a
headline linking to another page of the site over a line of summary), labels ("5 min read",
"Advertisement"), reviewers' boxes ("Medically reviewed by ...") and appeals to join the
newsletter or to follow the site (primitives.sitelines).
"""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from collections.abc import Iterator

import lxml.html  # type: ignore[import-untyped, unused-ignore]
from trafilatura import extract as _trafilatura_extract

from crawler.extract.primitives.blocks import (
    BLOCK_TAGS,
    HEADINGS,
    Block,
    main_element,
    reading_length,
    split_blocks,
)
from crawler.extract.primitives.boilerplate import (
    collapsed_panels,
    drop_furniture,
    strip_non_text,
)
from crawler.extract.primitives.headline import is_headline, standfirst, titles
from crawler.extract.primitives.shingles import Reference, words
from crawler.extract.primitives.sitelines import (
    is_site_line,
    site_host,
    teaser_cards,
    without_notices,
)

logger = logging.getLogger(__name__)

_NO_DATES = {"original_date": True, "extensive_search": False, "max_date": "2199-12-31"}

_MIN_SEED_WORDS = 6  # a shorter block matches trafilatura's text by chance
_COVERED = 0.5  # share of a block's shingles trafilatura must hold to have kept it
_MAX_SEED_GAP = 2  # short or link-heavy blocks trafilatura dropped allowed between two seeds
# of one cluster (short texts it kept do not part them: a review's spec lines, pros and cons)
_CLUSTER_SHARE = 0.25  # seed clusters this big next to the biggest are article too
_NESTED_SHARE = 0.5  # long paragraphs in an element nested in the text's, this long next to
# the kept text, continue it (a box in the text, an appeal or an offer, is shorter)
_GROW_RATIO = 2.0  # growing needs this many chars of paragraphs per char of other text
_PROSE_RUN = 3  # long paragraphs in one kind of container that make a section of the text
_PROSE_CHARS = 200  # ... whose paragraphs run this long on average (blurbs are shorter)
_GOOD_CHARS = 80  # a paragraph at least this long, with few links, reads as article text
_REPEATED_CHARS = 100  # a paragraph this long, shown twice, is one paragraph shown twice
_REPEATED_SHARE = 0.3  # ... when repeats are this share of the text
_QUOTE_DEPTH = 3  # a block this many levels under a <blockquote> is part of the quote
_MEDIA = ("img", "picture", "video", "figure")
_ITEM_LINKS = 0.3  # a list item with more of its text in links is a list of links
_ALL_LINKS = 0.9  # a paragraph with this much of its text in links is a link
_TEXT_POINTS = 0.3  # a list with this share of its points link-poor is text that links some
_NEAR = 3  # blocks kept this close on both sides of a paragraph put it inside the kept text
_ITEM_SHARE = 0.5  # an element with a heading over this share of the text is not one item
_LINKED_TEXT_TAGS = frozenset({"p", "li"})
# The heading of a note on the writer, in the languages seen most.
_ABOUT_AUTHOR = re.compile(
    r"(?:about the (?:author|writer|reviewer)s?|meet the (?:author|writer)s?|"
    r"[uü]ber (?:den|die) autor(?:in)?|[aà] propos de l'auteur|sobre (?:el|o|a) autora?|"
    r"sull'autore)\W*$",
    re.IGNORECASE,
)
_AUTHOR_NOTE_AFTER = 0.5  # share of the kept text that comes before an author's note
_PLACEHOLDER = re.compile(r"lorem ipsum\b", re.IGNORECASE)
# A label in front of a link: "Also read: ...", "Related: ...", "MORE HERE | ..."
_LABEL = re.compile(r"\W*\w+(?:[^\S\n]+\w+){0,3}[^\S\n]*[:|]")
_TRUST = 0.2  # seeds holding this share of the text decide which containers are article
_FLOOR = 0.3  # showing under this share of what trafilatura found: trust trafilatura
_CUT_SHORT = 0.5  # fast mode kept under this share of the page's prose: run the full search
_JSON_LD_SHARE = 0.3
_COPY_CHARS = 500  # a block this long ...
_COPY_SHARE = 0.7  # ... this much of which the other kept blocks say is a copy of them,
_COPY_PARTS = 4  # ... when it holds this many of them whole
# A line that introduces other stories after the end of one, in the languages seen most.
_MORE_STORIES = re.compile(
    r"^(?:you (?:may|might) (?:also )?like|related(?: articles| posts| stories| reading)?|"
    r"read (?:more|next|also)|more (?:from|stories|to read|on this)|recommended(?: for you)?|"
    r"voc[eê] (?:tamb[eé]m )?pode gostar|leia tamb[eé]m|lee tambi[eé]n|te puede interesar|"
    r"das k[oö]nnte sie auch interessieren|mehr zum thema|[aà] lire aussi|"
    r"vous aimerez aussi|potrebbe interessarti|leggi anche)\b[^\n]{0,40}$",
    re.IGNORECASE | re.MULTILINE,
)  # the page showing less than this share of its articleBody: use that


def _is_good(block: Block) -> bool:
    return reading_length(block.text) >= _GOOD_CHARS and block.link_density < 0.3


def _is_kept_text(block: Block, reference: Reference) -> bool:
    """trafilatura kept the block, and it is text rather than a link."""
    return block.link_density <= 0.5 and reference.coverage(block.text) >= _COVERED


def _is_bad(block: Block) -> bool:
    return block.link_density > 0.5 or block.owner.tag == "h1"


def _inside(block: Block, el: lxml.html.HtmlElement) -> bool:
    owner = block.owner
    return owner is el or el in owner.iterancestors()  # elements are equal only to themselves


def _common_ancestor(elements: list[lxml.html.HtmlElement]) -> lxml.html.HtmlElement:
    chain = [elements[0], *elements[0].iterancestors()]
    for el in elements[1:]:
        lineage = {id(a) for a in (el, *el.iterancestors())}
        chain = [a for a in chain if id(a) in lineage]
    return chain[0]


def _trafilatura_text(tree: lxml.html.HtmlElement, url: str, *, fast: bool = True) -> str:
    text = _trafilatura_extract(
        tree,
        url=url,
        fast=fast,
        with_metadata=False,
        include_comments=False,
        include_tables=True,
        deduplicate=False,
        # unused without metadata, but trafilatura reads the clock for its default
        date_extraction_params=_NO_DATES,
    )
    return text or ""


def _continued(fast: str, full: str) -> str:
    """The full search's text, up to a line announcing other stories, when it is longer.

    Fast mode may stop after a story's opening; the full search looks further, and may run
    on past the story's end into a list of other stories.
    """
    end = _MORE_STORIES.search(full)
    full = full[: end.start()] if end else full
    return full if len(full) > len(fast) else fast


def _seeds(blocks: list[Block], reference: Reference) -> list[int]:
    """Indexes of the blocks trafilatura kept, without stray ones far from the article."""
    seeds = [
        i
        for i, block in enumerate(blocks)
        if (len(words(block.text)) >= _MIN_SEED_WORDS or reading_length(block.text) >= _GOOD_CHARS)
        and reference.coverage(block.text) >= _COVERED
    ]
    if not seeds:
        return []
    clusters = [[seeds[0]]]
    for i in seeds[1:]:
        gap = blocks[clusters[-1][-1] + 1 : i]
        strays = [b for b in gap if not _is_good(b) and not _is_kept_text(b, reference)]
        if len(strays) <= _MAX_SEED_GAP:
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


def _nested_in(block: Block, homes: set[lxml.html.HtmlElement]) -> bool:
    """The block sits deeper inside one of `homes` than as a child of it."""
    parent = block.owner.getparent()
    return (
        parent is not None
        and parent not in homes
        and any(a in homes for a in parent.iterancestors())
    )


def _grow(
    el: lxml.html.HtmlElement, root: lxml.html.HtmlElement, blocks: list[Block]
) -> lxml.html.HtmlElement:
    """Climb to the parent while what it adds is mostly long, link-poor paragraphs."""
    while el is not root:
        parent = el.getparent()
        if parent is None:
            break
        extra = [b for b in blocks if _inside(b, parent) and not _inside(b, el)]
        good = sum(len(b.text) for b in extra if _is_good(b))
        other = sum(len(b.text) for b in extra if not _is_good(b))
        if good < _GROW_RATIO * other:
            break
        el = parent
    return el


def _list_item(block: Block) -> lxml.html.HtmlElement | None:
    """The <li> a block is (or is the heading or paragraph of), else None."""
    owner = block.owner
    if owner.tag == "li":
        return owner
    parent = owner.getparent()
    return parent if parent is not None and parent.tag == "li" else None


def _quote(block: Block) -> lxml.html.HtmlElement | None:
    """The quote a block is part of (a <blockquote>, in its <figure> if it has one), else None."""
    for depth, el in enumerate((block.owner, *block.owner.iterancestors())):
        if el.tag == "blockquote":
            near = list(el.iterancestors())[:2]
            return next((a for a in near if a.tag == "figure"), el)
        if depth >= _QUOTE_DEPTH:
            return None
    return None


def _signature(block: Block) -> tuple[str, str]:
    """The tag and class of the block's container; for a list item, those of its list's; for
    a quote, those of the element the quote sits in."""
    item = _list_item(block)
    quote = _quote(block)
    element = item.getparent() if item is not None else quote if quote is not None else block.owner
    if element is block.owner and any(
        isinstance(child.tag, str) and child.tag in BLOCK_TAGS for child in element
    ):
        # Text loose in an element beside its paragraphs ("text<br><br>text<p>...") sits where
        # they do: in that element.
        return (element.tag, element.get("class", ""))
    parent = element.getparent() if element is not None else None
    return ("", "") if parent is None else (parent.tag, parent.get("class", ""))


def _box_signature(block: Block) -> tuple[str, str]:
    """The tag and class of the container of the box a paragraph sits in (a callout, a
    highlighted quote one level inside the text); none for a box holding a picture, whose
    text is its caption."""
    box = block.owner.getparent()
    parent = box.getparent() if box is not None else None
    if parent is None or box.tag == "figure" or next(box.iter(*_MEDIA), None) is not None:
        return ("", "")  # a picture's caption
    return (parent.tag, parent.get("class", ""))


def _is_item(block: Block) -> bool:
    """A link-poor list item: a point of the text, not a list of links."""
    return _list_item(block) is not None and block.link_density < _ITEM_LINKS


def _home(block: Block) -> lxml.html.HtmlElement | None:
    """The element a block sits in; for a point of a list, the one the list sits in."""
    item = _list_item(block)
    parent = (item if item is not None else block.owner).getparent()
    return parent.getparent() if item is not None and parent is not None else parent


def _is_linked_text(block: Block) -> bool:
    """A long paragraph or list item with over half its text, but not all, in links, in one
    line (lines of links are a list of them), and no label in front ("Related: <a>...</a>")."""
    return (
        block.owner.tag in _LINKED_TEXT_TAGS
        and "\n" not in block.text
        and _ITEM_LINKS < block.link_density < _ALL_LINKS
        and reading_length(block.text) >= _GOOD_CHARS
        and _LABEL.match(block.text) is None
    )


def _links_away(block: Block, host: str) -> bool:
    """The block's links all lead to other sites than `host` (and it has some)."""
    item = _list_item(block)
    hrefs = [a.get("href") or "" for a in (item if item is not None else block.owner).iter("a")]
    hosts = [site_host(h) for h in hrefs]
    return bool(hosts) and all(h and h != host for h in hosts)


def _links_in_page(block: Block) -> bool:
    """The block's links all lead to places on the page itself (a heading's anchor)."""
    hrefs = [(a.get("href") or "").strip() for a in block.owner.iter("a")]
    return bool(hrefs) and all(h.startswith("#") for h in hrefs)


def _without_sidebars(blocks: list[Block], left: list[int], chosen: set[int]) -> list[int]:
    """`left` without the blocks of a sidebar: a box set between two paragraphs of the text,
    with a heading of its own over one text (a box of several texts under a heading, an FAQ's
    answers, is a section of the story)."""
    told = {blocks[i].owner for i in chosen if _is_good(blocks[i])}
    held = {a for el in told for a in (el, *el.iterancestors())}
    boxes: dict[lxml.html.HtmlElement, list[int]] = {}
    for i in left:
        box = blocks[i].owner
        while (parent := box.getparent()) is not None and parent not in held:
            box = parent
        boxes.setdefault(box, []).append(i)
    out = []
    for box, members in boxes.items():
        if not (
            len({blocks[i].owner.getparent() for i in members if _is_good(blocks[i])}) == 1
            and any(" ".join(h.text_content().split()) for h in box.iter(*HEADINGS))
            and any(s in told for s in box.itersiblings(preceding=True))
            and any(s in told for s in box.itersiblings())
        ):
            out.extend(members)
    return sorted(out)


def _prose_runs(blocks: list[Block], span: list[int], chosen: set[int]) -> set[int]:
    """The blocks not `chosen` in `span` (short lines too) of a kind of container (a
    signature) that holds a run of long, link-poor paragraphs: a section the page set in
    boxes of its own (a guide's "What to consider", an FAQ's answers). A row of teasers,
    captions or offers between the paragraphs is a run of blurbs, shorter on average."""
    by_kind: dict[tuple[str, str], list[int]] = {}
    for i in _without_sidebars(blocks, [i for i in span if i not in chosen], chosen):
        by_kind.setdefault(_signature(blocks[i]), []).append(i)
    out: set[int] = set()
    for members in by_kind.values():
        good = [reading_length(blocks[i].text) for i in members if _is_good(blocks[i])]
        if len(good) >= _PROSE_RUN and sum(good) >= _PROSE_CHARS * len(good):
            out |= set(members)
    return out


def _is_labelled_link(text: str) -> bool:
    """A link under a label ("Related: ...", "READ MORE | ..."); a numbered one ("Chapter 2:
    ...", "Step 3: ...") is an item of the text."""
    label = _LABEL.match(text)
    return label is not None and not any(c.isdigit() for c in label.group())


def _kept_links(
    blocks: list[Block], inside: list[int], keep: set[int], reference: Reference, host: str
) -> set[int]:
    """Link-heavy headings, list items and paragraphs that trafilatura kept and that read as
    part of the kept text: a point of a list a kept point of which is in it and a third of
    whose points are text (a checklist linking some of its items); a heading over a kept
    paragraph that is not a labelled link (a listicle's linked item name); a paragraph amid
    kept ones, not all link, whose links lead to other sites (where to buy what the text
    names, its source). A list of links only is a list of other stories, and a paragraph
    linking the site's own pages is a pointer to another story."""
    points: Counter[lxml.html.HtmlElement] = Counter()
    text_points: Counter[lxml.html.HtmlElement] = Counter()
    kept_lists = set()
    for i in inside:
        item = _list_item(blocks[i])
        if item is not None:
            points[item.getparent()] += 1
            text_points[item.getparent()] += not _is_bad(blocks[i])
            if i in keep:
                kept_lists.add(item.getparent())
    out = set()
    for i in inside:
        block = blocks[i]
        if not _is_bad(block) or reference.coverage(block.text) < _COVERED:
            continue
        item = _list_item(block)
        if item is not None:
            home = item.getparent()
            if home in kept_lists and text_points[home] >= _TEXT_POINTS * points[home]:
                out.add(i)
        elif block.owner.tag == "p":
            if block.link_density < _ALL_LINKS and _links_away(block, host) and _amid(i, keep):
                out.add(i)
        elif block.owner.tag in HEADINGS and not _is_labelled_link(block.text):
            text = next(
                (
                    j
                    for j in (i + 1, i + 2)
                    if j in keep and blocks[j].owner.tag not in HEADINGS and not _is_bad(blocks[j])
                ),
                None,
            )
            if text is not None and (
                _links_away(block, host)
                or _links_in_page(block)
                or _is_item_title(blocks, i, text, keep)
            ):
                out.add(i)
    return out


def _amid(i: int, keep: set[int]) -> bool:
    """Kept blocks come shortly before and shortly after block `i`."""
    return any(j in keep for j in range(i - _NEAR, i)) and any(
        j in keep for j in range(i + 1, i + 1 + _NEAR)
    )


def _is_item_title(blocks: list[Block], heading: int, text: int, keep: set[int]) -> bool:
    """The heading and the kept block under it share an element that holds under half the
    kept text: an item of a list of them, not a teaser for another story in the text."""
    item = _common_ancestor([blocks[heading].owner, blocks[text].owner])
    total = sum(len(blocks[i].text) for i in keep)
    held = sum(len(blocks[i].text) for i in keep if _inside(blocks[i], item))
    return held < _ITEM_SHARE * total


def _select(
    blocks: list[Block],
    main: lxml.html.HtmlElement,
    seeds: list[int],
    reference: Reference,
    host: str,
) -> list[int]:
    """Indexes of the body blocks under `main`.

    Between the first and last seed, trafilatura saw the whole picture: keep what it kept, a
    subheading it dropped over a paragraph it kept, and long paragraphs, link-poor list items
    and lists of links to other sites it dropped from a container it kept others from (a list
    counts as sitting where the list sits), and long one-line paragraphs there whose words are
    mostly links (not a labelled link: "Also read: ..."), and a linked subheading over a kept
    paragraph beside it (a listicle's item title). Before and after, trafilatura may have
    stopped early: keep what is not link-heavy, and when the seeds hold a fair share of the
    text, only what sits in containers like the seeds' (so a teaser list after the article stays
    out while the second half of a split body comes in), or in an element nested inside a kept
    paragraph's whose long paragraphs run on for half the kept text again (the rest of a story
    that an unclosed box took inside it). Short blocks trafilatura did not keep are trimmed off
    the ends.

    A run of long paragraphs of a kind of container trafilatura kept none of, between the
    seeds or before the first, comes in with the short lines among them (a guide's section or
    FAQ set in panels of its own): a row of blurbs is shorter, and a box with a title of its
    own over one text, set between paragraphs, is a sidebar. After the last seed such runs are
    comments and other stories.

    Last, link-heavy list points, headings and paragraphs trafilatura kept that read as part of
    what is kept come in (_kept_links).
    """
    first, last = seeds[0], seeds[-1]
    inside = [i for i, b in enumerate(blocks) if _inside(b, main) and not _is_bad(b)]
    span = [i for i in inside if first <= i <= last]
    kept = {i for i in span if reference.coverage(blocks[i].text) >= _COVERED}
    kept_signatures = {_signature(blocks[i]) for i in kept}
    chosen = {
        i
        for i in span
        if i in kept
        or (
            (_is_good(blocks[i]) or _is_item(blocks[i]))
            and _signature(blocks[i]) in kept_signatures
        )
        or (_is_good(blocks[i]) and _box_signature(blocks[i]) in kept_signatures)
    }
    # A list of links to other sites inside the text (a listicle's linked names, sources)
    # sits in its container too; a list of links to the site's own stories does not.
    span_all = [i for i, b in enumerate(blocks[: last + 1]) if i >= first and _inside(b, main)]
    chosen |= {
        i
        for i in span_all
        if _is_bad(blocks[i])
        and _list_item(blocks[i]) is not None
        and _signature(blocks[i]) in kept_signatures
        and _links_away(blocks[i], host)
    }
    # A long paragraph or point with many links in it, in a container the text sits in, is
    # text that links its words (not one link under a label: "Also read: ...").
    chosen |= {
        i
        for i in span_all
        if _is_linked_text(blocks[i]) and _signature(blocks[i]) in kept_signatures
    }
    # A listicle's item names are often links to what they name: a linked subheading right
    # over a kept block beside it (in one parent) is the item's title; a linked headline in
    # a box of its own between two paragraphs is a teaser for another story.
    chosen |= {
        i
        for i in span_all
        if blocks[i].owner.tag in HEADINGS
        and _is_bad(blocks[i])
        and i + 1 in chosen
        and blocks[i + 1].owner.tag not in HEADINGS
        and blocks[i].owner.getparent() is _home(blocks[i + 1])
        and _LABEL.match(blocks[i].text) is None
    }
    chosen |= _prose_runs(blocks, [i for i in inside if i < first] + span, chosen)
    span = sorted({*span, *chosen})
    for n in range(len(span) - 2, -1, -1):  # a subheading over what is kept stays
        if blocks[span[n]].owner.tag in HEADINGS and span[n + 1] in chosen:
            chosen.add(span[n])
    keep = sorted(chosen)
    sides = [[i for i in inside if i < first][::-1], [i for i in inside if i > last]]
    kept_chars = sum(len(blocks[i].text) for i in keep)
    side_chars = sum(len(blocks[i].text) for side in sides for i in side)
    if kept_chars >= _TRUST * (kept_chars + side_chars):
        signatures = {_signature(blocks[i]) for i in keep}
        homes = {blocks[i].owner.getparent() for i in keep if blocks[i].owner.tag == "p"}
        runs: Counter[lxml.html.HtmlElement] = Counter()
        for i in (i for side in sides for i in side if _is_good(blocks[i])):
            runs[blocks[i].owner.getparent()] += len(blocks[i].text)
        sides = [
            [
                i
                for i in side
                if _signature(blocks[i]) in signatures
                or (
                    (_is_good(blocks[i]) or blocks[i].owner.tag in HEADINGS)
                    and runs[blocks[i].owner.getparent()] >= _NESTED_SHARE * kept_chars
                    and _nested_in(blocks[i], homes)
                )
            ]
            for side in sides
        ]
    for run in sides:
        while (
            run
            and not _is_good(blocks[run[-1]])
            and not _is_item(blocks[run[-1]])
            and reference.coverage(blocks[run[-1]].text) < _COVERED
        ):
            run.pop()
        keep.extend(run)
    in_main = [i for i, b in enumerate(blocks) if _inside(b, main)]
    return sorted({*keep, *_kept_links(blocks, in_main, set(keep), reference, host)})


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
    """The texts as paragraphs, whitespace tidied. A page that shows much of its text twice
    (a second copy of the story for another screen size) gives each long paragraph once; a
    few repeats (an interview's recurring question, a menu's recurring dish) stay.
    """
    out = []
    for text in texts:
        for para in re.split(r"\n\s*\n", text):
            para = "\n".join(" ".join(line.split()) for line in para.splitlines()).strip()
            if para:
                out.append(para)
    seen: set[str] = set()
    once = []
    repeated = 0
    for para in out:
        key = " ".join(para.split())
        if key in seen:
            repeated += len(para)
            continue
        once.append(para)
        if len(key) >= _REPEATED_CHARS:
            seen.add(key)
    total = sum(len(para) for para in out)
    return "\n\n".join(once if repeated >= _REPEATED_SHARE * total else out)


def _before_author_note(blocks: list[Block], keep: list[int]) -> list[int]:
    """The kept blocks up to a line "About the author" that follows most of the text: what
    comes under it is the writer's biography, not the story."""
    total = sum(len(blocks[i].text) for i in keep)
    before = 0
    for n, i in enumerate(keep):
        text = blocks[i].text
        if before >= _AUTHOR_NOTE_AFTER * total and _ABOUT_AUTHOR.match(text):
            return keep[:n]
        before += len(text)
    return keep


def _is_orphan_heading(block: Block) -> bool:
    """A heading ends the kept text: the title of what follows the story, whose links went
    (a list's last point, an <li><h3>, is no such heading)."""
    return block.owner.tag in HEADINGS and _list_item(block) is None


def _without_copies(texts: list[str]) -> list[str]:
    """The texts without a long one that many others already say: a second copy of the story
    in one block (its Markdown source, a print version) repeats what the page shows."""
    long = [n for n, text in enumerate(texts) if len(text) >= _COPY_CHARS]
    if not long:
        return texts
    grams = [_shingles(text) for text in texts]
    counts = Counter(g for own in grams for g in own)
    sets = [set(own) for own in grams]
    copies = set()
    for n in long:
        own = Counter(grams[n])
        said = sum(1 for g in grams[n] if counts[g] > own[g])
        if not grams[n] or said < _COPY_SHARE * len(grams[n]):
            continue
        # A copy of the story holds many of its paragraphs whole; a paragraph the text
        # repeats (a definition, a program's output) holds one or two.
        parts = sum(
            1
            for m in range(len(texts))
            if m != n and sets[m] and len(sets[n] & sets[m]) >= _COPY_SHARE * len(sets[m])
        )
        if parts >= _COPY_PARTS:
            copies.add(n)
            counts.subtract(own)
    return [text for n, text in enumerate(texts) if n not in copies]


def _shingles(text: str) -> list[tuple[str, ...]]:
    tokens = words(text)
    return [tuple(tokens[i : i + 4]) for i in range(len(tokens) - 3)]


def _prefer(found: str, json_ld: str) -> str:
    """What the page shows, unless its JSON-LD articleBody is several times longer (the text
    is rendered by a script, or the page shows a teaser of it)."""
    return json_ld if len(found) < _JSON_LD_SHARE * len(json_ld) else found


def _extract(tree: lxml.html.HtmlElement, url: str) -> str:
    json_ld = _paragraphs([max(_json_ld_bodies(tree), key=len, default="")])
    body = tree.find("body")
    root = body if body is not None else tree
    panels = collapsed_panels(root)
    strip_non_text(root)
    blocks = split_blocks(root)
    if drop_furniture(root, blocks, panels=panels):
        blocks = split_blocks(root)
    # A template's placeholder text ("Lorem ipsum dolor sit amet ...") was never meant to be read.
    blocks = [b for b in blocks if not _PLACEHOLDER.match(b.text)]
    trafilatura_text = _trafilatura_text(tree, url)
    prose = sum(len(b.text) for b in blocks if _is_good(b))
    if len(trafilatura_text) < _CUT_SHORT * prose:
        trafilatura_text = _continued(trafilatura_text, _trafilatura_text(tree, url, fast=False))
    reference = Reference(trafilatura_text)
    seeds = _seeds(blocks, reference)
    if not seeds:
        main = main_element(blocks)
        if main is None:
            return json_ld
        texts = [b.text for b in blocks if _inside(b, main) and not _is_bad(b)]
        return _prefer(_paragraphs(texts), json_ld)
    main = _grow(_common_ancestor([blocks[i].owner for i in seeds]), root, blocks)
    headlines = titles(tree)
    keep = [
        i
        for i in _select(blocks, main, seeds, reference, site_host(url))
        if not is_headline(blocks[i].text, headlines)
    ]
    keep = _before_author_note(blocks, keep)
    keep = without_notices(blocks, keep, main)
    teasers = teaser_cards(blocks, url)
    keep = [i for i in keep if i not in teasers and not is_site_line(blocks[i].text)]
    if len(keep) > 1 and _is_orphan_heading(blocks[keep[-1]]):
        keep.pop()
    texts = _without_copies([blocks[i].text for i in keep])
    if keep:
        lead = [t for t in dict.fromkeys(standfirst(tree, blocks, keep[0])) if t not in texts]
        texts[:0] = lead
    found = _paragraphs(texts)
    if len(found) < _FLOOR * len(trafilatura_text):
        found = _paragraphs([trafilatura_text.replace("\n", "\n\n")])
    return _prefer(found, json_ld)


def extract_body(tree: lxml.html.HtmlElement, *, url: str) -> str:
    """Return the article text of `tree`, paragraphs separated by "\\n\\n"; "" when none.

    The standfirst is included; the headline, navigation, ads, share bars, captions, related
    links, newsletter boxes and comments are not. The tree may be modified. Never raises.
    """
    try:
        return _extract(tree, url)
    except Exception:  # extraction must never break a crawl
        logger.warning("body extraction failed for %s", url, exc_info=True)
        return ""
