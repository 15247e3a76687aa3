"""The monitor's tables, one owner: watches, alerts, deliveries, digests.

- `watches`: one row per watch name, with its query and watermark (the last article
  `change_seq` it was matched against).
- `alerts`: one row per (watch, article, revision) at most; `kind` is "new" (the first alert of
  the watch for the article) or "updated" (an edit a watch with `on_change` asked to hear of),
  `diff` the words the edit removed and added. An alert names the revision it matched, so a later
  edit never changes what a digest shows.
- `deliveries`: one row per (alert, recipient); `digest_id` is set once the digest that carried
  it was delivered, so an alert reaches each recipient once.
- `digests`: one row per digest attempt: recipient, state (sending, sent or failed), Message-ID,
  error.

The schema is in `crawler.store.schema` (one migration sequence); the SQL that reads and writes
these tables is here and nowhere else.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlite_utils import Database


@dataclass(frozen=True)
class NewAlert:
    """An alert to raise: what matched in which revision, with its highlights."""

    watch: str
    article_id: int
    revision: int
    terms: tuple[str, ...]
    title_marks: tuple[tuple[int, int], ...]
    snippet: str
    marks: tuple[tuple[int, int], ...]
    kind: str = "new"
    diff: str | None = None


@dataclass(frozen=True)
class WatchState:
    """A watch as the ledger last saw it."""

    name: str
    query: str
    watermark: int


class Ledger:
    """Reads and writes the monitor's tables."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # watches

    def watches(self) -> dict[str, WatchState]:
        return {
            r["name"]: WatchState(r["name"], r["query"], int(r["watermark"]))
            for r in self.db.execute_returning_dicts("SELECT name, query, watermark FROM watches")
        }

    def reset_watch(self, name: str, query: str, watermark: int, now: datetime) -> None:
        """Start (or restart, after its query changed) a watch at `watermark`."""
        self.db.table("watches").upsert(
            {"name": name, "query": query, "watermark": watermark, "created": now.isoformat()},
            pk="name",
        )

    def advance(self, names: Iterable[str], watermark: int) -> None:
        for name in names:
            self.db.execute("UPDATE watches SET watermark = ? WHERE name = ?", [watermark, name])

    # alerts

    def last_alerted(self, watch: str, article_id: int) -> int | None:
        """The highest revision of the article the watch raised an alert for, if any."""
        row = self.db.execute(
            "SELECT MAX(revision) FROM alerts WHERE watch = ? AND article_id = ?",
            [watch, article_id],
        ).fetchone()
        return None if row[0] is None else int(row[0])

    def raise_alert(self, alert: NewAlert, recipients: Iterable[str], now: datetime) -> bool:
        """Insert the alert and one pending delivery per recipient; False if it existed."""
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO alerts (watch, article_id, revision, terms, title_marks, "
            "snippet, marks, created, kind, diff) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                alert.watch,
                alert.article_id,
                alert.revision,
                json.dumps(list(alert.terms), ensure_ascii=False),
                json.dumps([list(m) for m in alert.title_marks]),
                alert.snippet,
                json.dumps([list(m) for m in alert.marks]),
                now.isoformat(),
                alert.kind,
                alert.diff,
            ],
        )
        if cursor.rowcount != 1:
            return False
        for recipient in recipients:
            self.db.execute(
                "INSERT OR IGNORE INTO deliveries (alert_id, recipient) VALUES (?, ?)",
                [cursor.lastrowid, recipient],
            )
        return True

    def alert_counts(self, since: Iterable[datetime]) -> dict[str, tuple[list[int], str | None]]:
        """Per watch: how many alerts it raised since each of `since`, and its last alert's time."""
        cutoffs = [when.isoformat() for when in since]
        sums = "".join("SUM(created >= ?), " for _ in cutoffs)
        counts: dict[str, tuple[list[int], str | None]] = {}
        for row in self.db.execute(
            f"SELECT watch, {sums}MAX(created) FROM alerts GROUP BY watch", cutoffs
        ).fetchall():
            counts[row[0]] = ([int(n or 0) for n in row[1:-1]], row[-1])
        return counts

    # deliveries and digests

    def pending(self) -> dict[str, list[dict[str, Any]]]:
        """Undelivered alerts, grouped by recipient, oldest first."""
        groups: dict[str, list[dict[str, Any]]] = {}
        for row in self.db.execute_returning_dicts(
            "SELECT d.alert_id, d.recipient, a.watch, a.article_id, a.revision, a.terms, "
            "a.snippet, a.marks, a.title_marks, a.kind, a.diff "
            "FROM deliveries d JOIN alerts a ON a.id = d.alert_id "
            "WHERE d.digest_id IS NULL ORDER BY d.recipient, a.id"
        ):
            groups.setdefault(row["recipient"], []).append(row)
        return groups

    def start_digest(
        self, recipient: str, *, cadence: str, message_id: str, alerts: int, now: datetime
    ) -> int:
        """Record a digest about to be handed to the transport."""
        digest_id = (
            self.db.table("digests")
            .insert(
                {
                    "recipient": recipient,
                    "cadence": cadence,
                    "state": "sending",
                    "message_id": message_id,
                    "created": now.isoformat(),
                    "alerts": alerts,
                }
            )
            .last_pk
        )
        assert isinstance(digest_id, int)
        return digest_id

    def digest_failed(self, digest_id: int, error: str) -> None:
        self.db.table("digests").update(digest_id, {"state": "failed", "error": error})

    def digest_sent(
        self,
        digest_id: int,
        *,
        recipient: str,
        alert_ids: list[int],
        location: str,
        now: datetime,
    ) -> None:
        """Mark the digest sent and its deliveries done, in one transaction."""
        with self.db.atomic():
            self.db.table("digests").update(
                digest_id, {"state": "sent", "sent": now.isoformat(), "location": location}
            )
            self.db.execute(
                f"UPDATE deliveries SET digest_id = ? WHERE recipient = ? AND alert_id IN "
                f"({', '.join('?' for _ in alert_ids)})",
                [digest_id, recipient, *alert_ids],
            )
