"""When an alert is due: the first slot of its watch's cadence after it was raised.

Pure: every function takes the moment it reasons about as an argument. Slots are wall-clock
times in the configured zone (``[schedule] timezone``), so a daily digest at 08:00 stays at 08:00
local time across daylight-saving changes:

- ``immediate``: the alert is due at once (its slot is the moment it was raised);
- ``hourly``: the next full hour of local time;
- ``daily``: the next ``digest_at``;
- ``weekly``: the next ``digest_day`` at ``digest_at``.

"Next" is strictly after: an alert raised at 08:00:00 of a daily watch waits for tomorrow's
08:00. A ``digest_at`` that does not exist on a given day (02:30 on the night clocks spring
forward) falls on the same instant one hour later by the clock (03:30); one that occurs twice
(02:30 on the night clocks fall back) is its first occurrence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

CADENCES = ("immediate", "hourly", "daily", "weekly")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class Schedule:
    """The wall clock digests follow: an IANA zone, the daily time and the weekly day."""

    timezone: str = "UTC"
    digest_at: time = time(8, 0)
    digest_day: str = "monday"

    def __post_init__(self) -> None:
        if self.digest_day not in WEEKDAYS:
            raise ValueError(f"digest_day must be one of {', '.join(WEEKDAYS)}")
        ZoneInfo(self.timezone)  # raises for an unknown zone


def next_slot(cadence: str, raised_at: datetime, schedule: Schedule) -> datetime:
    """The first slot of `cadence` after `raised_at`, as an aware datetime in UTC."""
    if raised_at.utcoffset() is None:
        raise ValueError("raised_at must be a tz-aware datetime")
    zone = ZoneInfo(schedule.timezone)
    raised = raised_at.astimezone(UTC)
    if cadence == "immediate":
        return raised
    local = raised.astimezone(zone)
    if cadence == "hourly":
        top = local.replace(minute=0, second=0, microsecond=0).astimezone(UTC)
        return top + timedelta(hours=1)
    if cadence == "daily":
        return _first_after(raised, local.date(), 1, zone, schedule.digest_at)
    if cadence == "weekly":
        ahead = (WEEKDAYS.index(schedule.digest_day) - local.weekday()) % 7
        start = local.date() + timedelta(days=ahead)
        return _first_after(raised, start, 7, zone, schedule.digest_at)
    raise ValueError(f"unknown cadence {cadence!r}; one of {', '.join(CADENCES)}")


def is_due(cadence: str, raised_at: datetime, now: datetime, schedule: Schedule) -> bool:
    """Whether an alert raised at `raised_at` goes out in a digest sent at `now`."""
    return next_slot(cadence, raised_at, schedule) <= now.astimezone(UTC)


def describe(cadence: str, schedule: Schedule) -> str:
    """``the daily digest at 08:00 Europe/Berlin``: what a pending alert waits for."""
    at = f"{schedule.digest_at:%H:%M} {schedule.timezone}"
    if cadence == "immediate":
        return "the next digest run"
    if cadence == "hourly":
        return "the hourly digest at the next full hour"
    if cadence == "daily":
        return f"the daily digest at {at}"
    return f"the weekly digest on {schedule.digest_day.capitalize()} at {at}"


def format_slot(slot: datetime, schedule: Schedule) -> str:
    """``Tue 2024-03-12 08:00 CET``: a slot in the configured zone."""
    local = slot.astimezone(ZoneInfo(schedule.timezone))
    return f"{local:%a %Y-%m-%d %H:%M} {local.tzname()}"


def _first_after(raised: datetime, day: date, step: int, zone: ZoneInfo, at: time) -> datetime:
    """The first `at` on local date `day`, `day + step`, ... strictly after `raised`."""
    while True:
        # fold=0: an ambiguous wall time is its first occurrence; one in a gap is read with the
        # offset from before the change, i.e. the instant the clock shows an hour later.
        candidate = datetime.combine(day, at, tzinfo=zone).astimezone(UTC)
        if candidate > raised:
            return candidate
        day += timedelta(days=step)
