"""Turn bylines into person names: no "By", no roles, no e-mail, one name per entry."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

_PREFIX = re.compile(
    r"^(?:(?:written|posted|reported|text|words|story|photos?|interview)\s+)?"
    r"(?:by|von|par|door|por|av|af|przez|от|texto?|autor(?:in)?|author|"
    r"redakcja|reporter)\s*[:.]?\s+",
    re.IGNORECASE,
)
_LABEL = re.compile(
    r"^(?:autor(?:in)?|author|authors|byline|von|text|texte|texto|текст|reporting)\s*:\s*", re.I
)
_SEPARATORS = re.compile(
    r"\s*(?:,|;|\||\b(?i:and|und|et|en|og|och)\b|\s(?:y|e|i|u\.)\s|&|\+|/\s)\s*",
)
_NOISE = re.compile(
    r"\([^)]*\)|\[[^\]]*\]|https?://\S+|\S+@\S+\.\w+|(?<!\w)@\w+|\bupdated\b.*$|"
    r"\bpublished\b.*$|\d{1,2}:\d{2}.*$",
    re.IGNORECASE,
)
_ROLE_WORDS = frozenset(
    [
        "reporter",
        "reporters",
        "correspondent",
        "correspondents",
        "editor",
        "editors",
        "writer",
        "writers",
        "staff",
        "contributor",
        "contributors",
        "columnist",
        "journalist",
        "analyst",
        "producer",
        "senior",
        "chief",
        "deputy",
        "managing",
        "associate",
        "executive",
        "political",
        "economics",
        "business",
        "tech",
        "technology",
        "science",
        "health",
        "news",
        "desk",
        "team",
        "redaktion",
        "redakteur",
        "redakteurin",
        "korrespondent",
        "korrespondentin",
        "rédaction",
        "rédacteur",
        "redacción",
        "redazione",
        "redactie",
        "foto",
        "photo",
        "photos",
        "photographer",
        "video",
        "agency",
        "agentur",
        "opinion",
        "guest",
        "updated",
        "more",
        "articles",
        "follow",
        "view",
        "profile",
        "bio",
        "contact",
        "email",
        "twitter",
        "consultant",
        "director",
        "manager",
        "coordinator",
        "specialist",
        "strategist",
        "founder",
        "co-founder",
        "ceo",
        "officer",
        "president",
        "winemaker",
        "기자",
        "특파원",
        "記者",
        "记者",
        "特派員",
    ]
)
# Titles that end "Jane Doe Senior Autos Reporter"; a team's name ("Travel Desk") keeps its own.
_JOB_TITLES = frozenset(
    {
        "reporter",
        "correspondent",
        "columnist",
        "journalist",
        "analyst",
        "consultant",
        "director",
        "manager",
        "coordinator",
        "specialist",
        "strategist",
        "officer",
        "president",
        "winemaker",
    }
)
_ROLE_SUFFIXES = frozenset({"기자", "특파원", "記者", "记者", "特派員"})
_NOT_NAMES = frozenset(
    [
        "twitter",
        "facebook",
        "linkedin",
        "instagram",
        "whatsapp",
        "mail",
        "share",
        "teilen",
        "follow",
        "folgen",
        "min",
        "minutes",
        "read",
        "comments",
        "kommentare",
        "login",
        "article",
        "takeaways",
        "written",
        "author",
        "serve",
        "buy",
        "paid",
        "pin",
    ]
)
_PARTICLES = frozenset(
    [
        "von",
        "van",
        "der",
        "den",
        "de",
        "da",
        "di",
        "del",
        "della",
        "la",
        "le",
        "du",
        "bin",
        "al",
        "el",
        "ibn",
        "zu",
        "y",
        "e",
    ]
)
_BULLET = re.compile(r"[\u25cf\u00bb\u00ab\u203a]")  # "Jane Doe \u25cf December 3", "More \u00bb"
_MORE_ABOUT = re.compile(r"^(?:more\s+(?:about|from|by)|about|meet)\s+", re.IGNORECASE)
_MAX_WORDS = 6
_MAX_LENGTH = 60


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+", text.casefold())


class _Combining(dict[int, int | None]):
    """A str.translate table that deletes combining marks, filled as characters are met (a
    page's whole text goes through name_key: translate is C, a loop over it is not)."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.combining(chr(code)) else code
        self[code] = kept
        return kept


_NO_COMBINING = _Combining()


def name_key(name: str) -> str:
    """A key that equates spellings of one name differing in case, accents or punctuation."""
    folded = unicodedata.normalize("NFKD", name.casefold())
    return " ".join(re.findall(r"\w+", folded.translate(_NO_COMBINING)))


def _is_role(piece: str) -> bool:
    words = _words(piece)
    return bool(words) and all(word in _ROLE_WORDS for word in words)


def _clean_piece(piece: str, *, desks: bool = False) -> str | None:
    text = " ".join(_BULLET.split(piece)[0].split()).strip(" \t-\u2013\u2014:\u00b7\u2022|,")
    text = _MORE_ABOUT.sub("", text)
    text = _LABEL.sub("", text)
    text = _PREFIX.sub("", text)
    text = text.strip(" -\u2013\u2014:\u00b7\u2022|,.")
    words = text.split()
    if len(words) > 2 and words[-1].casefold() in {"in", "on", "at"}:
        words.pop()  # "Jane Doe In" before a category's link
    while len(words) > 1 and words[-1] in _ROLE_SUFFIXES:  # "홍길동 기자"
        words.pop()
    if (
        len(words) > 2
        and _words(words[-1])[-1:]
        and _words(words[-1])[-1] in _JOB_TITLES
        and not any(w in _ROLE_WORDS for w in _words(" ".join(words[:2])))
    ):
        words = _before_role(words)  # "Jane Doe Senior Autos Reporter"
    text = " ".join(words)
    if not text or (_is_role(text) and not desks) or not re.search(r"[^\W\d_]", text):
        return None
    if len(text) > _MAX_LENGTH or len(text.split()) > _MAX_WORDS:
        return None
    if text.isupper() and len(text) > 4 and " " in text:
        text = text.title()
    return text


def _before_role(words: list[str]) -> list[str]:
    """A name's words without the job title after them: the first two, or three when the
    middle one is an initial or a particle ("Jane Q. Doe", "Anna van Berg")."""
    keep = 3 if len(words) > 3 and (len(words[1].strip(".")) == 1 or words[1] in _PARTICLES) else 2
    return words[:keep]


def split_byline(byline: str, *, desks: bool = False) -> list[str]:
    """The names in one byline string: "By A and B, Reporter" -> ["A", "B"]."""
    text = _NOISE.sub(" ", " ".join(byline.split()))
    text = _LABEL.sub("", text.strip())
    text = _PREFIX.sub("", text)
    names: list[str] = []
    for piece in _SEPARATORS.split(text):
        name = _clean_piece(piece, desks=desks)
        if name and names and _words(name)[:1] == ["former"]:
            continue  # "Jane Doe, Former McKinsey Consultant"
        if name and names and _words(name)[-1:] and _words(name)[-1] in _ROLE_WORDS:
            continue  # "Jane Doe, Energy Correspondent": the role of the name before
        if name:
            names.append(name)
    return names


def is_site_name(name: str, sites: Iterable[str], hosts: Iterable[str] = ()) -> bool:
    """True when `name` is the publication's own name rather than a person's."""
    key = name_key(name)
    compact = key.replace(" ", "")
    for site in sites:
        site_key = name_key(site)
        if site_key and (compact == site_key.replace(" ", "") or key.startswith(site_key + " ")):
            return True
    words = key.split()
    initials = "".join(w[0] for w in words) if len(words) >= 2 else ""
    for host in hosts:
        label = name_key(host)
        if label and (compact == label.replace(" ", "") or key.startswith(label + " ")):
            return True
        if initials and label == initials:  # "Deutsche Welle" on dw.com
            return True
    return False


def looks_like_name(name: str) -> bool:
    """A strict test for names read from visible page text: two or more capitalised words."""
    words = name.split()
    if not 2 <= len(words) <= 5 or re.search(r"\d", name):
        return False
    if any(w.casefold().strip(".,") in _NOT_NAMES for w in words):
        return False
    return all(w[:1].isupper() or not w[:1].islower() or w in _PARTICLES for w in words)


def clean_names(values: Iterable[str], *, desks: bool = False) -> list[str]:
    """Distinct names from raw author values, dropping URLs, e-mail addresses and roles."""
    names: list[str] = []
    seen: set[str] = set()
    for value in values:
        if re.match(r"^\s*(?:https?:)?//|^\s*(?:www\.)?[\w-]+(?:\.[\w-]+)+/", value):
            continue
        for name in split_byline(value, desks=desks):
            words = _words(name)
            if names and words and (words[0] == "former" or words[-1] in _JOB_TITLES):
                continue  # ["Jane Doe", "Marketing Director"]: the role of the name before
            key = name_key(name)
            if key and key not in seen:
                seen.add(key)
                names.append(name)
    return names


_OTHER_CREDIT = re.compile(
    r"(?:reviewed|checked|researched|edited|illustrated|photographed|photos?|illustrations?)"
    r"\s+by\s*:?\s*$",
    re.IGNORECASE,
)


def credited_otherwise(element: Any) -> bool:
    """True for a name that follows "Reviewed by", "Fact checked by", "Photos by": a person
    who checked or illustrated the story rather than wrote it."""
    before = " ".join(" ".join(element.xpath("preceding::text()[position() <= 12]")).split())
    return bool(_OTHER_CREDIT.search(before[-40:]))


def is_latin(names: list[str]) -> bool:
    """True when the names are written in Latin letters: a name in another script may be the
    same person as one the page shows in Latin letters, so it is not known to be missing."""
    return all(ord(c) < 0x250 for n in names for c in n if c.isalpha())
