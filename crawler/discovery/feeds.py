"""Feed parsing and feed autodiscovery; pure functions, no I/O.

`parse_feed` reads RSS 0.9x/1.0/2.0, Atom (1.0 and 0.3) and JSON Feed 1.x, sniffing the format from
the bytes (never from the file name or the content type) and tolerating what real feeds get wrong:
junk before `<?xml`, encodings declared only in the prolog or only in the header, HTML entities in
XML, undeclared namespace prefixes, and documents that are not well-formed (read with lxml's
recovering parser). `find_feed_links` finds the feeds a page announces with `<link rel=alternate>`.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from html import unescape
from html.entities import html5 as _HTML5_ENTITIES
from urllib.parse import urljoin, urlsplit

import charset_normalizer
from lxml import etree

from crawler.dates import parse_feed_date as parse_date
from crawler.encoding import charset_codecs, decode_bom, decode_strict, header_charset

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FeedEntry:
    """One article found by discovery: where it is, and what its source says about it.

    `source` is the kind of source: "feed", "sitemap", "news-sitemap" (a Google News sitemap)
    or "listing" (a link on a home or section page). `updated` is a feed entry's update time or
    a sitemap's `lastmod`; `summary` is plain text, `keywords` a feed's categories or a news
    sitemap's `news:keywords`.
    """

    link: str
    guid: str | None
    title: str | None
    published: datetime | None
    updated: datetime | None
    summary: str | None = None
    keywords: tuple[str, ...] = ()
    source: str = "feed"


class FeedError(ValueError):
    """Nothing at all could be read from a feed; the message says why."""


def parse_feed(body: bytes, url: str, *, content_type: str | None = None) -> list[FeedEntry]:
    """Entries of an RSS, Atom or JSON feed, in feed order, one per article link.

    Links are made absolute against `xml:base` and `url`; entries without an http(s) link are
    skipped. Raises only FeedError, and only when nothing at all can be read.
    """
    try:
        entries = _parse(body, url, content_type)
    except FeedError:
        raise
    except Exception as e:  # the contract: callers handle FeedError and nothing else
        raise FeedError(f"could not read the feed at {url}: {type(e).__name__}: {e}") from e
    seen: set[str] = set()
    unique = []
    for entry in entries:
        if entry.link not in seen:
            seen.add(entry.link)
            unique.append(entry)
    return unique


def _parse(body: bytes, url: str, content_type: str | None) -> list[FeedEntry]:
    text = _decode(bytes(body), content_type).lstrip("\ufeff\x00 \t\r\n")
    if not text:
        raise FeedError(f"the feed at {url} is empty")
    if text[0] in "{[":
        return _parse_json(text, url)
    if text[0] != "<":
        raise FeedError(f"the feed at {url} is neither XML nor JSON: it starts with {text[:30]!r}")
    if _HTML_START.match(text[:65536]):
        raise FeedError(f"{url} looks like an HTML page, not a feed; look for its feed links")
    return _parse_xml(_repair_xml(text), url)


# --- decoding -------------------------------------------------------------------------------

_PROLOG_ENCODING = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)")


def _decode(body: bytes, content_type: str | None) -> str:
    """Text of `body` by BOM, XML prolog, the header's charset, UTF-8, else a guess.

    A declared encoding is used only if the bytes decode with it; ISO-8859-1 is read as
    Windows-1252, as browsers do, when the bytes allow. Unlike `decode_html` for pages, a
    declaration is tried before UTF-8, as XML parsers do.
    """
    if (text := decode_bom(body)) is not None:
        return text
    if body[:2] in (b"\x00<", b"<\x00"):
        return body.decode("utf-16-be" if body[0] == 0 else "utf-16-le", errors="replace")
    declared = []
    if match := _PROLOG_ENCODING.match(body[:1024]):
        declared.append(match.group(1).decode("ascii"))
    if label := header_charset(content_type):
        declared.append(label)
    for name in [*declared, "utf-8"]:
        for codec in charset_codecs(name):
            if codec.startswith(("utf-16", "utf-32")):
                continue  # declared but without a BOM and not laid out as such: a wrong label
            if (text := decode_strict(body, codec)) is not None:
                return text
    guesses = charset_normalizer.from_bytes(body)
    best = guesses.best()
    if best is None:
        return body.decode("cp1252", errors="replace")
    # Few non-ASCII bytes make guesses tie; the web's commonest legacy encoding wins a tie.
    tied = [guess for guess in guesses if guess.chaos <= best.chaos]
    return str(next((guess for guess in tied if guess.encoding == "cp1252"), best))


# --- XML ------------------------------------------------------------------------------------

_HTML_START = re.compile(
    r"(?:<\?[^>]*>\s*|<!--.*?-->\s*)*(?:<!doctype\s+html|<html[\s>])", re.I | re.S
)
_PROLOG = re.compile(r"<\?xml[^>]*>")
_NOT_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_REFERENCES = re.compile(
    r"<!\[CDATA\[.*?(?:\]\]>|\Z)|<!--.*?(?:-->|\Z)"  # unclosed: to the end, once (linear)
    r"|&(#[0-9]+;|#[xX][0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9._-]*;)?",
    re.S,
)
_DECLARED_ENTITY = re.compile(r"<!ENTITY\s+([A-Za-z][A-Za-z0-9._-]*)")
_XML_ENTITIES = frozenset({"amp", "lt", "gt", "quot", "apos"})


def _repair_xml(text: str) -> str:
    """Drop the prolog (the text is decoded already), characters XML forbids, and turn HTML
    entities (`&nbsp;`) into character references and bare `&` into `&amp;`; CDATA is left alone.
    """
    text = _NOT_XML_CHARS.sub(
        "", _PROLOG.sub("", text, count=1) if text.startswith("<?xml") else text
    )
    declared = set(_DECLARED_ENTITY.findall(text[:65536]))

    def fix(match: re.Match[str]) -> str:
        reference = match.group(1)
        if not match.group(0).startswith("&"):
            return match.group(0)  # CDATA or comment
        if reference is None:
            return "&amp;"
        name = reference[:-1]
        if reference.startswith("#") or name in _XML_ENTITIES or name in declared:
            return match.group(0)
        if reference in _HTML5_ENTITIES:
            return "".join(f"&#{ord(char)};" for char in _HTML5_ENTITIES[reference])
        return "&amp;" + reference

    return _REFERENCES.sub(fix, text)


_ATOM = frozenset({"http://www.w3.org/2005/Atom", "http://purl.org/atom/ns#", ""})
_RSS = frozenset(
    {
        "",
        "http://purl.org/rss/1.0/",
        "http://my.netscape.com/rdf/simple/0.9/",
        "http://backend.userland.com/rss2",
        "http://blogs.law.harvard.edu/tech/rss",
    }
)
_DC = "http://purl.org/dc/elements/1.1/"
_DCTERMS = "http://purl.org/dc/terms/"
_ATOM10 = "http://www.w3.org/2005/Atom"
_FEEDBURNER = "http://rssnamespace.org/feedburner/ext/1.0"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
# Prefixes used without being declared (recovered documents keep them in the tag name).
_PREFIXES = {"dc": _DC, "dcterms": _DCTERMS, "atom": _ATOM10, "feedburner": _FEEDBURNER}
_HTML_TAGS = frozenset({"html", "head", "body", "div", "p", "a", "img", "span", "table", "script"})


def _parse_xml(text: str, url: str) -> list[FeedEntry]:
    parser = etree.XMLParser(recover=True, no_network=True, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(text.encode("utf-8"), parser, base_url=url)
    except etree.XMLSyntaxError as e:
        raise FeedError(f"the feed at {url} is not XML that can be read: {e}") from e
    if root is None:
        raise FeedError(f"the feed at {url} is not XML that can be read: no root element")
    if len(parser.error_log):
        logger.debug("recovered from broken XML in %s: %s", url, parser.error_log[0])
    namespace, kind = _name(root)
    if kind == "html":
        raise FeedError(f"{url} looks like an HTML page, not a feed; look for its feed links")
    if kind in ("rss", "rdf", "item"):
        items = [el for el in root.iter() if _is(el, _RSS, "item")]
        return [entry for el in items if (entry := _rss_entry(el, url)) is not None]
    if kind == "feed" and namespace in _ATOM:
        items = [el for el in root.iter() if _is(el, _ATOM, "entry")]
        return [entry for el in items if (entry := _atom_entry(el, url)) is not None]
    what = "an HTML fragment" if kind in _HTML_TAGS else f"<{kind}>"
    raise FeedError(f"{url} is {what}, not a feed: expected <rss>, <rdf:RDF> or an Atom <feed>")


def _name(el: etree._Element) -> tuple[str, str]:
    """(namespace URI, lower-case local name) of an element; ("#", "") for comments and PIs."""
    tag = el.tag
    if not isinstance(tag, str):
        return "#", ""
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        return namespace, local.lower()
    prefix, _, local = tag.rpartition(":")
    return _PREFIXES.get(prefix, prefix), local.lower()


def _is(el: etree._Element, namespaces: frozenset[str] | str, local: str) -> bool:
    namespace, name = _name(el)
    return name == local and (namespace == namespaces or namespace in namespaces)


def _kids(
    el: etree._Element, namespaces: frozenset[str] | str, *locals_: str
) -> list[etree._Element]:
    """Children named by any of `locals_`, in the order of `locals_` (then document order)."""
    return [child for local in locals_ for child in el if _is(child, namespaces, local)]


def _text(el: etree._Element | None) -> str:
    return "".join(t for t in el.itertext() if isinstance(t, str)).strip() if el is not None else ""


def _first_date(els: list[etree._Element]) -> datetime | None:
    for el in els:
        if (value := parse_date(_text(el))) is not None:
            return value
    return None


def _rss_entry(item: etree._Element, url: str) -> FeedEntry | None:
    base = item.base or url
    guid_el = next(iter(_kids(item, _RSS, "guid")), None)
    guid = _text(guid_el) or None
    candidates = [_text(el) for el in _kids(item, _FEEDBURNER, "origlink")]
    links = _kids(item, _RSS, "link") or [el for el in item.iter() if _is(el, _RSS, "link")]
    candidates += [_text(el) or el.get("href", "") for el in links]  # nested: broken markup
    candidates += [el.get("href", "") for el in _kids(item, _ATOM10, "link")]
    if guid_el is not None and guid_el.get("isPermaLink", "true").strip().lower() != "false":
        candidates.append(guid or "")
    candidates.append(item.get(f"{{{_RDF}}}about", ""))
    link = next((u for c in candidates if (u := _absolute(c, base))), None)
    if link is None:
        return None
    titles = _kids(item, _RSS, "title") + _kids(item, _DC, "title")
    return FeedEntry(
        link=link,
        guid=guid,
        title=_title(titles[0], markup=None) if titles else None,
        published=_first_date(
            _kids(item, _RSS, "pubdate")
            + _kids(item, _DC, "date")
            + _kids(item, _DCTERMS, "issued", "created")
            + _kids(item, _ATOM10, "published")
        ),
        updated=_first_date(
            _kids(item, _ATOM10, "updated")
            + _kids(item, _DCTERMS, "modified")
            + _kids(item, _DC, "modified")  # not a DC 1.1 element, but feeds write it so
        ),
        summary=_summary(_kids(item, _RSS, "description") + _kids(item, _DC, "description")),
        keywords=_keywords([_text(el) for el in _kids(item, _RSS, "category")]),
    )


def _atom_entry(entry: etree._Element, url: str) -> FeedEntry | None:
    links = _kids(entry, _ATOM, "link")
    alternates = [el for el in links if el.get("rel", "alternate").strip() == "alternate"]
    html_alternates = [el for el in alternates if "html" in el.get("type", "html")]
    candidates = [(_text(el), entry.base) for el in _kids(entry, _FEEDBURNER, "origlink")]
    candidates += [(el.get("href", ""), el.base) for el in html_alternates + alternates + links]
    link = next((u for c, base in candidates if (u := _absolute(c, base or url))), None)
    if link is None:
        return None
    titles = _kids(entry, _ATOM, "title")
    return FeedEntry(
        link=link,
        guid=_text(next(iter(_kids(entry, _ATOM, "id")), None)) or None,
        title=_title(titles[0], markup=titles[0].get("type", "text")) if titles else None,
        published=_first_date(
            _kids(entry, _ATOM, "published", "issued", "created") + _kids(entry, _DC, "date")
        ),
        updated=_first_date(_kids(entry, _ATOM, "updated", "modified")),
        summary=_summary(_kids(entry, _ATOM, "summary", "content")),
        keywords=_keywords(
            [el.get("label") or el.get("term") or "" for el in _kids(entry, _ATOM, "category")]
        ),
    )


_LOOKS_LIKE_MARKUP = re.compile(r"&(#[0-9]+|#x[0-9a-f]+|[a-z]+[0-9]*);|</?[a-z][^<>]*>", re.I)
_TAG = re.compile(r"<[^<>]*>")


def _title(el: etree._Element, *, markup: str | None) -> str | None:
    """Plain text of a title; `markup` is Atom's type attribute, None for RSS (sniffed)."""
    kind = (markup or "").strip().lower()
    text = "".join(t for t in el.itertext() if isinstance(t, str))
    if kind in ("html", "text/html") or (markup is None and _LOOKS_LIKE_MARKUP.search(text)):
        text = unescape(_TAG.sub("", text))
    return " ".join(text.split()) or None


