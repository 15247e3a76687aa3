"""The digest step: due alerts per recipient -> one digest each -> a transport -> the ledger.

Exactly once, nothing lost, nothing stuck:

- An alert is due at the first slot of its watch's cadence after it was raised (monitor.cadence);
  ``everything=True`` (``digest --all``) makes every pending alert due now.
- Each recipient gets one message merging all of their due watches. The digest row, with the
  rendered message and its Message-ID, is written before the message goes to the transport and
  marked sent only after the transport took it.
- A digest not yet marked sent (a failure, or a crash) is re-sent as it was stored, same
  Message-ID, by the next run, before anything new for that recipient.
- Temporary failures keep it for the next run, however often; a permanent refusal (5xx for the
  recipient or the message) counts, and after ``attempts`` of them the digest and its
  deliveries are marked failed and no longer fail the run.
- Deliveries whose recipient is no longer in its watch's ``notify``, or whose watch is gone, are
  dropped (and logged), not retried forever.
"""

from __future__ import annotations

import email
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import make_msgid, parseaddr
from typing import Any

from crawler.store import ArticleStore
from monitor.cadence import Schedule, next_slot
from monitor.config import Watch
from monitor.digest import DigestItem, render_digest
from monitor.errors import DeliveryError
from monitor.health import unhealthy_sites
from monitor.ledger import Ledger
from monitor.mailer import Mailer, PermanentFailure

logger = logging.getLogger(__name__)

#: How long the rendered message of a sent digest is kept (its row, Message-ID and alerts stay).
KEEP_SENT = timedelta(days=7)
#: How a stored message is read back: its header lines exactly as they were written.
_STORED = SMTP.clone(refold_source="none")


@dataclass(frozen=True)
class Sent:
    """One digest that reached its transport."""

    recipient: str
    alerts: int
    location: str
    retry: bool = False


@dataclass(frozen=True)
class Failed:
    """One digest that did not; `given_up` once its permanent refusals reached the limit."""

    recipient: str
    alerts: int
    error: str
    permanent: bool
    attempts: int
    given_up: bool


@dataclass(frozen=True)
class Waiting:
    """Alerts of one recipient and cadence that are not due yet, and their first slot."""

    recipient: str
    cadence: str
    alerts: int
    slot: datetime


@dataclass
class DeliveryResult:
    """What one digest step did."""

    sent: list[Sent] = field(default_factory=list)
    failed: list[Failed] = field(default_factory=list)
    previews: list[EmailMessage] = field(default_factory=list)
    waiting: list[Waiting] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)

    @property
    def blocking(self) -> list[Failed]:
        """Failures that should fail the run: all but those given up."""
        return [f for f in self.failed if not f.given_up]


@dataclass(frozen=True)
class Plan:
    """What the configuration says about delivering: who wants which watch, and when."""

    watches: Sequence[Watch]
    schedule: Schedule
    sender: str
    max_items: int = 50
    attempts: int = 3
    config_path: str | None = None
    unsubscribe: str | None = None
    sites: tuple[str, ...] = ()  # the configured sites: only they can be flagged (health.py)

    def wants(self, watch: str, recipient: str) -> bool:
        return any(w.name == watch and recipient in w.notify for w in self.watches)

    def cadence(self, watch: str) -> str:
        return next(w.cadence for w in self.watches if w.name == watch)


