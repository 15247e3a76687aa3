"""Site definitions: the built-in catalog (sites.toml) and the user's own [[site]] tables."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from importlib import resources
from types import MappingProxyType
from typing import Any

EMPTY: Mapping[str, str] = MappingProxyType({})
#: When a young article is fetched again after it was first seen, unless a site says otherwise.
RECHECK = (timedelta(hours=1), timedelta(hours=6), timedelta(hours=24), timedelta(hours=72))


@dataclass(frozen=True)
class Site:
    """A publisher newsmon crawls.

    `recheck`: how long after an article was first seen it is fetched again for edits.
    `selectors` maps an article field (title, subtitle, authors, published, modified, body,
    section, tags) to a CSS selector that wins over every generic source for that field.
    `listings` are pages (home, sections) whose article links are followed; `article_pattern`
    is a regex the site's article links match: feed and sitemap entries that do not are
    skipped, and on listing pages it replaces the default rule.
    """

    name: str
    home: str
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    every: timedelta = timedelta(minutes=15)
    recheck: tuple[timedelta, ...] = RECHECK
    selectors: Mapping[str, str] = field(default_factory=lambda: EMPTY)
    listings: tuple[str, ...] = ()
    article_pattern: str | None = None

    @property
    def sources(self) -> tuple[str, ...]:
        """Every configured feed, sitemap and listing page; () means discover from home."""
        return (*self.feeds, *self.sitemaps, *self.listings)


def site_from_dict(entry: Mapping[str, Any]) -> Site:
    """A Site from a catalog table or from the JSON the crawler receives as a setting."""
    return Site(
        name=entry["name"],
        home=entry["home"],
        feeds=tuple(entry.get("feeds", ())),
        sitemaps=tuple(entry.get("sitemaps", ())),
        recheck=tuple(timedelta(seconds=s) for s in entry["recheck"])
        if "recheck" in entry
        else RECHECK,
        selectors=MappingProxyType(dict(entry.get("selectors", {}))),
        listings=tuple(entry.get("listings", ())),
        article_pattern=entry.get("article_pattern"),
    )


def site_to_dict(site: Site) -> dict[str, Any]:
    """What the crawler needs of a site, as JSON-ready values (the inverse of site_from_dict)."""
    return {
        "name": site.name,
        "home": site.home,
        "feeds": list(site.feeds),
        "sitemaps": list(site.sitemaps),
        "recheck": [int(span.total_seconds()) for span in site.recheck],
        "selectors": dict(site.selectors),
        "listings": list(site.listings),
        "article_pattern": site.article_pattern,
    }


def load_catalog() -> dict[str, Site]:
    """The built-in catalog of real tech publishers, by name."""
    text = resources.files("crawler").joinpath("sites.toml").read_text(encoding="utf-8")
    return {entry["name"]: site_from_dict(entry) for entry in tomllib.loads(text)["site"]}
