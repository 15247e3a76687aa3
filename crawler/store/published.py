"""Reading articles by publication time, narrowed by full-text search: for backfilling a watch
and for backtesting a query (`newsmon match --backfill`, `newsmon watch test`).

An article's time is its publication date, or when it was first stored if the page gave none;
times are compared in UTC.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from sqlite_utils import Database

from crawler.store.articles import StoredArticle

_COLUMNS = (
    "articles.id, articles.url, articles.site, articles.title, articles.subtitle, articles.body, "
    "articles.authors, articles.tags, articles.published, articles.revision, articles.change_seq"
)
_WHEN = "datetime(COALESCE(articles.published, articles.first_seen))"


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


def newest_first(db: Database, fts: str | None, *, since: datetime) -> Iterator[StoredArticle]:
    """Articles published (else first stored) at or after `since`, newest first; with `fts`, only
    those whose title or body match that FTS5 query."""
    if fts is None:
        sql = f"SELECT {_COLUMNS} FROM articles WHERE {_WHEN} >= ?"
        params: list[str] = [_utc(since)]
    else:
        sql = (
            f"SELECT {_COLUMNS} FROM articles JOIN articles_fts "
            "ON articles_fts.rowid = articles.id WHERE articles_fts MATCH ? AND "
            f"{_WHEN} >= ?"
        )
        params = [fts, _utc(since)]
    for row in db.execute_returning_dicts(f"{sql} ORDER BY {_WHEN} DESC, articles.id DESC", params):
        yield StoredArticle(**row)
