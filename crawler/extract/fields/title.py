"""The headline of a page, without the site's name, section or date around it."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

from crawler.extract.primitives.jsonld import texts, types_of
from crawler.extract.primitives.page import Page, element_text
from crawler.extract.primitives.publisher import site_names, title_key

_SITE_SEPARATOR = re.compile(
    r"\s+[|\-\u2013\u2014\u00b7\u2022\u00bb*:/]{1,2}\s+|\s*[|\uff5c\uff1a]\s*"
)
_SAFE_SEPARATOR = re.compile(r"\s*[|\uff5c]\s*|\s+[\u00b7\u2022\u00bb*/]\s+")
_COMMA_TAIL = re.compile(r",\s*([^,]+)$")
_DASH = re.compile(r"\s+[-\u2013\u2014]\s+")
_DOMAIN = re.compile(
    r"\b[\w-]+\.(?:com|net|org|co|de|at|ch|fr|it|es|uk|be|nl|ca|au|in|io|news)\b", re.IGNORECASE
)


def _is_site(segment: str, sites: list[str], *, opening: bool = False) -> bool:
    """True when a title segment names the site. A segment that opens the title holds the
    site's name with at most two words more ("Harbour Trust News | ..."); one that follows the
    headline may hold it anywhere ("... | The Go Programming Language")."""
    key = title_key(segment)
    if not key or _DOMAIN.search(segment):
        return True
    compact = key.replace(" ", "")
    for site in sites:
        site_key = title_key(site)
        if not site_key:
            continue
        if compact == site_key.replace(" ", ""):
            return True
        padded, site_padded = f" {key} ", f" {site_key} "
        if len(key) < 40 and padded in site_padded:
            return True
        extra = len(key.split()) - len(site_key.split())
        if len(key) < 40 and site_padded in padded and (not opening or extra <= 2):
            return True
        if " " not in site_key and _abbreviates(key, site_key):
            return True
    return False


def _abbreviates(key: str, label: str) -> bool:
    """True when a host label abbreviates a name: "nytimes" for "The New York Times"."""
    words = key.split()
    if words[:1] == ["the"]:
        words = words[1:]
    if len(words) < 2 or len(label) < 2:
        return False
    initials = "".join(w[0] for w in words)
    return label in {initials, initials[:-1] + words[-1]}


def _is_removable(segment: str, sites: list[str], *, opening: bool = False) -> bool:
    """A title segment that names the site, a date, or an author rather than the story."""
    stripped = segment.strip()
    if re.fullmatch(r"[\d\s./:-]{6,}", stripped) or re.match(r"(?i)by\s", stripped):
        return True
    return _is_site(stripped, sites, opening=opening)


def strip_site_name(title: str, sites: list[str], *, headline: bool = False) -> str:
    """A title without the site's name and what hangs off it: "Headline - Section | Site".

    A short tail after a long headline counts as a section's name even when the page does not
    name it, unless `title` is a headline proper (JSON-LD, <h1>) and the tail follows a dash:
    there it is the headline's own ending ("Fire in a factory - Heavy smoke").
    """
    text = " ".join(title.split())
    first, _, rest = text.partition(" ")
    if rest and "." in first and first.casefold() in {s.casefold() for s in sites}:
        text = rest  # "example.com Headline" on example.com
    for site in sites:  # "Site: Headline"
        if len(site) > 2 and text.casefold().startswith(site.casefold() + ":"):
            text = text[len(site) + 1 :].strip()
            break
    pieces = _SITE_SEPARATOR.split(text)
    separators = _SITE_SEPARATOR.findall(text)
    # "Headline | Site | Section - Date": the site's name ends the headline.
    cut = next((i for i in range(1, len(pieces)) if _is_site(pieces[i], sites)), len(pieces))
    del pieces[cut:], separators[cut - 1 :]
    while len(pieces) > 1 and _is_removable(pieces[-1], sites):
        pieces.pop()
        separators.pop()
    while len(pieces) > 1 and _is_removable(pieces[0], sites, opening=True):
        pieces.pop(0)
        separators.pop(0)
    if len(pieces) > 1:
        # "Headline | Section" or "Headline - Section": a short tail after a long headline.
        head, tail = " ".join(pieces[:-1]).split(), pieces[-1].split()
        limit, minimum = (3, 3) if _SAFE_SEPARATOR.fullmatch(separators[-1]) else (2, 5)
        if _DASH.fullmatch(separators[-1]) and (headline or not all(w[:1].isupper() for w in tail)):
            limit = 0
        if len(tail) <= limit and len(head) >= minimum:
            pieces.pop()
            separators.pop()
    result = pieces[0] + "".join(
        sep + piece for sep, piece in zip(separators, pieces[1:], strict=True)
    )
    while (tail := _COMMA_TAIL.search(result)) and _is_removable(tail.group(1), sites):
        result = result[: tail.start()]  # "Headline, Site, 26.04.2024"
    return result.strip().rstrip(" :|,\u2013\u2014-") or text


def title(page: Page, selectors: Mapping[str, str]) -> str | None:
    """The headline: site selector, JSON-LD, OpenGraph, other meta, <title>, then <h1>.

    Site names, dates and bylines around the text are removed; the sources' versions then
    outvote the first one where it was cut short or carries a topic the others leave out.
    """
    chosen = page.selected_texts(selectors, "title")
    if chosen:
        return chosen[0]
    sites = site_names(page)
    raw = [  # (text, whether it is a headline proper rather than a page title)
        (page.article_text("headline"), True),
        (page.first_meta("og:title"), False),
        (page.first_meta("twitter:title"), False),
        (page.article_text("name"), False),
        *((text, True) for text in page.microdata("headline")[:1]),
        (page.first_meta("parsely-title", "sailthru.title", "dc.title", "dcterms.title"), False),
        *((element_text(e), False) for e in page.tree.xpath("//title")[:1]),
        *((text, True) for text in _headings(page)[:1]),
    ]
    sections = [t for v in page.article_values("articleSection") for t in texts(v)]
    sites = [*sites, *sections, *page.meta.get("article:section", ())]
    candidates = [
        strip_site_name(_unescaped(c), sites, headline=headline)
        for c, headline in raw
        if c and c.strip() and len(c) < 1000
    ]
    candidates = [c for c in candidates if title_key(c)]
    # where every source gives the "site's name", the markup named the site after the page
    candidates = [c for c in candidates if not _only_site(c, page)] or candidates
    if not candidates:
        return None
    page_title = next((element_text(e) for e in page.tree.xpath("//title")[:1]), "")
    return _shown(page, _choose(candidates), strip_site_name(page_title, sites))


_ENTITY = re.compile(r"&(?:#\d{2,7}|#x[0-9a-fA-F]{2,6}|[a-zA-Z]{2,8});")


def _unescaped(text: str) -> str:
    """A text escaped twice by the page ("And finally&#8230;", "SQL &amp; AI") read once more."""
    return html.unescape(text) if _ENTITY.search(text) else text


def _headings(page: Page) -> list[str]:
    """The texts of the page's <h1>s, each once (a copy for another screen size is the same
    heading), without those that give only the site's name (a logo)."""
    texts_ = [_unescaped(" ".join(element_text(e).split())) for e in page.tree.xpath("//h1")]
    seen: set[str] = set()
    headings = []
    for text in texts_:
        key = title_key(text)
        if key and key not in seen and not _only_site(text, page):
            headings.append(text)
        seen.add(key)
    return headings