def send_digests(
    store: ArticleStore,
    mailer: Mailer | None,
    plan: Plan,
    *,
    now: datetime,
    everything: bool = False,
    msgid: Callable[[str], str] | None = None,
) -> DeliveryResult:
    """Retry unsent digests, then send each recipient one digest of their due alerts.

    `mailer=None` is a dry run: it renders what would go out and changes nothing.
    """
    ledger = Ledger(store.db)
    result = DeliveryResult()
    dry = mailer is None
    stuck: set[str] = set()  # recipients whose retry failed: nothing new for them this run
    for row in ledger.open_digests():
        recipient = row["recipient"]
        carried = ledger.digest_alerts(row["id"])
        gone = [c["alert_id"] for c in carried if not plan.wants(c["watch"], recipient)]
        if gone:
            reason = _reason(recipient, {c["watch"] for c in carried}, plan)
            result.dropped.append(f"unsent digest for {recipient}: {reason}")
            logger.warning("dropping the unsent digest for %s: %s", recipient, reason)
            if not dry:
                ledger.release_digest(row["id"], gone, reason)
            continue
        msg = email.message_from_bytes(row["message"], policy=_STORED)
        assert isinstance(msg, EmailMessage)
        if mailer is None:
            result.previews.append(msg)
            continue
        if not _attempt(ledger, mailer, plan, result, row, msg, now=now, retry=True):
            stuck.add(recipient)

    due: dict[str, list[dict[str, Any]]] = {}
    waiting: dict[tuple[str, str], list[datetime]] = {}
    dropped: list[tuple[int, str]] = []
    for row in ledger.pending():
        recipient, watch = row["recipient"], row["watch"]
        if not plan.wants(watch, recipient):
            dropped.append((row["alert_id"], recipient))
            reason = _reason(recipient, {watch}, plan)
            result.dropped.append(f"alert {row['alert_id']} for {recipient}: {reason}")
            logger.warning("dropping alert %s for %s: %s", row["alert_id"], recipient, reason)
            continue
        cadence = plan.cadence(watch)
        slot = next_slot(cadence, _raised(row), plan.schedule)
        if everything or slot <= now:
            due.setdefault(recipient, []).append(row)
        else:
            waiting.setdefault((recipient, cadence), []).append(slot)
    if dropped and not dry:
        ledger.drop_deliveries(dropped, "recipient or watch removed from the config")
    result.waiting = [
        Waiting(recipient, cadence, len(slots), min(slots))
        for (recipient, cadence), slots in sorted(waiting.items())
    ]

    domain = parseaddr(plan.sender)[1].rpartition("@")[2] or "newsmon.invalid"
    new_msgid = msgid or (lambda d: make_msgid(domain=d))
    unhealthy = sorted(unhealthy_sites(store, plan.sites, now=now))
    for recipient, rows in due.items():
        if recipient in stuck:
            continue
        message_id = new_msgid(domain)
        msg = render_digest(
            _items(store, rows),
            recipient=recipient,
            sender=plan.sender,
            now=now,
            timezone=plan.schedule.timezone,
            message_id=message_id,
            max_items=plan.max_items,
            config_path=plan.config_path,
            unhealthy=unhealthy,
            unsubscribe=plan.unsubscribe,
        )
        if mailer is None:
            result.previews.append(msg)
            continue
        cadences = (
            "all" if everything else "+".join(sorted({plan.cadence(r["watch"]) for r in rows}))
        )
        digest_id = ledger.start_digest(
            recipient,
            cadence=cadences,
            message_id=message_id,
            message=msg.as_bytes(),
            alert_ids=[r["alert_id"] for r in rows],
            now=now,
        )
        record = {"id": digest_id, "recipient": recipient, "alerts": len(rows), "attempts": 0}
        _attempt(ledger, mailer, plan, result, record, msg, now=now, retry=False)
    if not dry:
        ledger.clear_sent_messages(now - KEEP_SENT)
    return result


def pending_overview(
    store: ArticleStore, plan: Plan, *, now: datetime
) -> tuple[list[Waiting], list[dict[str, Any]], list[dict[str, Any]]]:
    """For `digest --list`: pending alerts per recipient and cadence (a slot at or before `now`
    is due), unsent digests awaiting a retry, and given-up deliveries."""
    ledger = Ledger(store.db)
    groups: dict[tuple[str, str], list[datetime]] = {}
    for row in ledger.pending():
        if not plan.wants(row["watch"], row["recipient"]):
            cadence = "removed from the config: dropped by the next digest"
            groups.setdefault((row["recipient"], cadence), []).append(now)
            continue
        cadence = plan.cadence(row["watch"])
        slot = next_slot(cadence, _raised(row), plan.schedule)
        groups.setdefault((row["recipient"], cadence), []).append(slot)
    waiting = [Waiting(r, c, len(s), min(s)) for (r, c), s in sorted(groups.items())]
    return waiting, ledger.open_digests(), ledger.failed()