SUMMARY_CHARS = 2000


def _summary(els: list[etree._Element]) -> str | None:
    """Plain text of the first non-empty summary (markup stripped), cut to SUMMARY_CHARS."""
    for el in els:
        text = "".join(t for t in el.itertext() if isinstance(t, str))
        if _LOOKS_LIKE_MARKUP.search(text):
            text = unescape(_TAG.sub(" ", text))
        if text := " ".join(text.split()):
            return text[:SUMMARY_CHARS]
    return None


def _keywords(values: list[str]) -> tuple[str, ...]:
    found: list[str] = []
    for value in values:
        word = " ".join(value.split())
        if word and word not in found:
            found.append(word)
    return tuple(found)


def _absolute(href: object, base: str) -> str | None:
    """`href` made absolute against `base` if the result is an http(s) URL, else None."""
    if not isinstance(href, str) or not href.strip():
        return None
    try:
        link = urljoin(base, href.strip())
        parts = urlsplit(link)
    except ValueError:
        return None
    return link if parts.scheme in ("http", "https") and parts.hostname else None


# --- JSON Feed ------------------------------------------------------------------------------


def _parse_json(text: str, url: str) -> list[FeedEntry]:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as e:
        raise FeedError(f"the feed at {url} looks like JSON but is not valid JSON: {e}") from e
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise FeedError(f"{url} is JSON but not a JSON Feed: it has no top-level 'items' list")
    entries = []
    for item in data["items"]:
        if not isinstance(item, dict):
            continue
        link = _absolute(item.get("url"), url) or _absolute(item.get("external_url"), url)
        if link is None:
            continue
        guid = item.get("id")
        title = item.get("title")
        published, updated = item.get("date_published"), item.get("date_modified")
        summary = item.get("summary") or item.get("content_text")
        tags = item.get("tags")
        entries.append(
            FeedEntry(
                link=link,
                guid=str(guid).strip() or None
                if isinstance(guid, str | int) and not isinstance(guid, bool)
                else None,
                title=" ".join(title.split()) or None if isinstance(title, str) else None,
                published=parse_date(published) if isinstance(published, str) else None,
                updated=parse_date(updated) if isinstance(updated, str) else None,
                summary=" ".join(summary.split())[:SUMMARY_CHARS] or None
                if isinstance(summary, str)
                else None,
                keywords=_keywords([t for t in tags if isinstance(t, str)])
                if isinstance(tags, list)
                else (),
            )
        )
    return entries


