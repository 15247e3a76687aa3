"""Article links on listing pages (home, section pages) of sites without feeds; no I/O.

A link counts when the site's `article_pattern` (a regex searched in the absolute URL) matches
it, or, without a pattern, when its path looks like a story's: a date (`/2024/06/11/`,
`/20240611/`), a numeric id (`/news/123456`, `-a123456.html`), or a long slug
(`/raspberry-pi-shares-jump-in-london`) under a headline-long link text; and none of its
segments names a tag, author, category, topic, search, forum or page-number listing. Links
leave the site only for its own subdomains.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from crawler.discovery.feeds import FeedEntry, _absolute, html_page

_LISTING_SEGMENTS = frozenset(
    {
        "tag", "tags", "topic", "topics", "thema", "themen", "schlagwort", "category",
        "categories", "kategorie", "rubrique", "section", "sections", "author", "authors",
        "autor", "autoren", "auteur", "people", "profile", "profiles", "user", "users",
        "contributor", "contributors", "staff", "team", "search", "suche", "page", "pages",
        "archive", "archives", "login", "signin", "register", "subscribe", "newsletter",
        "newsletters", "account", "about", "contact", "privacy", "terms", "legal", "imprint",
        "impressum", "jobs", "careers", "advertise", "feed", "feeds", "rss", "sitemap", "wp-admin",
        "wp-login.php", "cart", "shop", "store", "events", "podcasts", "deals", "coupons",
        "forum", "forums", "comments", "series", "hub", "hubs", "cookies", "help", "faq",
    }
)  # fmt: skip
_NOT_PAGES = re.compile(
    r"\.(?:jpe?g|png|gif|webp|svg|pdf|zip|mp[34]|xml|rss|atom|json|css|js|ico)$", re.I
)
_PAGINATION_QUERY = re.compile(r"(?:^|&)(?:page|p|paged|offset|start)=\d+", re.I)
_DATED = re.compile(
    r"/(?:19|20)\d\d/(?:0?[1-9]|1[0-2]|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)(?:/|$)"
    r"|/(?:19|20)\d\d[01]\d[0-3]\d(?:/|$)",
    re.I,
)
_NUMERIC_ID = re.compile(r"(?:^|[/_.-])[a-z]?\d{5,}(?:[/_.-]|$)", re.I)
_WORDS = re.compile(r"[^\W_]+")


def looks_like_article(link: str, home: str, text: str | None = None) -> bool:
    """Whether `link` (absolute) has the path of a story on the site of `home`.

    A date or a numeric id in the path is enough. A long slug alone is not (sections have
    slugs too: `/ai-artificial-intelligence`): it needs link `text` of four words or more, as
    headlines have and section names do not, or, for an image link without text, five words.
    """
    evidence = _path_evidence(link, home)
    if evidence != "slug":
        return evidence == "strong"
    words = len(_WORDS.findall(text or ""))
    return words >= 4 if text else _slug_words(urlsplit(link).path) >= 5


def _path_evidence(link: str, home: str) -> str | None:
    """ "strong" (a date or an id), "slug" (a long slug only) or None (not a story's path)."""
    parts = urlsplit(link)
    if not _same_site(parts.hostname or "", urlsplit(home).hostname or ""):
        return None
    path = parts.path
    segments = [s for s in path.lower().split("/") if s]
    if not segments or _NOT_PAGES.search(path) or _PAGINATION_QUERY.search(parts.query):
        return None
    if any(s in _LISTING_SEGMENTS for s in segments):
        return None
    if _DATED.search(path) and not segments[-1].isdigit():
        return "strong"  # /2024/06/11/slug or /2024/06/slug, not the archive /2024/06/
    if _NUMERIC_ID.search(path):
        return "strong"
    words = _slug_words(path)
    return "slug" if words >= 4 or (words == 3 and len(segments[-1]) >= 16) else None


def _slug_words(path: str) -> int:
    segments = [s for s in path.split("/") if s]
    stem = re.sub(r"\.(?:s?html?|php|aspx?)$", "", segments[-1]) if segments else ""
    return len(_WORDS.findall(stem))


def _same_site(host: str, home_host: str) -> bool:
    host, home_host = host.removeprefix("www."), home_host.removeprefix("www.")
    return bool(host) and (host == home_host or host.endswith("." + home_host))


def find_article_links(
    html: bytes | str, url: str, *, home: str | None = None, pattern: str | None = None
) -> list[FeedEntry]:
    """Links to articles on a listing page, in page order, once each, with their link text.

    `pattern` (a regex searched in each absolute link) replaces the default rule; `home` (default
    `url`) says which site is this one. Fragments are dropped; the page itself never counts.
    """
    parsed = html_page(html, url)
    if parsed is None:
        return []
    root, base = parsed
    wanted = re.compile(pattern) if pattern else None
    site = home or url
    itself = _without_fragment(url)
    found: dict[str, FeedEntry] = {}
    for anchor in root.iter("a"):
        link = _absolute(anchor.get("href"), base)
        if link is None:
            continue
        link = _without_fragment(link)
        if link == itself or (link in found and found[link].title):
            continue
        text = " ".join("".join(t for t in anchor.itertext() if isinstance(t, str)).split())
        ok = wanted.search(link) if wanted else looks_like_article(link, site, text)
        if not ok:
            continue
        found[link] = FeedEntry(
            link=link,
            guid=None,
            title=text or (found[link].title if link in found else None),
            published=None,
            updated=None,
            source="listing",
        )
    return list(found.values())


def _without_fragment(link: str) -> str:
    parts = urlsplit(link)
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))
