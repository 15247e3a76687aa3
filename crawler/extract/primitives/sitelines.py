"""Lines and boxes a site adds inside its stories: they sit among the paragraphs but are the
site talking, not the story.

- boxes the site names as an appeal to act or a notice (a class or id saying "cta",
  "disclaimer", "disclosure", "affiliate"); not furniture on every page (a "disclaimer" can be
  the article), so the stripper (boilerplate) leaves them and the body reader drops them from
  the text it kept, unless one holds much of it (left unclosed, it took the story inside);
- labels ("5 min read", "Advertisement"), reviewers' lines ("Medically reviewed by ..."),
  appeals to join the newsletter or to follow the writer, in English;
- teaser cards: a headline linking to another page of the site over a line of summary.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from itertools import pairwise
from urllib.parse import urljoin, urlsplit

import lxml.html  # type: ignore[import-untyped, unused-ignore]

from crawler.extract.primitives.blocks import HEADINGS, Block
from crawler.extract.primitives.shingles import words

# Words of a class or id that name a box of the site's own inside the text: an appeal to act
# ("cta"), a legal or affiliate notice. The stripper leaves them (they are not furniture on
# every page: a "disclaimer" can be the article), but inside a story they are not its text.
_NOTICE_WORDS = frozenset({"cta", "disclaimer", "disclosure", "affiliate"})
# Lines the site adds to every story, in English: a label ("5 min read", "Advertisement"), a
# reviewer's box, an appeal to join its newsletter or to follow it ("Follow me on Instagram").
_LABEL_LINE = re.compile(
    r"(?:\d+\s*min(?:ute)?s?\.?\s+read|listen to (?:this|the) (?:article|story)\b.{0,40}|"
    r"advertisement|table of contents|read more)\W*",
    re.IGNORECASE,
)
# An appeal, not a sentence about newsletters: "Sign up for ...", "our newsletter", "your inbox".
_NEWSLETTER = re.compile(
    r"(?:^|[.!?:]\s+)(?:sign up|subscribe|join)\b[^.!?]{0,60}\b(?:newsletters?|inbox|mailing list|"
    r"e-?mail list)\b|\bour (?:\w+ )?newsletter\b|"
    r"\b(?:delivered|sent) (?:straight |right |directly )?to your inbox\b",
    re.IGNORECASE,
)
# A reviewer's box: "Medically reviewed by ...", "Fact checked by ..."
_REVIEWED = re.compile(
    r"\W*(?:medically |expert |editorially )?(?:reviewed|fact[- ]checked) by\b", re.IGNORECASE
)
_FOLLOW = re.compile(
    r"(?:^|[.!?]\s+)\W*(?:be sure to |don'?t forget to |please )?"
    r"(?:follow|connect with) (?:me|us)\b",
    re.IGNORECASE,
)
_NEWSLETTER_WORDS = ("newsletter", "inbox", "mailing list", "mail list")  # one is in each
_FOLLOW_WORDS = ("follow", "connect with")
_LABEL_WORDS = 10  # a label is at most this long
_REVIEWER_WORDS = 30  # a reviewer's box (name and titles) at most this long
_APPEAL_WORDS = 40  # an appeal to join the newsletter or follow the writer at most this long
_LINE_CHARS = 400  # none of these lines is longer than this
_TEASER_WORDS = 50  # a teaser's summary under its linked headline is at most this long
_TEASERS = 2  # a page showing this many teaser cards in its text has a list of other stories
_NOTICE_SHARE = 0.3  # a named box holding this share of the kept text took the story inside
_NAME_SPLIT = re.compile(r"[\s_\-]+|(?<=[a-z])(?=[A-Z])")
_HEADLINE_LINKS = 0.9  # a teaser's headline has at least this share of its text in links
_SUMMARY_LINKS = 0.3  # ... and its summary less than this


def _names_notice(el: lxml.html.HtmlElement) -> bool:
    """A class or id of the element names an appeal or a notice (in a BEM name
    "block__element--modifier", the element)."""
    return _notice_names(el.get("class", ""), el.get("id", ""))


@lru_cache(maxsize=4096)
def _notice_names(classes: str, id_: str) -> bool:
    """_names_notice on an element's class and id (a page repeats a few of them many times)."""
    for name in [*classes.split(), id_]:
        part = name.rsplit("__", 1)[-1].split("--", 1)[0] or name
        if not _NOTICE_WORDS.isdisjoint(w.lower() for w in _NAME_SPLIT.split(part)):
            return True
    return False


