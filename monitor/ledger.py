"""The monitor's tables, one owner: watches, alerts, deliveries, digests.

- `watches`: one row per watch name, with its query and watermark (the last article
  `change_seq` it was matched against).
- `alerts`: one row per (watch, article, revision) at most; `kind` is "new" (the first alert of
  the watch for the article) or "updated" (an edit a watch with `on_change` asked to hear of),
  `diff` the words the edit removed and added. An alert names the revision it matched, so a later
  edit never changes what a digest shows.
- `deliveries`: one row per (alert, recipient); `state` pending, sent, failed (given up after
  permanent refusals) or dropped (its recipient or watch left the config, or it was forgotten);
  `digest_id` the digest that carries it, set when that digest is written, before it is sent.
- `digests`: one row per digest: recipient, state (sending until the server accepts it, then
  sent; failed when given up; dropped), Message-ID, the rendered message (a retry re-sends
  exactly it), permanent refusals so far, last error.

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

    def pending(self) -> list[dict[str, Any]]:
        """Deliveries no digest carries yet, by recipient, oldest alert first."""
        return self.db.execute_returning_dicts(
            "SELECT d.alert_id, d.recipient, a.watch, a.created, a.article_id, a.revision, "
            "a.terms, a.snippet, a.marks, a.title_marks, a.kind, a.diff "
            "FROM deliveries d JOIN alerts a ON a.id = d.alert_id "
            "WHERE d.state = 'pending' AND d.digest_id IS NULL ORDER BY d.recipient, a.id"
        )

    def open_digests(self) -> list[dict[str, Any]]:
        """Digests written but not yet accepted by the server, oldest first."""
        return self.db.execute_returning_dicts(
            "SELECT id, recipient, cadence, message_id, message, attempts, error, alerts "
            "FROM digests WHERE state = 'sending' AND message IS NOT NULL ORDER BY id"
        )

    def digest_alerts(self, digest_id: int) -> list[dict[str, Any]]:
        """The alerts an unsent digest carries: alert_id and watch."""
        return self.db.execute_returning_dicts(
            "SELECT d.alert_id, a.watch FROM deliveries d JOIN alerts a ON a.id = d.alert_id "
            "WHERE d.digest_id = ? AND d.state = 'pending' ORDER BY a.id",
            [digest_id],
        )

    def start_digest(
        self,
        recipient: str,
        *,
        cadence: str,
        message_id: str,
        message: bytes,
        alert_ids: list[int],
        now: datetime,
    ) -> int:
        """Record a digest, as rendered, before it goes to the transport, and what it carries."""
        with self.db.atomic():
            digest_id = (
                self.db.table("digests")
                .insert(
                    {
                        "recipient": recipient,
                        "cadence": cadence,
                        "state": "sending",
                        "message_id": message_id,
                        "message": message,
                        "created": now.isoformat(),
                        "alerts": len(alert_ids),
                        "attempts": 0,
                    }
                )
                .last_pk
            )
            assert isinstance(digest_id, int)
            for alert_id in alert_ids:
                self.db.execute(
                    "UPDATE deliveries SET digest_id = ? WHERE recipient = ? AND alert_id = ?",
                    [digest_id, recipient, alert_id],
                )
        return digest_id

    def digest_sent(self, digest_id: int, *, location: str, now: datetime) -> None:
        """The server accepted the digest: it and its deliveries are sent, in one transaction."""
        with self.db.atomic():
            self.db.table("digests").update(
                digest_id, {"state": "sent", "sent": now.isoformat(), "location": location}
            )
            self.db.execute(
                "UPDATE deliveries SET state = 'sent', error = NULL WHERE digest_id = ?",
                [digest_id],
            )

    def digest_attempt_failed(self, digest_id: int, error: str, *, permanent: bool) -> int:
        """Note a failed attempt (a permanent one counts); the number of permanent ones."""
        self.db.execute(
            "UPDATE digests SET error = ?, attempts = attempts + ? WHERE id = ?",
            [error, 1 if permanent else 0, digest_id],
        )
        row = self.db.execute("SELECT attempts FROM digests WHERE id = ?", [digest_id]).fetchone()
        return int(row[0])

    def digest_given_up(self, digest_id: int, error: str) -> None:
        """Stop retrying a digest: it and its deliveries are failed."""
        with self.db.atomic():
            self.db.table("digests").update(digest_id, {"state": "failed", "error": error})
            self.db.execute(
                "UPDATE deliveries SET state = 'failed', error = ? WHERE digest_id = ? "
                "AND state = 'pending'",
                [error, digest_id],
            )

    def release_digest(self, digest_id: int, drop: Iterable[int], reason: str) -> None:
        """Give up an unsent digest: deliveries of alerts in `drop` are dropped, the others go
        back to waiting for a new digest."""
        with self.db.atomic():
            self.db.table("digests").update(digest_id, {"state": "dropped", "error": reason})
            for alert_id in drop:
                self.db.execute(
                    "UPDATE deliveries SET state = 'dropped', error = ? "
                    "WHERE digest_id = ? AND alert_id = ?",
                    [reason, digest_id, alert_id],
                )
            self.db.execute(
                "UPDATE deliveries SET digest_id = NULL WHERE digest_id = ? AND state = 'pending'",
                [digest_id],
            )

    def drop_deliveries(self, pairs: Iterable[tuple[int, str]], reason: str) -> None:
        """Drop pending deliveries (alert_id, recipient) that no digest carries."""
        with self.db.atomic():
            for alert_id, recipient in pairs:
                self.db.execute(
                    "UPDATE deliveries SET state = 'dropped', error = ? WHERE alert_id = ? "
                    "AND recipient = ? AND state = 'pending' AND digest_id IS NULL",
                    [reason, alert_id, recipient],
                )

    def clear_sent_messages(self, before: datetime) -> None:
        """Drop the stored message of digests sent before `before` (the row stays)."""
        self.db.execute(
            "UPDATE digests SET message = NULL WHERE state = 'sent' AND sent < ? "
            "AND message IS NOT NULL",
            [before.isoformat()],
        )

    def failed(self) -> list[dict[str, Any]]:
        """Given-up deliveries, counted per recipient and watch, with the last error."""
        return self.db.execute_returning_dicts(
            "SELECT d.recipient, a.watch, COUNT(*) AS alerts, MAX(d.error) AS error "
            "FROM deliveries d JOIN alerts a ON a.id = d.alert_id WHERE d.state = 'failed' "
            "GROUP BY d.recipient, a.watch ORDER BY d.recipient, a.watch"
        )

    def forget(self, recipient: str) -> tuple[int, int]:
        """Drop a recipient's pending and failed deliveries and unsent digests; the counts."""
        counts = dict.fromkeys(("pending", "failed"), 0)
        for row in self.db.execute_returning_dicts(
            "SELECT state, COUNT(*) AS n FROM deliveries WHERE recipient = ? "
            "AND state IN ('pending', 'failed') GROUP BY state",
            [recipient],
        ):
            counts[row["state"]] = int(row["n"])
        with self.db.atomic():
            self.db.execute(
                "UPDATE deliveries SET state = 'dropped', error = 'forgotten' "
                "WHERE recipient = ? AND state IN ('pending', 'failed')",
                [recipient],
            )
            self.db.execute(
                "UPDATE digests SET state = 'dropped', error = 'forgotten' "
                "WHERE recipient = ? AND state = 'sending'",
                [recipient],
            )
        return counts["pending"], counts["failed"]

    # status

    def watch_status(self) -> dict[str, dict[str, Any]]:
        """Per watch name: its alerts still pending for some recipient, and when a digest
        carrying one of its alerts last went out."""
        rows = self.db.execute_returning_dicts(
            "SELECT a.watch AS watch, "
            "COUNT(DISTINCT CASE WHEN d.state = 'pending' THEN a.id END) AS pending, "
            "MAX(g.sent) AS last_sent "
            "FROM alerts a LEFT JOIN deliveries d ON d.alert_id = a.id "
            "LEFT JOIN digests g ON g.id = d.digest_id AND g.state = 'sent' GROUP BY a.watch"
        )
        return {str(r["watch"]): r for r in rows}

    def digest_status(self) -> dict[str, Any]:
        """When a digest last went out; digests given up; digests waiting for a retry after a
        failed attempt, with the last error."""
        row = self.db.execute(
            "SELECT MAX(CASE WHEN state = 'sent' THEN sent END), "
            "COUNT(CASE WHEN state = 'failed' THEN 1 END), "
            "COUNT(CASE WHEN state = 'sending' AND error IS NOT NULL THEN 1 END) FROM digests"
        ).fetchone()
        last = self.db.execute(
            "SELECT error FROM digests WHERE error IS NOT NULL AND state IN ('sending', 'failed') "
            "ORDER BY id DESC LIMIT 1"
        ).fetchone()
        return {
            "last_sent": row[0],
            "failed": int(row[1]),
            "retrying": int(row[2]),
            "last_error": last[0] if last else None,
        }
