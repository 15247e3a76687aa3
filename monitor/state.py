"""The monitor's tables in the newsmon database: watches, alerts, deliveries, digests.

- `watches`: one row per watch name, with its query and watermark (the last article
  `change_seq` it was matched against).
- `alerts`: one row per (watch, article, revision): matching an article twice raises no second
  alert.
- `deliveries`: one row per (alert, recipient); `digest_id` is set once the digest that carried
  it was delivered, so an alert reaches each recipient once.
- `digests`: one row per digest attempt: recipient, state (sent or failed), Message-ID, error.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("newsmon.monitor")


@migrations()
def m001_alerts(db: Database) -> None:
    db.table("watches").create(
        {"name": str, "query": str, "watermark": int, "created": str}, pk="name"
    )
    db.table("alerts").create(
        {
            "id": int,
            "watch": str,
            "article_id": int,
            "revision": int,
            "terms": str,
            "title_marks": str,
            "snippet": str,
            "marks": str,
            "created": str,
        },
        pk="id",
        foreign_keys=[("article_id", "articles", "id")],
    )
    db.table("alerts").create_index(["watch", "article_id", "revision"], unique=True)
    db.table("digests").create(
        {
            "id": int,
            "recipient": str,
            "cadence": str,
            "state": str,
            "message_id": str,
            "created": str,
            "sent": str,
            "location": str,
            "alerts": int,
            "error": str,
        },
        pk="id",
    )
    db.table("deliveries").create(
        {"alert_id": int, "recipient": str, "digest_id": int},
        pk=("alert_id", "recipient"),
        foreign_keys=[("alert_id", "alerts", "id"), ("digest_id", "digests", "id")],
    )
    db.table("deliveries").create_index(["recipient", "digest_id"])


def apply(db: Database) -> None:
    """Create or upgrade the monitor's tables (the crawler's come first: alerts name articles)."""
    migrations.apply(db)
