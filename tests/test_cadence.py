"""Cadence slots: when an alert raised at a given moment is due, DST transitions included."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.cadence import Schedule, describe, format_slot, is_due, next_slot

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
BERLIN_8 = Schedule(timezone="Europe/Berlin", digest_at=time(8, 0), digest_day="monday")


def at(zone: ZoneInfo, *fields: int, fold: int = 0) -> datetime:
    return datetime(*fields, tzinfo=zone, fold=fold)  # type: ignore[misc]


def local(slot: datetime, zone: ZoneInfo) -> str:
    return f"{slot.astimezone(zone):%Y-%m-%d %H:%M %Z}"


@pytest.mark.parametrize(
    ("cadence", "raised", "expected"),
    [
        # immediate: the moment it was raised
        ("immediate", at(BERLIN, 2024, 3, 12, 14, 7), "2024-03-12 14:07 CET"),
        # hourly: the next full hour, also across both DST changes
        ("hourly", at(BERLIN, 2024, 3, 12, 14, 7), "2024-03-12 15:00 CET"),
        ("hourly", at(BERLIN, 2024, 3, 12, 14, 0), "2024-03-12 15:00 CET"),
        ("hourly", at(BERLIN, 2024, 3, 31, 1, 30), "2024-03-31 03:00 CEST"),
        ("hourly", at(BERLIN, 2024, 10, 27, 2, 30), "2024-10-27 02:00 CET"),
        ("hourly", at(BERLIN, 2024, 10, 27, 2, 30, fold=1), "2024-10-27 03:00 CET"),
        # daily: the next 08:00 local
        ("daily", at(BERLIN, 2024, 3, 12, 7, 59), "2024-03-12 08:00 CET"),
        ("daily", at(BERLIN, 2024, 3, 12, 8, 0), "2024-03-13 08:00 CET"),
        ("daily", at(BERLIN, 2024, 3, 12, 23, 30), "2024-03-13 08:00 CET"),
        ("daily", at(BERLIN, 2024, 3, 30, 9, 0), "2024-03-31 08:00 CEST"),  # 23 h later
        ("daily", at(BERLIN, 2024, 10, 26, 9, 0), "2024-10-27 08:00 CET"),  # 25 h later
        # weekly: the next Monday 08:00 local
        ("weekly", at(BERLIN, 2024, 3, 12, 10, 0), "2024-03-18 08:00 CET"),  # Tue -> next Mon
        ("weekly", at(BERLIN, 2024, 3, 18, 7, 0), "2024-03-18 08:00 CET"),  # Mon before 08:00
        ("weekly", at(BERLIN, 2024, 3, 18, 8, 0), "2024-03-25 08:00 CET"),  # Mon at 08:00
        ("weekly", at(BERLIN, 2024, 3, 26, 8, 0), "2024-04-01 08:00 CEST"),  # across the change
    ],
)
def test_slots_in_berlin(cadence: str, raised: datetime, expected: str) -> None:
    assert local(next_slot(cadence, raised, BERLIN_8), BERLIN) == expected


def test_slot_is_utc_whatever_zone_raised_at_is_in() -> None:
    raised = datetime(2024, 3, 12, 6, 59, tzinfo=UTC)  # 07:59 in Berlin
    slot = next_slot("daily", raised, BERLIN_8)
    assert slot == datetime(2024, 3, 12, 7, 0, tzinfo=UTC)
    assert slot.tzinfo is UTC


@pytest.mark.parametrize(
    ("digest_at", "raised", "expected"),
    [
        # spring forward on 10 Mar 2024: 02:30 does not exist; the slot is the same instant
        # the clock calls 03:30 EDT
        (time(2, 30), at(NEW_YORK, 2024, 3, 9, 12, 0), "2024-03-10 03:30 EDT"),
        (time(2, 30), at(NEW_YORK, 2024, 3, 10, 3, 0), "2024-03-10 03:30 EDT"),
        (time(2, 30), at(NEW_YORK, 2024, 3, 10, 3, 45), "2024-03-11 02:30 EDT"),
        # fall back on 3 Nov 2024: 01:30 happens twice; the slot is the first one
        (time(1, 30), at(NEW_YORK, 2024, 11, 2, 12, 0), "2024-11-03 01:30 EDT"),
        (time(1, 30), at(NEW_YORK, 2024, 11, 3, 1, 40), "2024-11-04 01:30 EST"),
        (time(1, 30), at(NEW_YORK, 2024, 11, 3, 1, 10, fold=1), "2024-11-04 01:30 EST"),
    ],
)
def test_daily_slot_in_a_gap_or_a_repeat_in_new_york(
    digest_at: time, raised: datetime, expected: str
) -> None:
    schedule = Schedule(timezone="America/New_York", digest_at=digest_at)
    assert local(next_slot("daily", raised, schedule), NEW_YORK) == expected


def test_daily_slot_does_not_fire_twice_in_the_repeated_hour() -> None:
    schedule = Schedule(timezone="America/New_York", digest_at=time(1, 30))
    first = next_slot("daily", at(NEW_YORK, 2024, 11, 3, 0, 0), schedule)
    assert local(first, NEW_YORK) == "2024-11-03 01:30 EDT"
    # An alert raised between the first 01:30 and the second is due the next day, not at 01:30 EST.
    after = next_slot("daily", first + timedelta(minutes=1), schedule)
    assert local(after, NEW_YORK) == "2024-11-04 01:30 EST"


def test_weekly_on_the_configured_day() -> None:
    friday = Schedule(timezone="America/New_York", digest_at=time(17, 0), digest_day="friday")
    slot = next_slot("weekly", at(NEW_YORK, 2024, 3, 9, 9, 0), friday)  # Saturday
    assert local(slot, NEW_YORK) == "2024-03-15 17:00 EDT"


@given(
    raised=st.datetimes(
        min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)
    ),
    cadence=st.sampled_from(["hourly", "daily", "weekly"]),
    hour=st.integers(0, 23),
    minute=st.sampled_from([0, 15, 30, 59]),
    zone=st.sampled_from(["Europe/Berlin", "America/New_York", "Asia/Kolkata", "UTC"]),
)
def test_slot_is_after_raise_within_a_period_and_on_the_wall_clock(
    raised: datetime, cadence: str, hour: int, minute: int, zone: str
) -> None:
    schedule = Schedule(timezone=zone, digest_at=time(hour, minute), digest_day="wednesday")
    slot = next_slot(cadence, raised, schedule)
    period = {"hourly": timedelta(hours=1), "daily": timedelta(days=1), "weekly": timedelta(7)}
    assert raised < slot <= raised + period[cadence] + timedelta(hours=1)  # +1 h: a DST day
    wall = slot.astimezone(ZoneInfo(zone))
    if cadence == "hourly":
        assert (wall.minute, wall.second, wall.microsecond) == (0, 0, 0)
    else:
        gap = wall.time() != time(hour, minute)  # only when digest_at fell in a DST gap
        assert not gap or wall.time() == time((hour + 1) % 24, minute)
    if cadence == "weekly":
        assert wall.weekday() == 2
    # Nothing raised between raised_at and the slot has an earlier slot.
    assert next_slot(cadence, slot - timedelta(seconds=1), schedule) == slot


def test_due_at_the_slot_not_before() -> None:
    raised = at(BERLIN, 2024, 3, 12, 10, 0)
    assert not is_due("daily", raised, at(BERLIN, 2024, 3, 13, 7, 59), BERLIN_8)
    assert is_due("daily", raised, at(BERLIN, 2024, 3, 13, 8, 0), BERLIN_8)
    # A run after missed slots (machine off for days) still finds it due: it catches up.
    assert is_due("daily", raised, at(BERLIN, 2024, 3, 20, 12, 0), BERLIN_8)
    assert is_due("immediate", raised, raised, BERLIN_8)


@pytest.mark.parametrize(
    ("cadence", "text"),
    [
        ("immediate", "the next digest run"),
        ("hourly", "the hourly digest at the next full hour"),
        ("daily", "the daily digest at 08:00 Europe/Berlin"),
        ("weekly", "the weekly digest on Monday at 08:00 Europe/Berlin"),
    ],
)
def test_describe(cadence: str, text: str) -> None:
    assert describe(cadence, BERLIN_8) == text


def test_format_slot_in_the_zone() -> None:
    slot = datetime(2024, 3, 31, 6, 0, tzinfo=UTC)
    assert format_slot(slot, BERLIN_8) == "Sun 2024-03-31 08:00 CEST"


def test_naive_and_unknown_are_refused() -> None:
    with pytest.raises(ValueError, match="tz-aware"):
        next_slot("daily", datetime(2024, 3, 12, 10, 0), BERLIN_8)
    with pytest.raises(ValueError, match="unknown cadence 'monthly'"):
        next_slot("monthly", at(BERLIN, 2024, 3, 12, 10, 0), BERLIN_8)
    with pytest.raises(ValueError, match="digest_day"):
        Schedule(digest_day="mon")
