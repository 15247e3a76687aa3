"""Reading articles by publication time, narrowed by full-text search: for backfilling a watch
and for backtesting a query (`newsmon match --backfill`, `newsmon watch test`, `newsmon search`).

An article's time is its publication date, or when it was first stored if the page gave none;
times are compared in UTC.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlite_utils import Database

from crawler.store.articles import StoredArticle

_COLUMNS = (
    "articles.id, articles.url, articles.site, articles.title, articles.subtitle, articles.body, "
    "articles.authors, articles.tags, articles.published, articles.revision, articles.change_seq"
)
_WHEN = "datetime(COALESCE(articles.published, articles.first_seen))"
_PAGE = 50  # articles read per query by newest_first()


def _utc(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def published_since(db: Database, when: datetime, *, upto: int) -> Iterator[StoredArticle]:
    """Articles published (else first stored) at or after `when`, with change_seq <= `upto`,
    oldest change first."""
    for row in db.execute_returning_dicts(
        f"SELECT {_COLUMNS} FROM articles WHERE {_WHEN} >= ? AND change_seq <= ? "
        "ORDER BY change_seq",
        [_utc(when), upto],
    ):
        yield StoredArticle(**row)


@dataclass(frozen=True)
class Words:
    """Articles that may hold these words in a row (case-folded ASCII; with `prefix`, the last
    one may go on): in the title or body by full-text search, or in the standfirst, which the
    index does not hold, if it has each word somewhere or any non-ASCII character."""

    words: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class AllOf:
    """Articles that every part allows."""

    parts: tuple[Narrowing, ...]


@dataclass(frozen=True)
class AnyOf:
    """Articles that some part allows."""

    parts: tuple[Narrowing, ...]


Narrowing = Words | AllOf | AnyOf


def _where(narrowing: Narrowing) -> tuple[str, list[str]]:
    if isinstance(narrowing, Words):
        phrase = '"' + " ".join(narrowing.words) + '"' + ("*" if narrowing.prefix else "")
        each = " AND ".join("instr(lower(s.subtitle), ?) > 0" for _ in narrowing.words)
        # One set of ids, so that SQLite looks the candidates up by id instead of scanning
        # every article; the standfirst test reads only the index on subtitle.
        return (
            "articles.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? "
            f"UNION SELECT s.id FROM articles s WHERE s.subtitle GLOB ? OR ({each}))",
            [phrase, "*[^ -~]*", *narrowing.words],
        )
    parts = [_where(part) for part in narrowing.parts]
    joiner = " AND " if isinstance(narrowing, AllOf) else " OR "
    return "(" + joiner.join(sql for sql, _ in parts) + ")", [p for _, ps in parts for p in ps]


def newest_first(
    db: Database, narrowing: Narrowing | None, *, since: datetime, site: str | None = None
) -> Iterator[StoredArticle]:
    """Articles published (else first stored) at or after `since`, newest first; with a
    `narrowing`, only those it allows; with a `site`, only that site's."""
    where, params = f"{_WHEN} >= ?", [_utc(since)]
    if site is not None:
        where, params = f"{where} AND articles.site = ?", [*params, site]
    if narrowing is not None:
        sql, more = _where(narrowing)
        where, params = f"{sql} AND {where}", [*more, *params]
    # Sort ids only, then read the rows a page at a time: a caller that stops after a few
    # matches never reads (or sorts) every body the narrowing lets through.
    ids = [
        int(row[0])
        for row in db.execute(
            f"SELECT articles.id FROM articles WHERE {where} "
            f"ORDER BY {_WHEN} DESC, articles.id DESC",
            params,
        ).fetchall()
    ]
    for start in range(0, len(ids), _PAGE):
        page = ids[start : start + _PAGE]
        marks = ", ".join("?" for _ in page)
        rows = {
            row["id"]: row
            for row in db.execute_returning_dicts(
                f"SELECT {_COLUMNS} FROM articles WHERE articles.id IN ({marks})", page
            )
        }
        for article_id in page:
            yield StoredArticle(**rows[article_id])


def sites(db: Database) -> list[str]:
    """The names of the sites articles are stored from, sorted."""
    return [str(r[0]) for r in db.execute("SELECT DISTINCT site FROM articles ORDER BY site")]
