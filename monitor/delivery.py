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

from crawler.store import ArticleStore
from monitor.digest import DigestItem, render_digest
from monitor.errors import DeliveryError
from monitor.ledger import Ledger
from monitor.mailer import Mailer

logger = logging.getLogger(__name__)


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


def _item(row: dict[str, Any], shown: dict[str, Any]) -> DigestItem:
    return DigestItem(
        watch=row["watch"],
        title=shown["title"],
        url=shown["url"],
        site=f"{shown['site']} (feed summary only)" if shown.get("feed_only") else shown["site"],
        published=_when(shown["published"]),
        snippet=row["snippet"],
        marks=_pairs(row["marks"]),
        title_marks=_pairs(row["title_marks"]),
        terms=tuple(json.loads(row["terms"])),
        kind=row["kind"],
        diff=row["diff"],
    )


def send_digests(
    store: ArticleStore,
    mailer: Mailer | None,
    *,
    sender: str,
    now: datetime,
    timezone: str = "UTC",
    msgid: Callable[[str], str] | None = None,
) -> DeliveryResult:
    """Send one digest per recipient with pending alerts; `mailer=None` is a dry run.

    Each item shows the revision its alert matched, whatever the article says now.
    """
    ledger = Ledger(store.db)
    result = DeliveryResult()
    domain = parseaddr(sender)[1].rpartition("@")[2] or "newsmon.invalid"
    new_msgid = msgid or (lambda d: make_msgid(domain=d))
    for recipient, rows in ledger.pending().items():
        shown = store.shown((r["article_id"], r["revision"]) for r in rows)
        items = [_item(r, shown[(r["article_id"], r["revision"])]) for r in rows]
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
        digest_id = ledger.start_digest(
            recipient, cadence="all", message_id=message_id, alerts=len(rows), now=now
        )
        name = f"{now:%Y%m%dT%H%M%SZ}-{digest_id}-{recipient}"
        try:
            location = mailer.send(msg, name=name)
        except DeliveryError as e:
            logger.error("digest for %s not delivered: %s", recipient, e)
            ledger.digest_failed(digest_id, str(e))
            result.failed.append((recipient, str(e)))
            continue
        ledger.digest_sent(
            digest_id,
            recipient=recipient,
            alert_ids=[r["alert_id"] for r in rows],
            location=location,
            now=now,
        )
        result.sent.append(Sent(recipient=recipient, alerts=len(rows), location=location))
    return result
