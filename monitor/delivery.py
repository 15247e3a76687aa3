"""The digest step: pending alerts per recipient -> one digest each -> a transport -> state.

An alert is marked delivered to a recipient only after the transport took the digest; a failed
digest is recorded with its error and its alerts stay pending for the next run.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import make_msgid, parseaddr
from typing import Any

from sqlite_utils import Database

from monitor.digest import DigestItem, render_digest
from monitor.errors import DeliveryError
from monitor.mailer import Mailer

logger = logging.getLogger(__name__)

PENDING = """
SELECT d.alert_id, d.recipient, a.watch, a.terms, a.snippet, a.marks, a.title_marks,
       ar.title, ar.url, ar.site, ar.published
FROM deliveries d
JOIN alerts a ON a.id = d.alert_id
JOIN articles ar ON ar.id = a.article_id
WHERE d.digest_id IS NULL
ORDER BY d.recipient, a.id
"""


@dataclass(frozen=True)
class Sent:
    """One digest that reached its transport."""

    recipient: str
    alerts: int
    location: str


@dataclass
class DeliveryResult:
    """What one digest step did."""

    sent: list[Sent] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    previews: list[EmailMessage] = field(default_factory=list)


def _when(value: str | None) -> datetime | date | None:
    if not value:
        return None
    return date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)


def _pairs(raw: str) -> tuple[tuple[int, int], ...]:
    return tuple((int(a), int(b)) for a, b in json.loads(raw))


def _item(row: dict[str, Any]) -> DigestItem:
    return DigestItem(
        watch=row["watch"],
        title=row["title"],
        url=row["url"],
        site=row["site"],
        published=_when(row["published"]),
        snippet=row["snippet"],
        marks=_pairs(row["marks"]),
        title_marks=_pairs(row["title_marks"]),
        terms=tuple(json.loads(row["terms"])),
    )


def pending(db: Database) -> dict[str, list[dict[str, Any]]]:
    """Undelivered alerts, grouped by recipient."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in db.execute_returning_dicts(PENDING):
        groups.setdefault(row["recipient"], []).append(row)
    return groups


def send_digests(
    db: Database,
    mailer: Mailer | None,
    *,
    sender: str,
    now: datetime,
    timezone: str = "UTC",
    msgid: Callable[[str], str] | None = None,
) -> DeliveryResult:
    """Send one digest per recipient with pending alerts; `mailer=None` is a dry run."""
    result = DeliveryResult()
    domain = parseaddr(sender)[1].rpartition("@")[2] or "newsmon.invalid"
    new_msgid = msgid or (lambda d: make_msgid(domain=d))
    for recipient, rows in pending(db).items():
        items = [_item(r) for r in rows]
        message_id = new_msgid(domain)
        msg = render_digest(
            items,
            recipient=recipient,
            sender=sender,
            now=now,
            timezone=timezone,
            message_id=message_id,
        )
        if mailer is None:
            result.previews.append(msg)
            continue
        digest_id = (
            db.table("digests")
            .insert(
                {
                    "recipient": recipient,
                    "cadence": "all",
                    "state": "sending",
                    "message_id": message_id,
                    "created": now.isoformat(),
                    "alerts": len(rows),
                }
            )
            .last_pk
        )
        assert isinstance(digest_id, int)
        name = f"{now:%Y%m%dT%H%M%SZ}-{digest_id}-{recipient}"
        try:
            location = mailer.send(msg, name=name)
        except DeliveryError as e:
            logger.error("digest for %s not delivered: %s", recipient, e)
            db.table("digests").update(digest_id, {"state": "failed", "error": str(e)})
            result.failed.append((recipient, str(e)))
            continue
        with db.atomic():
            db.table("digests").update(
                digest_id, {"state": "sent", "sent": now.isoformat(), "location": location}
            )
            db.execute(
                f"UPDATE deliveries SET digest_id = ? WHERE recipient = ? AND alert_id IN "
                f"({', '.join('?' for _ in rows)})",
                [digest_id, recipient, *(r["alert_id"] for r in rows)],
            )
        result.sent.append(Sent(recipient=recipient, alerts=len(rows), location=location))
    return result