def _only_site(text: str, page: Page) -> bool:
    """True when a source gives only the site's name ("Robomow"): no headline to offer."""
    names = {title_key(site).replace(" ", "") for site in site_names(page)}
    return title_key(text).replace(" ", "") in names


_NEAR = 0.3  # share of words a page's <h1> must have in common with the chosen title


_SEGMENTS = re.compile(r"\s*[|\uff5c\uff0d]\s*|\s+[\u00b7\u2022]\s+")


def _segment_shown(page: Page, chosen: str) -> str | None:
    """The one part of a title split by separators ("Headline | Site", "Site - Headline")
    that the page's <h1> repeats: the h1 tells the headline from the site's name."""
    parts = [p for p in _SEGMENTS.split(chosen) if p.strip()]
    if len(parts) < 2:
        return None
    headings = {title_key(element_text(e)) for e in page.tree.xpath("//h1")[:3]} - {""}
    matches = [p.strip() for p in parts if title_key(p) in headings]
    return matches[0] if len(matches) == 1 else None


def _shown(page: Page, chosen: str, page_title: str) -> str:
    """The page's one <h1> instead of `chosen` when it is another wording of the same title.

    Outside news (a NewsArticle's headline is the newsroom's own), og:title and JSON-LD are
    often written for search results and social cards, and the <h1> is what the reader is
    shown. An <h1> that adds a topic or kicker to the chosen title keeps the chosen one; one
    that completes it ("Title: what the guide covers") is the headline, unless what it adds
    follows a dash or reads "Posted on ..." (the site's name, the post's byline). Where the
    page's own <title> says what the <h1> says, both outvote another wording of og:title or
    JSON-LD, unless that is only a shorter form of the <h1>.
    """
    confirmed = _segment_shown(page, chosen)
    if confirmed:
        return confirmed
    if any("newsarticle" in types_of(node) for node in page.jsonld.articles()):
        return chosen
    headings = _headings(page)
    if len(headings) != 1:
        return chosen
    shown = headings[0]
    words, chosen_words = set(title_key(shown).split()), set(title_key(chosen).split())
    if title_key(page_title) == title_key(shown) != title_key(chosen) and not chosen_words < words:
        return shown  # the page's <title> and its <h1> agree against the social title
    if not page.first_meta("og:title"):
        return chosen
    rest = shown[len(chosen) :] if shown.casefold().startswith(chosen.casefold()) else None
    extends = rest is not None and not _TAIL.match(rest)
    if (chosen_words <= words and not extends) or len(shown) >= 1000:
        return chosen
    if len(words & chosen_words) >= _NEAR * len(words | chosen_words):
        return shown
    return chosen


