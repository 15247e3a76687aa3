"""Remove what is never article text: scripts, hidden parts, page furniture marked as such.

Furniture is recognised by tag (nav, aside, footer), by ARIA role, and by class or id words that
sites of every kind use for it (share, related, newsletter, comments, ads, captions, ...). Words
are whole words of a class name ("share-bar" and "shareBar" are furniture, "sharepoint" is not);
in a BEM name ("block__element") the element decides, and a class naming content
("article-body") outweighs one naming furniture on the same element. A heading's id made from
its own text ("how-to-share-a-social-calendar") names its subject, and is not read as one.

Pages mislabel, so names are not trusted blindly: what holds most of the text a reader sees
stays whatever it is called, except a comment section (one whose text is split into items, a
comment each). Nothing inside code is furniture (a highlighter's "hljs-comment" is code), and a
hidden panel that a control opens (an accordion's answer) is text a reader can see.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from itertools import pairwise

import lxml.html  # type: ignore[import-untyped, unused-ignore]
from lxml import etree

from crawler.extract.primitives.blocks import Block, block_weight, word_set

DROP_TAGS = word_set(
    "script style noscript template iframe svg canvas object embed button select input textarea "
    "label option figcaption dialog"
)
FURNITURE_TAGS = word_set("nav aside footer")
_BAD_WORDS = word_set("""
    share sharing sharebar social socials sociallinks
    related relatedposts recommended recommendations recirc readmore morestories moreon
    newsletter newsletters subscribe subscription signup optin
    comment comments commentlist respond disqus
    ad ads advert adverts advertisement advertising adslot adunit sponsor sponsored dfp gpt
    outbrain taboola promo promotion
    sidebar breadcrumb breadcrumbs pagination pager menu navbar nav navigation
    caption credit credits figcaption
    tags tagcloud taglist keywords topics
    author bio byline meta dateline timestamp
    cookie cookies consent gdpr popup modal overlay toolbar
    skip visuallyhidden screenreader sronly
    """)
_COMMENT_WORDS = word_set("comment comments commentlist disqus")
# A class that also says "this is the article" wins: "sidebar-grid__content article__content".
_GOOD_WORDS = word_set("article articlebody body content entry main post story text")
_WORD_SPLIT = re.compile(r"[\s_\-]+|(?<=[a-z])(?=[A-Z])")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_KEEP_TAGS = word_set("html body main article")
_FURNITURE_ROLES = word_set("navigation complementary contentinfo banner search dialog")
# Whole class names that hide an element (Bootstrap, Tailwind, WordPress, ...).
_HIDDEN_CLASSES = word_set(
    "hidden hide d-none is-hidden u-hidden invisible visually-hidden visuallyhidden sr-only "
    "screen-reader-text screen-reader-only"
)


_SECTION_HEADINGS = word_set("h1 h2 h3 h4 h5 h6")
_ALNUM = re.compile(r"[^\W_]+")
_SLUG_WORDS = 2  # an id of this many words of the heading's own text is made from it
_PANEL_LINKS = 0.3  # a collapsed panel with more of its text in links is a menu
_ONE_TEXT = 0.8  # share of a comment-named element's text in one run of sibling paragraphs


def _words(value: str) -> set[str]:
    """Lower-case words of a class name, and each two neighbours joined ("read-more": readmore)."""
    parts = [w.lower() for w in _WORD_SPLIT.split(value) if w]
    return {*parts, *(a + b for a, b in pairwise(parts))}


@lru_cache(maxsize=4096)
def _verdict(name: str) -> int:
    """+1 if a class or id names article text, -1 if it names furniture, 0 if neither.

    In BEM names ("block__element--modifier") the element says what the thing is:
    "article-content__share-group" is a share bar, "sidebar-grid__content" is content.
    """
    part = name.rsplit("__", 1)[-1].split("--", 1)[0] or name
    words = _words(part)
    if not _BAD_WORDS.isdisjoint(words):
        return -1
    return 1 if not _GOOD_WORDS.isdisjoint(words) else 0


def is_furniture(el: lxml.html.HtmlElement) -> bool:
    """True when the element's class, id or role names page furniture and none names content."""
    return _furnishes(el.tag, el.attrib)