def forget(store: ArticleStore, recipient: str) -> tuple[int, int]:
    """Drop a recipient's pending and failed deliveries; how many of each."""
    pending, failed = Ledger(store.db).forget(recipient)
    logger.warning("forgot %s pending and %s failed deliveries of %s", pending, failed, recipient)
    return pending, failed


def _attempt(
    ledger: Ledger,
    mailer: Mailer,
    plan: Plan,
    result: DeliveryResult,
    record: dict[str, Any],
    msg: EmailMessage,
    *,
    now: datetime,
    retry: bool,
) -> bool:
    recipient, digest_id, alerts = record["recipient"], record["id"], int(record["alerts"])
    name = f"{now:%Y%m%dT%H%M%SZ}-{digest_id}-{recipient}"
    try:
        location = mailer.send(msg, name=name)
    except DeliveryError as e:
        permanent = isinstance(e, PermanentFailure)
        attempts = ledger.digest_attempt_failed(digest_id, str(e), permanent=permanent)
        given_up = permanent and attempts >= plan.attempts
        if given_up:
            ledger.digest_given_up(digest_id, str(e))
            logger.error(
                "gave up on the digest for %s after %s refusals: %s", recipient, attempts, e
            )
        else:
            logger.error("digest for %s not delivered: %s", recipient, e)
        result.failed.append(Failed(recipient, alerts, str(e), permanent, attempts, given_up))
        return False
    ledger.digest_sent(digest_id, location=location, now=now)
    result.sent.append(Sent(recipient, alerts, location, retry=retry))
    return True


def _reason(recipient: str, watches: set[str], plan: Plan) -> str:
    names = {w.name for w in plan.watches}
    gone = sorted(watches - names)
    if gone:
        return f"watch {', '.join(map(repr, gone))} is no longer in the config"
    return f"no longer in notify of {', '.join(map(repr, sorted(watches)))}"


def _raised(row: dict[str, Any]) -> datetime:
    """When the alert was raised (stored in UTC; a value without an offset is read as UTC)."""
    value = datetime.fromisoformat(row["created"])
    return value if value.utcoffset() is not None else value.replace(tzinfo=UTC)


def _when(value: str | None) -> datetime | date | None:
    if not value:
        return None
    return date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)


def _pairs(raw: str) -> tuple[tuple[int, int], ...]:
    return tuple((int(a), int(b)) for a, b in json.loads(raw))


def _authors(raw: str | None) -> tuple[str, ...]:
    if not raw:
        return ()
    try:
        value = json.loads(raw)
    except ValueError:
        return (raw,)
    return tuple(str(a) for a in value) if isinstance(value, list) else (str(value),)


def _items(store: ArticleStore, rows: list[dict[str, Any]]) -> list[DigestItem]:
    """Each alert as the digest shows it: the revision it matched, whatever the article says now,
    with its story and the other articles of that story."""
    shown = store.shown((r["article_id"], r["revision"]) for r in rows)
    stories = store.stories.coverage(a["story_id"] for a in shown.values() if a["story_id"])
    items = []
    for row in rows:
        article = shown[(row["article_id"], row["revision"])]
        story = article["story_id"]
        items.append(
            DigestItem(
                watch=row["watch"],
                title=article["title"],
                url=article["url"],
                site=f"{article['site']} (feed summary only)"
                if article.get("feed_only")
                else article["site"],
                published=_when(article["published"]),
                snippet=row["snippet"],
                marks=_pairs(row["marks"]),
                title_marks=_pairs(row["title_marks"]),
                terms=tuple(json.loads(row["terms"])),
                authors=_authors(article.get("authors")),
                kind=row["kind"],
                diff=row["diff"],
                # one story shows once, under its first alert, with "also covered by" links
                story=None if story is None else str(story),
                also=tuple(link for link in stories.get(story, ()) if link[1] != article["url"]),
            )
        )
    return items
