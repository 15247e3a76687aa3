"""Pages of a kind that is never an article, whatever else they say: forum threads, Q&A pages,
documentation, shop products and shop categories, and the check a site shows a crawler it
suspects of being a bot instead of the page.

Each kind is told by what its software or markup declares: schema.org types (JSON-LD or
microdata), the `generator` meta tag of forum and documentation engines, the URL conventions
of forum engines, a site's forum or docs by name (forum.example.org, /forums/, /docs/),
documentation and shop paths, documentation's "Edit this page" link, TechArticles that a
company rather than a person signs. Blog and news templates also mark up comments and set
og:type "article" on every page, so those weaker signs count only on pages that do not
declare an article object of their own.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from crawler.extract.primitives.jsonld import Node, types_of
from crawler.extract.primitives.page import Page, element_text

# schema.org types of a thread of posts or a question with its answers.
_DISCUSSION_TYPES = frozenset({"discussionforumposting", "qapage"})
_COMMENT_TYPES = frozenset({"comment", "usercomments"})
_FORUM_ENGINES = re.compile(
    r"\b(?:discourse|vbulletin|xenforo|phpbb|mybb|invision|simple machines|flarum|nodebb)\b",
    re.IGNORECASE,
)
# How forum engines spell a thread's address: phpBB, vBulletin, XenForo, Discourse, Reddit,
# SMF, MyBB, Flarum.
_FORUM_PATH = re.compile(
    r"/viewtopic\.php$|/showthread\.php$|/threads/[^/]+\.\d+/?$|/t/[^/]+/\d+(?:/\d+)?/?$|"
    r"/r/\w+/comments/|/thread-\d+[\w-]*\.html$|/d/\d+-",
    re.IGNORECASE,
)
# A site's forum by its name: forum.example.org, example.org/forums/..., /discussions/...
_FORUM_HOST = re.compile(r"^(?:forums?|discuss|discussions?|community|boards?)\.", re.IGNORECASE)
_FORUM_SECTION = re.compile(r"/(?:forums?|discussions?)/", re.IGNORECASE)
_FORUM_QUERY = re.compile(r"(?:^|&)topic=\d", re.IGNORECASE)
_DOC_ENGINES = re.compile(
    r"\b(?:docutils|sphinx|mkdocs|docusaurus|rustdoc|mediawiki|dokuwiki|gitbook|bookdown|"
    r"vitepress|starlight)\b",
    re.IGNORECASE,
)
_DOC_PATH = re.compile(
    r"/(?:docs?|documentation|reference|manual|wiki|man-pages)(?:/|$)", re.IGNORECASE
)
# Plural "docs" is documentation's own word; newspapers file stories under "/doc/<id>" and
# "/reference/", so those count only on pages that do not call themselves articles.
_DOCS_SECTION = re.compile(r"/(?:docs|documentation)/", re.IGNORECASE)
_DOC_HOST = re.compile(r"^docs?\.|\.readthedocs\.io$", re.IGNORECASE)
# The link documentation sites put on every page for readers to correct it.
_EDIT_LINK = re.compile(
    r"^(?:edit (?:this page|page|on github|on gitlab)|suggest an edit|improve this page)\W*$",
    re.IGNORECASE,
)
# A link to the page's own source in a repository, by its label or by an icon alone: the
# Markdown or reStructuredText file a documentation site is built from.
_SOURCE_HREF = re.compile(
    r"/(?:edit|blob)/[^?#]+\.(?:md|mdx|markdown|rst|adoc)(?:$|[?#])", re.IGNORECASE
)
_SOURCE_LABEL = re.compile(
    r"^(?:edit|(?:view|show) (?:the )?source|view (?:this page )?on (?:github|gitlab)|"
    r"make a contribution|contribute to this page)\W*$",
    re.IGNORECASE,
)
# Article types of documentation, and the types of an author that is no person.
_REFERENCE_TYPES = frozenset({"techarticle", "apireference"})
_ORGANIZATION_TYPES = frozenset({"organization", "corporation"})
_SHOP_PATH = re.compile(r"/(?:products?|shop|pdp)/[^/]", re.IGNORECASE)
# WooCommerce's classes on a product's <body>.
_SHOP_BODY = frozenset({"single-product", "product-template-default"})
_PRODUCT_TYPES = frozenset({"product", "individualproduct", "productgroup"})
# Microdata a shop puts on a category page: the products it lists, or the page as a collection.
_CATALOGUE_TYPES = frozenset({"someproducts", "collectionpage", "offercatalog"})
_CATALOGUE_PATH = re.compile(r"/collections(?:/|$)", re.IGNORECASE)
# The titles of the pages bot checks (proof-of-work, CAPTCHA, DDoS shields) show in place of
# the page asked for.
_CHALLENGE_TITLE = re.compile(
    r"^\W*(?:making sure you(?:'|\u2019)?re not a bot|just a moment|attention required|"
    r"access denied|are you a (?:robot|human)|(?:please )?verify (?:that )?you are (?:a )?human|"
    r"checking (?:your browser|if the site connection is secure)|security check(?:point)?|"
    r"one more step|ddos protection by)\b",
    re.IGNORECASE,
)
_CHALLENGE_TEXT = 2000  # chars: a check says what it does in a paragraph or two


def _itemtypes(page: Page) -> set[str]:
    """The microdata types on the page, as lower-case schema.org names."""
    names = set()
    for value in page.tree.xpath("//@itemtype"):
        for itemtype in str(value).split():
            names.add(itemtype.rstrip("/").rsplit("/", 1)[-1].lower())
    return names


def _jsonld_types(page: Page) -> set[str]:
    return set().union(*(types_of(node) for node in page.jsonld.nodes))


def not_an_article(page: Page, url: str) -> str | None:
    """The kind of a page that is no article, else None: "bot check", "forum",
    "documentation", "product" or "catalogue" (a shop's category page).
    """
    if _bot_check(page):
        return "bot check"
    declared = _jsonld_types(page) | _itemtypes(page)
    generator = " ".join(page.meta.get("generator", ()))
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:  # a malformed address: judge by the markup alone
        parts, host = urlsplit(""), ""
    stories = [n for n in page.jsonld.articles() if not types_of(n) & _DISCUSSION_TYPES]
    if declared & _DISCUSSION_TYPES or _FORUM_ENGINES.search(generator):
        return "forum"
    if _FORUM_PATH.search(parts.path) or _FORUM_QUERY.search(parts.query):
        return "forum"
    own_article = bool(stories) or "article" in declared or "blogposting" in declared
    if declared & _COMMENT_TYPES and not own_article:
        return "forum"
    if not own_article and (_FORUM_HOST.search(host) or _FORUM_SECTION.search(parts.path)):
        return "forum"
    if _DOC_ENGINES.search(generator) or _company_reference(page, stories):
        return "documentation"
    doc_place = _DOC_PATH.search(parts.path) or _DOC_HOST.search(host)
    if doc_place and not own_article and not _says_article(page):
        return "documentation"
    if _DOCS_SECTION.search(parts.path) and not own_article:
        return "documentation"  # whatever og:type a documentation engine sets
    if not own_article and _invites_edits(page):
        return "documentation"
    if page.body_classes & _SHOP_BODY:
        return "product"
    if declared & _PRODUCT_TYPES and not own_article and "offer" in declared:
        return "product"
    if _SHOP_PATH.search(parts.path) and not own_article:
        return "product"
    if not own_article and (declared & _CATALOGUE_TYPES or _CATALOGUE_PATH.search(parts.path)):
        return "catalogue"
    return None


def _bot_check(page: Page) -> bool:
    """A bot check's page: its <title> says it checks the visitor, and its text is short (a
    story may be headlined "Access denied"; it goes on for longer).
    """
    title = page.tree.find(".//title")
    if title is None or not _CHALLENGE_TITLE.match(element_text(title)):
        return False
    body = page.tree.find("body")
    return body is None or len(element_text(body)) < _CHALLENGE_TEXT


def _company_reference(page: Page, stories: list[Node]) -> bool:
    """Technical articles that a company, not a person, signs: its product's documentation.

    Every article object of the page is a TechArticle (or APIReference) and none names a
    person as its author; a developer's post marked up as a TechArticle names its writer.
    """
    if not stories or not all(types_of(n) & _REFERENCE_TYPES for n in stories):
        return False
    for node in stories:
        value = node.get("author")
        for author in value if isinstance(value, list) else [value]:
            author = page.jsonld.resolve(author)
            if isinstance(author, dict) and not types_of(author) & _ORGANIZATION_TYPES:
                return False  # a person, or an author of no stated type
            if isinstance(author, str) and author.strip():
                return False
    return True


def _says_article(page: Page) -> bool:
    return (page.first_meta("og:type") or "").lower() == "article"


def _invites_edits(page: Page) -> bool:
    """The page links to a place where readers edit it ("Edit this page", "Edit on GitHub"),
    or to its own source file in a repository under a label such as "Edit", "Show source" or
    an icon alone (a story may link to a repository's file, under words of its own).
    """
    for link in page.tree.iter("a"):
        text = element_text(link)
        if _EDIT_LINK.match(text):
            return True
        if (not text or _SOURCE_LABEL.match(text)) and _SOURCE_HREF.search(link.get("href") or ""):
            return True
    return False
