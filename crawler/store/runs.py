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

    def failing(self) -> list[str]:
        """Sites whose last crawl had errors and read nothing (for the digest's footer)."""
        rows = self.db.execute(
            "SELECT site FROM crawl_runs r WHERE id = (SELECT MAX(id) FROM crawl_runs "
            "WHERE site = r.site) AND errors > 0 AND new + updated + known = 0 ORDER BY site"
        ).fetchall()
        return [str(row[0]) for row in rows]

    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, value],
        )
