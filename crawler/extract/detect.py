"""Whether a page is an article at all: home, section, tag, search and product pages are not,
nor the forum, documentation and shop pages `kinds` recognises.

Runs before and beside the field readers; a listing returns no article.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from urllib.parse import urldefrag, urljoin, urlsplit

import lxml.html  # type: ignore[import-untyped, unused-ignore]

from crawler.extract.kinds import not_an_article
from crawler.extract.primitives.blocks import reading_length, word_set
from crawler.extract.primitives.dateline import shown_dates
from crawler.extract.primitives.jsonld import NOT_ARTICLE_TYPES, types_of
from crawler.extract.primitives.page import Page, element_text
from crawler.urls import is_home_page

_LISTING_PATH = re.compile(
    r"/(?:tags?|category|categories|topics?|thema|themen?|rubrik|section|sections|archives?|"
    r"authors?|autor|autoren|auteurs?|schlagworte?|stichworte?|search|suche|recherche|"
    r"page/\d+)(?:/|$)",
    re.IGNORECASE,
)
# A path that ends in the name of a kind of page lists pages of that kind: /news, /blog/.
_SECTION_END = re.compile(
    r"/(?:news|blog|articles|stories|latest|issues|press|newsroom)/?$", re.IGNORECASE
)
_DATED_PATH = re.compile(r"/(?:19|20)\d\d/(?:0?[1-9]|1[0-2])/")
_SEARCH_QUERY = re.compile(r"(?:^|&)(?:q|s|query|search|keys|term)=", re.IGNORECASE)
_NOT_ARTICLE_OG = frozenset({"website", "product", "product.item", "profile", "book"})
# The template a WordPress or Ghost page names on <body>: an archive of a category, tag, author
# or date (WordPress adds "archive" and the kind), search results, the blog's home, a later
# page of a list; or a single post. Each needs its WordPress companion class, so that a
# site's own "archive" class on an old story does not count.
_LISTING_BODY = frozenset(
    {"search-results", "search-no-results", "home-template", "tag-template", "author-template"}
)
_ARCHIVE_KINDS = frozenset({"category", "tag", "author", "date", "post-type-archive"})
_STORY_BODY = frozenset({"single", "single-post", "post-template"})
_HEADINGS = "ancestor::h2 | ancestor::h3 | ancestor::h4 | ancestor::h5 | ancestor::h6"
_HEADING_LINK = f"{_HEADINGS} | .//h2 | .//h3 | .//h4 | .//h5 | .//h6"
_MIN_TEASERS = 8
# Chars of text blocks side by side, outside teaser cards, that make a page a story when they
# are also at least half as long as the teasers' text (a section's blurb is short beside them).
_STORY_PROSE = 1000
_CARD_CHARS = 600  # a teaser card holds one headline link and at most this much text
_NOT_PROSE = frozenset({"a", "script", "style", "noscript", "template"})
_BLOCK_TAGS = frozenset({"p", "div", "td", "li", "dd", "blockquote", "section", "article", "main"})
_MIN_BLOCK = 40  # chars: shorter blocks are bylines, dates, labels


def has_article_signal(page: Page) -> bool:
    return bool(page.article) or (page.first_meta("og:type") or "").lower() == "article"


def looks_like_listing(page: Page, url: str, canonical: str) -> bool:
    """Home pages, section, tag, search and product pages: what a site shows that is no story."""
    if _home(url) or _home(canonical):
        return True
    # Some sites point every page's canonical at the home page: believe it only on pages
    # that do not otherwise say they are articles.
    # Only when every address the page declares is the home page: a canonical naming the
    # story outweighs an og:url left at the site's root, and an address whose host is
    # garbled ("example.org%2Fposts%2F...") declares nothing.
    declared = [*page.links.get("canonical", ())[:1], *page.meta.get("og:url", ())[:1]]
    declared = [u for u in declared if "%" not in _host(u)]
    homes = [u for u in declared if _home(u)]
    if homes and len(homes) == len(declared) and not has_article_signal(page):
        return True
    if not_an_article(page, url) is not None:
        return True
    og_type = (page.first_meta("og:type") or "").lower()
    if og_type.startswith("product") or _declares_listing(page):
        return True
    if page.article:  # a review may carry Product data and still be a story
        return False
    parts = urlsplit(url)
    if _SEARCH_QUERY.search(parts.query) or _SECTION_END.search(parts.path):
        return True
    if has_article_signal(page):
        return False
    if page.jsonld.top_has_type(NOT_ARTICLE_TYPES):
        return True
    return bool(_LISTING_PATH.search(parts.path)) and not _story_like(url)


def _home(address: str) -> bool:
    """A site's front page; an empty address (a page whose URL is not known) is none."""
    return bool(address.strip()) and is_home_page(address)


