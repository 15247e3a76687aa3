"""crawl_runs (one row per site and crawl: what it did, for source health) and meta (key/value)."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database


class CrawlRuns:
    """The crawl_runs and meta tables."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def record(self, row: dict[str, Any]) -> None:
        self.db.table("crawl_runs").insert(row)

    def of_run(self, run: str) -> list[dict[str, Any]]:
        return self.db.execute_returning_dicts(
            "SELECT * FROM crawl_runs WHERE run = ? ORDER BY id", [run]
        )

    def last_ok(self) -> dict[str, str]:
        """Per site, when its last successful crawl started (ISO time, UTC)."""
        rows = self.db.execute(
            "SELECT site, MAX(started) FROM crawl_runs WHERE ok = 1 GROUP BY site"
        ).fetchall()
        return {str(site): str(started) for site, started in rows}

    def history(
        self, site: str, *, since: str | None = None, limit: int = 500
    ) -> list[dict[str, Any]]:
        """The site's crawls, oldest first: the last `limit`, or those finished after `since`."""
        rows = self.db.execute_returning_dicts(
            "SELECT * FROM crawl_runs WHERE site = ? AND finished >= ? "
            "ORDER BY finished DESC, id DESC LIMIT ?",
            [site, since or "", limit],
        )
        return rows[::-1]

    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, value],
        )