# --- autodiscovery --------------------------------------------------------------------------

_FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/feed+json",
        "application/x-rss+xml",
        "application/x-atom+xml",
    }
)


def html_page(html: bytes | str, url: str) -> tuple[etree._Element, str] | None:
    """A page parsed leniently, and the base its links resolve against (`<base href>`, else
    `url`); None when there is nothing to read."""
    data = html.encode("utf-8", errors="replace") if isinstance(html, str) else bytes(html)
    if not data.strip():
        return None
    parser = etree.HTMLParser(encoding="utf-8" if isinstance(html, str) else None, no_network=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        return None
    if root is None:
        return None
    base = url
    for element in root.iter("base"):
        if href := (element.get("href") or "").strip():
            base = _absolute(href, url) or url
        break
    return root, base


def find_feed_links(html: bytes | str, url: str) -> list[str]:
    """Absolute URLs of the feeds a page announces with `<link rel="alternate" type=...>`.

    RSS, Atom and JSON Feed types count (not plain `application/json`, which is WordPress's API);
    links are resolved against `<base href>` and `url`, deduplicated, in page order.
    """
    parsed = html_page(html, url)
    if parsed is None:
        return []
    root, base = parsed
    found: list[str] = []
    for element in root.iter("link"):
        rel = (element.get("rel") or "").lower().split()
        media_type = (element.get("type") or "").split(";")[0].strip().lower()
        if "alternate" not in rel or media_type not in _FEED_TYPES:
            continue
        link = _absolute(element.get("href"), base)
        if link is not None and link not in found:
            found.append(link)
    return found
