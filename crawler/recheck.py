"""When a stored article is fetched again (pure policy; the middleware applies it).

A young article is re-checked on a decaying schedule counted from when it was first seen (by
default about 1 h, 6 h, 24 h and 72 h after), and any article whose feed or sitemap entry says it
was updated after the stored copy was fetched is fetched again at once. A 410 Gone ends both.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta


def next_check(
    first_seen: datetime, checked: datetime, schedule: Sequence[timedelta]
) -> datetime | None:
    """The first point of `schedule` after `checked`, or None when the schedule is spent."""
    for span in sorted(schedule):
        if first_seen + span > checked:
            return first_seen + span
    return None


def is_due(
    *,
    now: datetime,
    first_seen: datetime,
    checked: datetime,
    schedule: Sequence[timedelta],
    entry_updated: datetime | None = None,
    status: int | None = None,
) -> bool:
    """Whether a stored article should be fetched again now."""
    if status == 410:
        return False
    if entry_updated is not None and entry_updated > checked:
        return True
    due = next_check(first_seen, checked, schedule)
    return due is not None and due <= now