_TAIL = re.compile(r"\s+[-\u2013\u2014|(]|\s+\w+\s+(?:on|by)\b")  # " - Site", " Posted on"
_KICKER = re.compile(r".{2,80}?(?::|\s[-\u2013\u2014|/])\s+(\S.*)")
_ELLIPSIS = re.compile(r"(?:\.\.\.|\u2026)$")


def _without_kicker(text: str) -> str | None:
    """ "Topic: Headline" without its topic; None when there is no such prefix."""
    match = _KICKER.fullmatch(text)
    return match.group(1) if match else None


def _choose(candidates: list[str]) -> str:
    """The headline among the sources' versions, the most trusted first.

    The first version stands unless the others show it to be cut short (and none of them
    repeats it as it is), or most of them give it without its "Topic: " prefix.
    """
    keys = [title_key(c) for c in candidates]
    best = candidates[0]
    stem = best.rstrip(".\u2026 ")
    confirmed = keys.count(keys[0]) > 1 and not _ELLIPSIS.search(best)
    for other in candidates[1:]:
        rest = other[len(stem) :].lstrip() if other.startswith(stem) else ""
        if len(stem) >= 40 and rest[:1].isalnum() and not confirmed:
            best = other  # the first source cut the headline short
            break
    # "Topic: Headline" where more sources give the headline alone than with the topic.
    headline = _without_kicker(best)
    if headline and keys.count(title_key(headline)) > keys.count(title_key(best)):
        return headline
    return best