def _host(url: str) -> str:
    """The network location of `url`; "" when it is malformed (an unclosed IPv6 bracket)."""
    try:
        return urlsplit(url.strip()).netloc
    except ValueError:
        return ""


def _story_like(url: str) -> bool:
    """A URL whose last part reads like a story's slug or id, not like a section's name."""
    segments = [s for s in urlsplit(url).path.split("/") if s]
    last = re.sub(r"\.\w{2,5}$", "", segments[-1]) if segments else ""
    if len(segments) >= 3 and _DATED_PATH.search(urlsplit(url).path) and not last.isdigit():
        return True  # /archives/2025/12/16/vibe_coding.html: a dated address with a slug
    return len(re.split(r"[-_]", last)) >= 4 or bool(re.search(r"\d{5,}", last))


def _declares_listing(page: Page) -> bool:
    """The page says it lists stories, whatever its og:type: a WordPress or Ghost archive,
    search or paged template, or a top-level JSON-LD CollectionPage, SearchResultsPage or
    ProfilePage with no article object beside it.
    """
    classes = page.body_classes
    if classes & _STORY_BODY or any(c.startswith("postid-") for c in classes):
        return False
    archive = "archive" in classes and any(
        c in _ARCHIVE_KINDS or c.startswith("tax-") for c in classes
    )
    paged = "paged" in classes and any(c.startswith("paged-") for c in classes)
    if classes & _LISTING_BODY or archive or paged or {"home", "blog"} <= classes:
        return True
    return page.jsonld.declares_listing()


def lists_teasers(page: Page, url: str, canonical: str, published: datetime | date | None) -> bool:
    """A page of many linked headlines, little prose beside them and no sign of being a story.

    og:type "article" alone is a weak sign (some sites set it on every page, their sections
    too): such a page lists teasers when its longest prose is under a quarter of their text,
    however short (a listicle of linked picks has long paragraphs between them, a short
    story beside its related links more text than their headlines). A video page is a story,
    however many videos it suggests next, unless its address is a listing's (/topic/...,
    /tag/...): a topic page may lead with a video.
    """
    if page.article or page.body_classes & _STORY_BODY:
        return False
    og_type = (page.first_meta("og:type") or "website").lower()
    if og_type not in _NOT_ARTICLE_OG | {"article"}:
        return False
    path = urlsplit(url).path
    listing_path = bool(_LISTING_PATH.search(path)) and not _story_like(url)
    if not listing_path and any("videoobject" in types_of(n) for n in page.jsonld.top):
        return False  # a video page is a story, however many videos it suggests next
    headlines, teaser_chars, prose = _teasers(page, {url, canonical})
    # a short story beside its related links has more prose than a quarter of their text
    weak = og_type == "article"
    limit = teaser_chars / 4 if weak else max(_STORY_PROSE, teaser_chars / 2)
    if headlines < _MIN_TEASERS or prose >= limit:
        return False
    return published is None or not _story_like(url) or bool(_LISTING_PATH.search(path))


