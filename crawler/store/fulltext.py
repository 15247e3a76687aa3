"""Full-text narrowing over `articles_fts` (title and body), for search and watch backtests.

The store keeps `articles_fts` in step itself: new articles are indexed on insert, edits of
headline or body by trigger (see `schema`), so a search sees every revision as it is now. This
module only reads it: `candidates()` turns an FTS5 expression into article rows, newest first,
fetched a page at a time so that a caller that stops early never reads every body.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

PAGE = 100  # bodies read per query while a caller iterates


@dataclass(frozen=True)
class Candidate:
    """An article FTS5 found; the caller confirms it with the real matcher."""

    id: int
    url: str
    site: str
    title: str
    body: str
    first_seen: str
    published: str | None
    story_id: int


def phrase(words: list[str]) -> str:
    """An FTS5 phrase of these words, quoted so no word is read as an operator."""
    return '"' + " ".join(w.replace('"', '""') for w in words) + '"'


def candidates(
    db: Database,
    match: str,
    *,
    site: str | None = None,
    since: datetime | None = None,
) -> Iterator[Candidate]:
    """Articles whose title or body match the FTS5 expression, newest first (first seen)."""
    where, params = ["a.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)"], [match]
    if site is not None:
        where.append("a.site = ?")
        params.append(site)
    if since is not None:
        where.append("a.first_seen >= ?")
        params.append(since.isoformat())
    ids = [
        int(row[0])
        for row in db.execute(
            f"SELECT a.id FROM articles a WHERE {' AND '.join(where)} "
            "ORDER BY a.first_seen DESC, a.id DESC",
            params,
        ).fetchall()
    ]
    for start in range(0, len(ids), PAGE):
        page = ids[start : start + PAGE]
        marks = ", ".join("?" for _ in page)
        rows = {
            row["id"]: row
            for row in db.execute_returning_dicts(
                "SELECT id, url, site, title, body, first_seen, published, "
                f"COALESCE(story_id, id) AS story_id FROM articles WHERE id IN ({marks})",
                page,
            )
        }
        for article_id in page:
            yield Candidate(**rows[article_id])
