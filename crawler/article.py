"""Article: the one record extraction produces and the crawler stores."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class Article:
    """What a news page says about itself, normalised.

    `published` and `modified` are tz-aware datetimes keeping the page's own UTC offset, or a
    plain `date` when the page gives a day without a time.
    """

    url: str
    title: str
    body: str
    subtitle: str | None = None
    authors: tuple[str, ...] = ()
    published: datetime | date | None = None
    modified: datetime | date | None = None
    language: str | None = None
    section: str | None = None
    tags: tuple[str, ...] = field(default=())
    image: str | None = None
