"""fetch_state: one row per URL newsmon fetches again (articles now; feeds and sitemaps too).

It keeps the validators the server gave (ETag, Last-Modified) so that a re-fetch is conditional
and an unchanged page costs a 304, the last HTTP status, when the URL was last checked and when it
is due next (NULL: never again on a schedule; a 410 Gone sets that), how many checks were made,
and the hash of a suspect extraction waiting for a second fetch to confirm it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlite_utils import Database

from crawler.recheck import next_check


@dataclass(frozen=True)
class Fetch:
    """What one fetch of `url` told (status, validators) and its site's re-check schedule."""

    url: str
    status: int = 200
    etag: str | None = None
    last_modified: str | None = None
    schedule: tuple[timedelta, ...] = ()


@dataclass(frozen=True)
class FetchState:
    """The stored state of one URL."""

    url: str
    article_id: int | None
    etag: str | None
    last_modified: str | None
    status: int | None
    checked: str | None
    next_check: str | None
    checks: int
    suspect: str | None


class FetchStates:
    """The fetch_state table."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def get(self, url: str) -> FetchState | None:
        rows = self.db.execute_returning_dicts("SELECT * FROM fetch_state WHERE url = ?", [url])
        if not rows:
            return None
        row: dict[str, Any] = rows[0]
        row["checks"] = int(row["checks"] or 0)
        return FetchState(**row)

    def suspect(self, url: str) -> str | None:
        state = self.get(url)
        return state.suspect if state else None

    def record(
        self,
        fetch: Fetch,
        *,
        now: datetime,
        article_id: int | None = None,
        first_seen: datetime | None = None,
        suspect: str | None = None,
    ) -> None:
        """Record a fetch; validators the server did not send again are kept.

        The next check is the next point of the schedule counted from `first_seen`; none after
        a 410 Gone or without `first_seen`.
        """
        due = None
        if first_seen is not None and fetch.status != 410:
            due = next_check(first_seen, now, fetch.schedule)
        self.db.execute(
            "INSERT INTO fetch_state (url, article_id, etag, last_modified, status, checked, "
            "next_check, checks, suspect) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?) "
            "ON CONFLICT(url) DO UPDATE SET "
            "article_id = COALESCE(excluded.article_id, article_id), "
            "etag = COALESCE(excluded.etag, etag), "
            "last_modified = COALESCE(excluded.last_modified, last_modified), "
            "status = excluded.status, checked = excluded.checked, "
            "next_check = excluded.next_check, checks = checks + 1, suspect = excluded.suspect",
            [
                fetch.url,
                article_id,
                fetch.etag,
                fetch.last_modified,
                fetch.status,
                now.isoformat(),
                due.isoformat() if due else None,
                suspect,
            ],
        )

    def due(self, site: str, now: datetime) -> list[str]:
        """The URLs of a site's stored articles whose next check has come, soonest first.

        The crawl asks for them itself, so re-checks do not depend on a feed listing them again
        (an unchanged feed answers 304 and lists nothing)."""
        rows = self.db.execute(
            "SELECT f.url FROM fetch_state f JOIN articles a ON a.id = f.article_id "
            "WHERE a.site = ? AND f.next_check IS NOT NULL AND f.next_check <= ? "
            "ORDER BY f.next_check",
            [site, now.isoformat()],
        ).fetchall()
        return [str(row[0]) for row in rows]
