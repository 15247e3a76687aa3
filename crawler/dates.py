"""Parse the dates pages give (ISO 8601, RFC 2822, common written forms) and keep the sane ones."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

Stamp = datetime | date

EARLIEST = date(1991, 1, 1)  # before the web, a page's date is a mistake
SKEW = timedelta(days=1)

_ISO = re.compile(
    r"(?P<y>\d{4})-?(?P<m>\d{2})-?(?P<d>\d{2})"
    r"(?:[T\s]+(?P<H>\d{1,2}):?(?P<M>\d{2})(?::?(?P<S>\d{2})(?:[.,](?P<f>\d+))?)?"
    r"\s*(?P<tz>Z|[+-]\d{2}(?::?\d{2})?|(?:UTC|GMT)(?:[+-]\d{1,2}(?::?\d{2})?)?"
    r"|[A-Z]{3,4}\b)?)?"
)
_NUMERIC_DMY = re.compile(r"\b(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})\b")
# "05/03/2024" is March in Europe and May in the US: read only when one part is above 12.
_NUMERIC_SLASHED = re.compile(r"\b(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4})\b")
_NUMERIC_YMD = re.compile(r"\b(?P<y>\d{4})[./](?P<m>\d{1,2})[./](?P<d>\d{1,2})\b")
_EPOCH = re.compile(r"^\d{10}(?:\d{3})?$")
_TIME = re.compile(
    r"\b(?P<H>\d{1,2})[:.h](?P<M>\d{2})(?::(?P<S>\d{2}))?\s*(?P<ampm>[ap]\.?m\.?)?"
    r"(?:\s*(?:Uhr|h))?\s*(?P<tz>(?:UTC|GMT)(?:\s*[+-]\d{1,2}(?::?\d{2})?)?|[A-Z]{3,4}\b)?",
    re.IGNORECASE,
)
_ZONES = {
    "UTC": 0,
    "GMT": 0,
    "Z": 0,
    "WET": 0,
    "BST": 1,
    "IST": 1,
    "WEST": 1,
    "CET": 1,
    "MEZ": 1,
    "CEST": 2,
    "MESZ": 2,
    "EET": 2,
    "EEST": 3,
    "MSK": 3,
    "EST": -5,
    "EDT": -4,
    "CST": -6,
    "CDT": -5,
    "MST": -7,
    "MDT": -6,
    "PST": -8,
    "PDT": -7,
    "AEST": 10,
    "AEDT": 11,
    "JST": 9,
    "KST": 9,
}
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            "jan january januar janvier enero gennaio januari janeiro jänner",
            "feb february februar février fevrier febrero febbraio februari fevereiro",
            "mar march märz maerz mars marzo maart março",
            "apr april avril abril aprile",
            "may mai mayo maggio mei maio",
            "jun june juni juin junio giugno junho",
            "jul july juli juillet julio luglio julho",
            "aug august août aout agosto augustus",
            "sep sept september septembre septiembre settembre setembro",
            "oct october oktober octobre octubre ottobre outubro",
            "nov november novembre noviembre novembro",
            "dec december dezember décembre decembre diciembre dicembre desember dezembro",
        ),
        start=1,
    )
    for name in names.split()
}
_WORD_MDY = re.compile(
    r"\b(?P<mon>[^\W\d_]{3,10})\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})"
)
_WORD_DMY = re.compile(
    r"\b(?P<d>\d{1,2})(?:st|nd|rd|th)?\.?\s+(?:de\s+)?(?P<mon>[^\W\d_]{3,10})\.?,?\s+(?:de\s+)?(?P<y>\d{4})"
)


def _zone(label: str | None) -> timezone | None:
    if not label:
        return None
    text = label.strip().upper().replace(" ", "")
    if text in _ZONES:
        return timezone(timedelta(hours=_ZONES[text]))
    match = re.fullmatch(r"(?:UTC|GMT)?([+-])(\d{1,2}):?(\d{2})?", text)
    if not match:
        return None
    sign = -1 if match.group(1) == "-" else 1
    hours, minutes = int(match.group(2)), int(match.group(3) or 0)
    if hours > 14 or minutes > 59:
        return None
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _build(
    year: int, month: int, day: int, hms: tuple[int, int, int, int] | None, tz: timezone | None
) -> Stamp | None:
    try:
        if hms is None or tz is None:
            # A time without an offset names no instant: only its day is certain.
            return date(year, month, day)
        hour, minute, second, micro = hms
        return datetime(year, month, day, hour, minute, second, micro, tzinfo=tz)
    except ValueError:
        return None


def _parse_iso(text: str) -> Stamp | None:
    match = _ISO.match(text)
    if not match:
        return None
    hms = None
    if match.group("H") is not None:
        fraction = (match.group("f") or "0")[:6].ljust(6, "0")
        hms = (
            int(match.group("H")),
            int(match.group("M")),
            int(match.group("S") or 0),
            int(fraction),
        )
    tz = _zone(match.group("tz"))
    return _build(int(match.group("y")), int(match.group("m")), int(match.group("d")), hms, tz)


def _parse_rfc2822(text: str) -> Stamp | None:
    if not re.search(r"\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d{1,2}:\d{2}", text):
        return None
    try:
        value = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return value if value.tzinfo is not None else value.date()


def _time_of(text: str) -> tuple[tuple[int, int, int, int] | None, timezone | None]:
    match = _TIME.search(text)
    if not match:
        return None, None
    hour, minute = int(match.group("H")), int(match.group("M"))
    ampm = (match.group("ampm") or "").replace(".", "").lower()
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return None, None
    return (hour, minute, int(match.group("S") or 0), 0), _zone(match.group("tz"))


def _parse_written(text: str) -> Stamp | None:
    day = month = year = None
    for pattern in (_WORD_MDY, _WORD_DMY):
        match = pattern.search(text)
        if match and match.group("mon").lower() in _MONTHS:
            day, month, year = (
                int(match.group("d")),
                _MONTHS[match.group("mon").lower()],
                int(match.group("y")),
            )
            rest = text[: match.start()] + " " + text[match.end() :]
            break
    else:
        match = _NUMERIC_YMD.search(text) or _NUMERIC_DMY.search(text)
        if match:
            day, month = int(match.group("d")), int(match.group("m"))
        else:
            match = _NUMERIC_SLASHED.search(text)
            if not match:
                return None
            first, second = int(match.group("a")), int(match.group("b"))
            if (first > 12) == (second > 12):
                return None
            day, month = (first, second) if first > 12 else (second, first)
        year = int(match.group("y"))
        rest = text[: match.start()] + " " + text[match.end() :]
    hms, tz = _time_of(rest)
    return _build(year, month, day, hms, tz)


def parse_date(text: str) -> Stamp | None:
    """A datetime (aware, with the page's own offset) or a date from `text`; None if unreadable."""
    value = " ".join(text.split())[:200]
    if not value:
        return None
    if _EPOCH.match(value):
        seconds = int(value[:10])
        return datetime.fromtimestamp(seconds, tz=UTC)
    for parser in (_parse_iso, _parse_rfc2822, _parse_written):
        result = parser(value)
        if result is not None:
            return result
    return None


def day_of(value: Stamp) -> date:
    """The calendar day of a stamp, in the page's own offset."""
    return value.date() if isinstance(value, datetime) else value


def is_plausible(value: Stamp, now: datetime | None) -> bool:
    """Not before the web existed, not in the future beyond a day of clock skew."""
    if day_of(value) < EARLIEST:
        return False
    if now is None:
        return day_of(value).year < 2200
    if isinstance(value, datetime):
        reference = now if now.tzinfo is not None else now.replace(tzinfo=UTC)
        return value <= reference + SKEW
    return value <= (now + SKEW).date()


def not_before(later: Stamp, earlier: Stamp) -> bool:
    """True when `later` is not before `earlier`, comparing days if either is only a day."""
    if isinstance(later, datetime) and isinstance(earlier, datetime):
        return later >= earlier
    return day_of(later) >= day_of(earlier)