def without_notices(blocks: list[Block], keep: list[int], main: lxml.html.HtmlElement) -> list[int]:
    """The kept blocks but those in a box inside `main` named as an appeal or a notice. A box
    holding much of the text is no box: left unclosed, it took the rest of the story inside."""
    boxes: dict[lxml.html.HtmlElement, lxml.html.HtmlElement | None] = {}

    def box(el: lxml.html.HtmlElement | None) -> lxml.html.HtmlElement | None:
        if el is None or el is main:
            return None
        if el not in boxes:
            boxes[el] = el if _names_notice(el) else box(el.getparent())
        return boxes[el]

    held: Counter[lxml.html.HtmlElement] = Counter()
    for i in keep:
        found = box(blocks[i].owner)
        if found is not None:
            held[found] += len(blocks[i].text)
    if not held:
        return keep
    total = sum(len(blocks[i].text) for i in keep)
    notices = {el for el, chars in held.items() if chars < _NOTICE_SHARE * total}
    return [i for i in keep if box(blocks[i].owner) not in notices]


def is_site_line(text: str) -> bool:
    """A line the site adds to its stories: a label, a reviewer's box, an appeal to join its
    newsletter or to follow it elsewhere."""
    if len(text) > _LINE_CHARS:  # most blocks are paragraphs, far longer than these
        return False
    label = _LABEL_LINE.fullmatch(text.strip()) is not None
    reviewer = _REVIEWED.match(text) is not None
    low = text.lower()  # a search is slower: look for the words every match holds first
    appeal = (
        any(w in low for w in _NEWSLETTER_WORDS) and _NEWSLETTER.search(text) is not None
    ) or (any(w in low for w in _FOLLOW_WORDS) and _FOLLOW.search(text) is not None)
    if not (label or reviewer or appeal):
        return False  # most lines: their words need no counting
    size = len(words(text))
    return (
        (label and size <= _LABEL_WORDS)
        or (reviewer and size <= _REVIEWER_WORDS)
        or (appeal and size <= _APPEAL_WORDS)
    )


def _links_to_site(block: Block, url: str) -> bool:
    """The block links to another page of the site at `url` (not to a place in this page)."""
    host, path = site_host(url), _path(url)
    for a in block.owner.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith("#"):
            continue
        try:
            target = urlsplit(urljoin(url, href))
        except ValueError:
            continue
        if target.netloc.lower().removeprefix("www.") == host and target.path.rstrip("/") != path:
            return True
    return False


def teaser_cards(blocks: list[Block], url: str) -> set[int]:
    """Blocks of teaser cards: a headline that is a link to another page of the site, and the
    short summary under it, alone together in one element ("Related articles", a product's
    other guides). A listicle's linked item titles head longer text, or point elsewhere."""
    cards: set[int] = set()
    for j, (head, summary) in enumerate(pairwise(blocks)):
        if (
            head.owner.tag in HEADINGS
            and head.link_density >= _HEADLINE_LINKS
            and summary.owner.tag == "p"
            and summary.link_density < _SUMMARY_LINKS
            and summary.owner.getparent() is head.owner.getparent()
            and (
                j + 2 == len(blocks)
                or blocks[j + 2].owner.getparent() is not head.owner.getparent()
            )
            and len(words(summary.text)) <= _TEASER_WORDS
            and _links_to_site(head, url)
        ):
            cards |= {j, j + 1}
    return cards if len(cards) >= 2 * _TEASERS else set()


def site_host(url: str) -> str:
    """The host of `url`, lower case, without "www."; "" when it is malformed."""
    try:
        netloc = urlsplit(url.strip()).netloc.lower()
    except ValueError:
        return ""
    return netloc.removeprefix("www.")


def _path(url: str) -> str:
    try:
        return urlsplit(url.strip()).path.rstrip("/")
    except ValueError:
        return ""
