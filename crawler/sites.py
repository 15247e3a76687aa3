"""Site definitions: the built-in catalog (sites.toml) and the user's own [[site]] tables."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from importlib import resources
from types import MappingProxyType

EMPTY: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True)
class Site:
    """A publisher newsmon crawls.

    `selectors` maps an article field (title, subtitle, authors, published, modified, body,
    section, tags) to a CSS selector that wins over every generic source for that field.
    """

    name: str
    home: str
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    every: timedelta = timedelta(minutes=15)
    selectors: Mapping[str, str] = field(default_factory=lambda: EMPTY)


def load_catalog() -> dict[str, Site]:
    """The built-in catalog of real tech publishers, by name."""
    text = resources.files("crawler").joinpath("sites.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    return {
        entry["name"]: Site(
            name=entry["name"],
            home=entry["home"],
            feeds=tuple(entry.get("feeds", ())),
            sitemaps=tuple(entry.get("sitemaps", ())),
            selectors=MappingProxyType(dict(entry.get("selectors", {}))),
        )
        for entry in data["site"]
    }