def _furnishes(tag: str, attrs: Mapping[str, str]) -> bool:
    """is_furniture, given the element's tag and attributes."""
    if tag in _KEEP_TAGS:
        return False
    if attrs.get("role", "") in _FURNITURE_ROLES:
        return True
    return _names_furniture(attrs.get("class", ""), attrs.get("id"))


@lru_cache(maxsize=4096)
def _names_furniture(classes: str, id_: str | None) -> bool:
    """is_furniture's verdict on an element's class attribute and id (None without one);
    elements of a page repeat a few of these many times."""
    names = classes.split()
    if id_ is not None:
        names.append(id_)
    verdicts = {_verdict(name) for name in names}
    return -1 in verdicts and 1 not in verdicts


def is_comments(el: lxml.html.HtmlElement) -> bool:
    """True when a class or id names a comment section: never article text, however long."""
    names = [*el.get("class", "").split(), el.get("id", "")]
    return any(_names_comments(name) for name in names if name)


@lru_cache(maxsize=4096)
def _names_comments(name: str) -> bool:
    return not _COMMENT_WORDS.isdisjoint(_words(name))


def is_hidden(el: lxml.html.HtmlElement) -> bool:
    return _hides(el.attrib)


def _hides(attrs: Mapping[str, str]) -> bool:
    """is_hidden, given the element's attributes."""
    if "hidden" in attrs or attrs.get("aria-hidden") == "true":
        return True
    if not _HIDDEN_CLASSES.isdisjoint(attrs.get("class", "").split()):
        return True
    style = attrs.get("style")
    return bool(style) and _HIDDEN_STYLE.search(style or "") is not None