def _teasers(page: Page, addresses: set[str]) -> tuple[int, int, int]:
    """How many headline links lead to other pages, the reading length of their cards' text
    and of the longest run of prose outside them (`reading_length`).
    """
    here = {_address(address) for address in addresses}
    links: list[tuple[lxml.html.HtmlElement, str]] = []
    for link in page.tree.iter("a"):
        href = (link.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:")):
            continue
        target = _address(page.url, href)
        if target and target not in here and _is_headline_link(link):
            links.append((link, target))
    cards = _cards(links)
    teaser_chars = sum(reading_length(element_text(card)) for card in cards)
    return len({target for _, target in links}), teaser_chars, _longest_prose(page, cards)


def _cards(links: list[tuple[lxml.html.HtmlElement, str]]) -> set[lxml.html.HtmlElement]:
    """Each headline link's card: the largest element around it that holds no other headline
    link and little text. A teaser's summary, byline and time are not the page's prose.
    """
    holders: dict[lxml.html.HtmlElement, set[str]] = {}
    for link, target in links:
        for ancestor in link.iterancestors():
            holders.setdefault(ancestor, set()).add(target)
    cards = set()
    for link, _ in links:
        card = link
        for ancestor in link.iterancestors():
            if len(holders[ancestor]) > 1 or len(ancestor.text_content()) > _CARD_CHARS:
                break
            card = ancestor
        cards.add(card)
    return cards


def _longest_prose(page: Page, cards: set[lxml.html.HtmlElement]) -> int:
    """The reading length of the largest group of text blocks (paragraphs, or text between
    <br>s) under one element up to three levels up, outside cards and links.
    """
    blocks: dict[lxml.html.HtmlElement, int] = {}
    for text in page.tree.xpath("//body//text()"):
        element = text.getparent()
        if element is None:
            continue
        around = (
            list(element.iterancestors()) if text.is_tail else [element, *element.iterancestors()]
        )
        if any(e in cards or not isinstance(e.tag, str) or e.tag in _NOT_PROSE for e in around):
            continue
        block = next((e for e in around if e.tag in _BLOCK_TAGS), None)
        if block is not None:
            blocks[block] = blocks.get(block, 0) + reading_length(" ".join(text.split()))
    groups: dict[lxml.html.HtmlElement, int] = {}
    for block, chars in blocks.items():
        if chars >= _MIN_BLOCK:
            for holder in list(block.iterancestors())[:3]:
                groups[holder] = groups.get(holder, 0) + chars
    return max(groups.values(), default=0)


def _address(base: str, href: str = "") -> str | None:
    """`href` resolved against `base`, without its fragment; None when malformed."""
    try:
        return urldefrag(urljoin(base, href)).url
    except ValueError:  # a malformed address, such as an unclosed IPv6 bracket
        return None


def _is_headline_link(link: lxml.html.HtmlElement) -> bool:
    """In a heading, holding one, or five words and more standing alone (not inside prose)."""
    if link.xpath(_HEADING_LINK):
        return True
    text = element_text(link)
    if len(text.split()) < 5:
        return False
    paragraph = next(link.iterancestors("p"), None)
    return paragraph is None or len(element_text(paragraph)) <= 1.5 * len(text)


# Path words of sections that hold stories, and of those that hold pages of another kind:
# services, shops, courses, forums (documentation places are `kinds`'s, and spare og:type
# article there). Topics and tags are listings' words: `looks_like_listing` and
# `lists_teasers` judge them, and an encyclopaedia files its articles under /topic/.
_STORY_SECTIONS = word_set(
    "blog blogs article articles post posts news story stories insights features guides "
    "magazine journal notes resources reviews tips advice press newsroom editorial opinion "
    "updates"
)
_OTHER_SECTIONS = word_set(
    "services service solutions programs program department departments products product "
    "platform pricing what-we-do browse c collections shop store category categories courses "
    "course locations catalog catalogs dp list forum forums t threads get-started"
)
# JSON-LD types of what a business offers or is, rather than of something it wrote.
_OFFER_TYPES = word_set(
    "localbusiness service product course educationaloccupationalprogram professionalservice "
    "collegeoruniversity hvacbusiness faqpage softwareapplication"
)
# A question of several words ("What is SEO? (Search Engine Optimization)"), or a how-to.
_QUESTION = re.compile(r"^\W*(?:\w+\W+){2,}\w+\s*\?|^\W*how to\b", re.IGNORECASE)
# A headline that counts, ranks or compares what it covers: "15 language apps compared",
# "Best website builders for 2026", "Laptop vs. desktop".
_RANKS = re.compile(
    r"^\W*(?:the\s+)?(?:top\s+)?\d{1,3}\s+[^\W\d]+\s+\w+\s+\w+|"
    r"\b(?:best|top)\b.*\b(?:19|20)\d\d\b|\b(?:19|20)\d\d\b.*\b(?:best|top)\b|"
    r"\w\s+(?:vs\.?|versus)\s+\w|\bcompared\b",
    re.IGNORECASE,
)
# The name of an online tool, as the first part of a headline: "Retirement calculator:
# estimate how much you need", "Free SEO Checker". Stories about tools name them in the plural
# ("A guide to retirement calculators") or say more after the name.
_TOOL_NAME = re.compile(
    r"\b(?:calculator|checker|estimator|converter|generator)\s*$", re.IGNORECASE
)
_TOOL_WORDS = 4  # a tool's name is short: "Retirement income calculator"
_DETERMINERS = word_set("the a an this that these my our your why how what when new")
_HEADLINE_PARTS = re.compile(r"\s*(?::|\s[|\u2013\u2014-])\s")
_CODE_BLOCKS = 2
_STORY_SLUG_WORDS = 5  # a last path part of this many words reads as a story's headline
_DATED_META = ("article:published_time", "datepublished", "og:published_time", "pubdate")


def lacks_story_signs(page: Page, url: str, headline: str, *, byline: bool) -> bool:
    """A page that shows little of a story and something of a service, shop, course or
    documentation page.

    Either at most one of a publication date (or <time>), a byline and a single-post template
    and no article object, an address that does not read like a story's, and a section of
    another kind in its path, an offer's JSON-LD or a headline that names a tool (a
    calculator, a checker: `_names_a_tool`); or code examples that no one signs or dates
    (`_code_without_author`); or a page that reads like a landing page
    (`reads_like_a_landing_page`).

    Evergreen guides are stories without dates or bylines too; they keep a story's address
    (a headline slug, a blog or news section) or a headline that asks what they answer
    (`_explains`). A page with no sign either way stays a story.
    """
    segments = _segments(url)
    if _names_a_tool(headline) and _story_signs(page, byline=byline) <= 1:
        return not _story_address(segments)
    if _explains(headline):
        return False
    if _story_signs(page, byline=byline) <= 1 and not _story_address(segments):
        sections = set(segments[:-1])
        offers = not page.article and any(types_of(n) & _OFFER_TYPES for n in page.jsonld.nodes)
        if sections & _OTHER_SECTIONS or offers:
            return True
    if _code_without_author(page, segments, byline=byline):
        return True
    return reads_like_a_landing_page(page, url, headline, byline=byline)


def _names_a_tool(headline: str) -> bool:
    """A headline whose first part is an online tool's name, a few words ending in
    "calculator", "checker" and the like ("Retirement calculator: how much do I need?"); it may
    go on to ask a question as an explainer does.
    """
    first = _HEADLINE_PARTS.split(headline.strip(), maxsplit=1)[0]
    words = first.lower().split()
    if not words or len(words) > _TOOL_WORDS or words[0] in _DETERMINERS:
        return False  # "The new AI image generator: what it means" is a story's headline
    return bool(_TOOL_NAME.search(first))


def _code_without_author(page: Page, segments: list[str], *, byline: bool) -> bool:
    """Documentation: code examples (`_CODE_BLOCKS` <pre> blocks and more) on a page that no
    one signs or dates (no byline, no date in the markup or beside the headline, no article
    object or post template), outside a blog or news section. A programmer's blog post with
    code has an author and a day.
    """
    if _story_signs(page, byline=byline) or _story_section(segments):
        return False
    if len(page.tree.xpath("//pre")) < _CODE_BLOCKS:
        return False
    return not any(not shown.updated for shown in shown_dates(page.tree))


def _story_signs(page: Page, *, byline: bool) -> int:
    """Signs of a story: its own article object (counting twice), a byline the markup marks
    as such (`_signed`), a date in the markup, a single-post template.
    """
    return sum(
        (
            2 * bool(page.article),  # the page's own article object outweighs one more sign
            byline and _signed(page),
            _dated_in_markup(page),
            _post_template(page),
        )
    )


def _post_template(page: Page) -> bool:
    """The <body> of a WordPress or Ghost single post."""
    return bool(page.body_classes & _STORY_BODY) or any(
        c.startswith("postid-") for c in page.body_classes
    )


def _segments(url: str) -> list[str]:
    """The parts of the URL's path, lower-cased; [] when the URL is malformed."""
    try:
        return [s.lower() for s in urlsplit(url).path.split("/") if s]
    except ValueError:
        return []


def _story_address(segments: list[str]) -> bool:
    """An address that reads like a story's: a headline slug, a blog or news section, a year."""
    last = re.sub(r"\.\w{2,5}$", "", segments[-1]) if segments else ""
    return (
        _story_section(segments)
        or any(re.fullmatch(r"(?:19|20)\d\d", s) for s in segments[:-1])
        or len([w for w in re.split(r"[-_+]", last) if w]) >= _STORY_SLUG_WORDS
    )


def _story_section(segments: list[str]) -> bool:
    """A section of the path that holds stories: /blog/, /news/, or a compound of one such
    as /garden-guides/ or /company-news/.
    """
    return any(
        section in _STORY_SECTIONS or section.rsplit("-", 1)[-1] in _STORY_SECTIONS
        for section in segments[:-1]
    )


def _explains(headline: str) -> bool:
    """A headline that asks what the story answers ("What is a smartphone?", "How to ..."),
    or that counts, ranks or compares what it covers ("15 language apps compared", "Best
    website builders for 2026", "Laptop vs. desktop").

    Explainers, guides, listicles and reviews are stories without dates or bylines on sites
    that sell too; a service or product page names what it offers instead.
    """
    return bool(_QUESTION.search(headline[:300]) or _RANKS.search(headline[:300]))


def _dated_in_markup(page: Page) -> bool:
    """The page marks a publication date: its article object, a meta tag or a <time> element.

    A WebPage's datePublished does not count: SEO plugins date every page of a site so,
    services and shop pages too.
    """
    if any("datePublished" in node for node in page.jsonld.articles()):
        return True
    if any(page.meta.get(name) for name in _DATED_META):
        return True
    return bool(page.tree.xpath("//time"))


# What a landing page asks its reader to do: start, book, buy, call. Stories link to
# "Read more" and "Share"; these are a business's calls to action.
_CALL_TO_ACTION = re.compile(
    r"^(?:get (?:started|a (?:free )?(?:quote|demo|consultation))|"
    r"request (?:a )?(?:demo|quote|consultation|info\w*)|book (?:a |an |your )?\w+|"
    r"contact (?:us|sales)|talk to (?:an? )?\w+|schedule (?:a |an |your )?\w+|sign up|"
    r"start (?:your )?free trial|try (?:it )?(?:for )?free|buy now|add to (?:cart|bag|basket)|"
    r"shop now|learn more|apply now|enroll now|get (?:in touch|help)|call (?:us|now)|"
    r"free consultation|see pricing|view pricing|compare plans|get quote)\b",
    re.IGNORECASE,
)
_CART = re.compile(r"\badd to (?:cart|bag|basket)\b|^buy now\b", re.IGNORECASE)
_PRICE = re.compile(r"[$€£¥]\s?\d[\d,.]*|\d[\d,.]*\s?(?:€|USD|EUR|GBP)\b")
_LANDING_SIGNS = 5  # of the nine counted in `reads_like_a_landing_page`
_CALLS = (4, 10)  # calls to action that count as one sign, and as a second
_PROSE_SHARE = (0.2, 0.1)  # the longest run of prose under this share of the page's text
_SHORT_HEADLINE = 5  # words: a product's or service's name, not a story's headline
_PRICES = 5


def reads_like_a_landing_page(page: Page, url: str, headline: str, *, byline: bool) -> bool:
    """A service, product or shop page: no sign that would make it a story, and most of the
    marks of a page built to sell.

    A story is spared by its own article object, a single-post template, a date beside its
    headline, or an address that reads like a story's. Otherwise the page is a landing page
    when it shows at least `_LANDING_SIGNS` of: calls to action (two at `_CALLS[1]`), text
    broken into short blurbs with no long run of prose (two when the longest run is under a
    tenth of the page), a headline of a few words, prices or an add-to-cart button, no byline
    the markup marks as such, no date in the markup, a WordPress static page (not a post). An
    evergreen guide without date or byline still tells a story at length, under a headline
    that says what it covers.
    """
    if page.article or _post_template(page) or _story_address(_segments(url)):
        return False
    texts = [element_text(e) for e in page.tree.iter("a", "button")]
    calls = sum(1 for text in texts if len(text) < 40 and _CALL_TO_ACTION.match(text))
    body = page.tree.find("body")
    page_text = element_text(body) if body is not None else ""
    selling = len(_PRICE.findall(page_text)) >= _PRICES or any(_CART.search(t) for t in texts)
    signs = (
        sum(calls >= n for n in _CALLS)
        + (len(headline.split()) < _SHORT_HEADLINE)
        + selling
        + (not (byline and _signed(page)))
        + (not _dated_in_markup(page))
        + any(c.startswith(("page-id-", "page-template")) for c in page.body_classes)
    )
    if signs + len(_PROSE_SHARE) < _LANDING_SIGNS:
        return False  # the costlier measures below cannot make up the difference
    if any(not shown.updated for shown in shown_dates(page.tree)):
        return False  # a date beside the headline: a story's dateline
    share = _longest_prose(page, set()) / max(1, reading_length(page_text))
    signs += sum(share < limit for limit in _PROSE_SHARE)
    return signs >= _LANDING_SIGNS


_AUTHOR_META = ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator")


def _signed(page: Page) -> bool:
    """The markup names an author: a meta tag, JSON-LD, microdata, rel=author, an author
    link or an element classed as a byline. Names found only by reading the page's text may
    be a button's label on a page that sells.
    """
    if any(page.meta.get(name) for name in _AUTHOR_META) or "author" in page.links:
        return True
    if any("author" in node for node in page.jsonld.nodes) or page.itemprops.get("author"):
        return True
    return bool(
        page.tree.xpath(
            "//a[contains(@href, '/author/') or contains(@rel, 'author')]"
            " | //*[contains(@class, 'byline') or contains(@class, 'author')]"
        )
    )