def collapsed_panels(root: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """The panels a reader opens with a control (an accordion's answers, a "read more"):
    what a control's aria-controls names, else the element after the one holding a control
    that says whether it is expanded. Call before strip_non_text, which drops the buttons.
    """
    controls = root.xpath(".//*[@aria-expanded]")
    # The page's ids are read only when a control names its panels (most controls do not).
    names = any((control.get("aria-controls") or "").split() for control in controls)
    by_id = {el.get("id"): el for el in root.iter() if el.get("id")} if names else {}
    panels = []
    for control in controls:
        named = [by_id[n] for n in (control.get("aria-controls") or "").split() if n in by_id]
        if named:
            panels.extend(named)
            continue
        el = control
        while el is not None and el is not root and el.getnext() is None:
            el = el.getparent()
        if el is not None and el is not root:
            following = el.getnext()
            if following is not None and isinstance(following.tag, str):
                panels.append(following)
    return panels


def _is_text(el: lxml.html.HtmlElement) -> bool:
    """The element holds some text, and little of it in links."""
    text = len(" ".join(el.text_content().split()))
    links = sum(len(" ".join(a.text_content().split())) for a in el.iter("a"))
    return text > 0 and links < _PANEL_LINKS * text


def _threads(
    suspects: list[lxml.html.HtmlElement], blocks: list[Block]
) -> set[lxml.html.HtmlElement]:
    """The comment sections among `suspects`: comment-named elements whose text
    does not run in sibling paragraphs (and lists) of one parent, as a story's does (a thread
    puts each comment in an item of its own; some pages wrap the story itself in a
    "commentOnSelection" element)."""
    named = {el for el in suspects if is_comments(el)}
    by_parent: dict[lxml.html.HtmlElement, dict[lxml.html.HtmlElement, float]] = {
        n: {} for n in named
    }
    for block in blocks:
        weight = block_weight(block)
        parent = block.owner.getparent()
        if block.owner.tag == "li" and parent is not None:  # a list sits where the list sits
            parent = parent.getparent()
        if weight <= 0 or parent is None:
            continue
        for ancestor in block.owner.iterancestors():
            if ancestor in named:
                runs = by_parent[ancestor]
                runs[parent] = runs.get(parent, 0.0) + weight
    return {
        n
        for n, runs in by_parent.items()
        if not runs or max(runs.values()) < _ONE_TEXT * sum(runs.values())
    }


def _named_by_its_text(el: lxml.html.HtmlElement, attrs: Mapping[str, str]) -> bool:
    """A heading whose id is its own text made into a name ("what-is-social-media" on "What
    is social media?", for links to it): those words say what the section is about, not
    what the element is."""
    id_ = attrs.get("id")
    if el.tag not in _SECTION_HEADINGS or not id_ or _furnishes(el.tag, {**attrs, "id": ""}):
        return False
    said = set(_ALNUM.findall(el.text_content().lower()))
    named = [w for w in _ALNUM.findall(id_.lower()) if len(w) > 1]
    return len(named) >= _SLUG_WORDS and all(w in said for w in named)


def strip_non_text(root: lxml.html.HtmlElement) -> None:
    """Remove comments, scripts, styles, embeds and form controls from `root`, keeping tails."""
    # lxml picks them out (comments, processing instructions and entities are all the nodes
    # that are not elements), without a Python test of every element
    doomed = list(root.iter(*DROP_TAGS, etree.Comment, etree.PI, etree.Entity))
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()


def drop_furniture(
    root: lxml.html.HtmlElement,
    blocks: list[Block],
    share: float = 0.5,
    panels: list[lxml.html.HtmlElement] | None = None,
) -> bool:
    """Remove hidden and furniture elements from `root`; True if anything was removed.

    Pages mislabel too: a wrapper called "withSidebar", article text in a hidden element that a
    script reveals, paragraphs all classed "paywall". So a hidden element that holds more than
    `share` of the page's paragraph text stays, and so do furniture-named elements of one kind
    (tag and class) that together hold that much of the text a reader sees (comment sections
    and hidden parts left out). A hidden panel a control opens (`panels`, from
    collapsed_panels) stays when it holds text rather than links: an accordion's answers.
    """
    good: dict[lxml.html.HtmlElement, float] = {}
    for block in blocks:
        weight = block_weight(block)
        if weight > 0:
            for el in (block.owner, *block.owner.iterancestors()):
                good[el] = good.get(el, 0.0) + weight
    # Sets of elements, never of id()s: lxml makes an element's Python object when it is
    # reached and frees it when nothing holds it, so a later element may get a freed one's id.
    opened = {el for panel in panels or () if _is_text(panel) for el in panel.iter()}
    code = {el for pre in root.iter("pre", "code") for el in pre.iter()}
    # In code, classes name syntax ("hljs-comment", "token keyword"), never page furniture.
    hidden, suspects = [], []
    for el in root.iter():  # one walk, each element's attributes read once: is_hidden and
        attrs = dict(el.items())  # is_furniture on a dict cost a fraction of lxml's lookups
        if _hides(attrs) and el not in opened:
            hidden.append(el)
        if (
            (el.tag in FURNITURE_TAGS or _furnishes(el.tag, attrs))
            and el not in code
            and not _named_by_its_text(el, attrs)
        ):
            suspects.append(el)
    # The share is of the text a reader sees as the page's own: a long comment thread, or a
    # hidden copy of the story (a "republish this" dialog), must not outweigh the story and
    # get its furniture-named wrapper ("sidebar-content") dropped with it.
    threads = _threads(suspects, blocks)
    unseen = set(hidden) | threads
    everything = good.get(root, 0.0)
    total = everything - sum(
        good.get(el, 0.0)
        for el in (root.iter() if unseen else ())
        if el in unseen and not any(a in unseen for a in el.iterancestors())
    )
    kinds: dict[tuple[str, str], float] = {}
    suspect_set = set(suspects)
    for el in suspects:
        kind = (el.tag, el.get("class", ""))
        nested = any(
            a in suspect_set and (a.tag, a.get("class", "")) == kind for a in el.iterancestors()
        )
        # Nested in a suspect of its kind, its text is counted there already.
        kinds[kind] = kinds.get(kind, 0.0) + (0.0 if nested else good.get(el, 0.0))
    # Collapsed parts of one kind count together: an accordion's or a tab list's panels,
    # which a control names (aria-controls) or which share a class.
    controlled = {name for value in root.xpath(".//@aria-controls") for name in str(value).split()}

    def fold(el: lxml.html.HtmlElement) -> tuple[str, str]:
        if el.get("id") in controlled:
            return ("", "aria-controls")
        return (el.tag, el.get("class", "") or str(id(el)))

    folds: dict[tuple[str, str], float] = {}
    for el in hidden:
        folds[fold(el)] = folds.get(fold(el), 0.0) + good.get(el, 0.0)
    doomed = [el for el in hidden if folds[fold(el)] <= share * everything]
    doomed += [
        el
        for el in suspects
        if kinds[(el.tag, el.get("class", ""))] <= share * total or el in threads
    ]
    dropped = False
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()
            dropped = True
    return dropped
