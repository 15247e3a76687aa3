"""Parse the dates pages and feeds give (ISO 8601, RFC 822, written forms); keep the sane ones."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone

Stamp = datetime | date

EARLIEST = date(1991, 1, 1)  # before the web, a page's date is a mistake
SKEW = timedelta(days=1)
LATEST = date(2199, 12, 31)  # the bound when no `now` is given: no clock is read

_ISO = re.compile(
    r"(?P<y>\d{4})-?(?P<m>\d{2})-?(?P<d>\d{2})"
    r"(?:[Tt\s]+(?P<H>\d{1,2}):?(?P<M>\d{2})(?::?(?P<S>\d{2})(?:[.,](?P<f>\d+))?)?)?"
    r"\s*(?P<tz>[Zz]|[+-]\d{2}(?::?\d{2})?|(?:UTC|GMT)(?:[+-]\d{1,2}(?::?\d{2})?)?|[A-Z]{3,4}\b)?"
)
# RFC 822 as feeds and mail headers write it, with the liberties real feeds take: no weekday,
# two-digit years, dashes, month names in other languages, named zones, a trailing comment.
_RFC822 = re.compile(
    r"(?:[^\W\d_]+\.?,?\s*)?(?P<d>\d{1,2})[\s-]+(?P<mon>[^\W\d_]+)\.?,?[\s-]+(?P<y>\d{4}|\d{2})"
    r"(?:[\sT]+(?P<H>\d{1,2}):?(?P<M>\d{2})(?::(?P<S>\d{2}))?(?:[.,]\d+)?)?"
    r"\s*(?P<tz>[A-Za-z]{1,5}|[+-]\d{2}:?\d{2})?\s*(?:\(.*\))?",
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
# Minutes east of UTC for the zone names of RFC 822 and those pages and feeds use in practice.
_ZONES = {
    "UT": 0, "UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "WEST": 60, "BST": 60, "IST": 60,
    "CET": 60, "MEZ": 60, "MET": 60, "CEST": 120, "MESZ": 120, "MEST": 120,
    "EET": 120, "EEST": 180, "MSK": 180,
    "EST": -300, "EDT": -240, "CST": -360, "CDT": -300, "MST": -420, "MDT": -360,
    "PST": -480, "PDT": -420, "AKST": -540, "AKDT": -480, "HST": -600, "AST": -240,
    "ADT": -180, "NST": -210, "NDT": -150, "JST": 540, "KST": 540, "HKT": 480, "SGT": 480,
    "AWST": 480, "ACST": 570, "AEST": 600, "AEDT": 660, "NZST": 720, "NZDT": 780,
}  # fmt: skip
# Month names and the abbreviations feeds use, in the languages of the sites we read.
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            "jan january januar janvier janv enero ene gennaio gen januari janeiro jänner",
            "feb february februar février févr fév fevrier fev febrero febbraio februari fevereiro",
            "mar march märz mär mrz maerz mars marzo maart março",
            "apr april avril avr abril abr aprile",
            "may mai mayo maggio mag mei maio",
            "jun june juni juin junio giugno giu junho",
            "jul july juli juillet juil julio luglio lug julho",
            "aug august août aoû aout agosto ago augustus",
            "sep sept september septembre septiembre settembre set setembro",
            "oct october oktober okt octobre octubre ottobre ott outubro out",
            "nov november novembre noviembre novembro",
            "dec december dezember dez décembre déc decembre diciembre dic dicembre desember"
            " dezembro",
        ),
        start=1,
    )
    for name in names.split()
} | {
    name: number
    for number, names in enumerate(
        (  # Russian (nominative, genitive, abbreviated) and Ukrainian (genitive)
            "январь января янв січня",
            "февраль февраля фев февр лютого",
            "март марта мар березня",
            "апрель апреля апр квітня",
            "май мая травня",
            "июнь июня июн червня",
            "июль июля июл липня",
            "август августа авг серпня",
            "сентябрь сентября сен сент вересня",
            "октябрь октября окт жовтня",
            "ноябрь ноября ноя нояб листопада",
            "декабрь декабря дек грудня",
        ),
        start=1,
    )
    for name in names.split()
}
_WORD_MDY = re.compile(
    r"\b(?P<mon>[^\W\d_]{3,10})\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})"
)
_WORD_DMY = re.compile(
    r"\b(?P<d>\d{1,2})(?:st|nd|rd|th|er)?\.?\s+(?:de\s+)?(?P<mon>[^\W\d_]{3,10})\.?,?\s+(?:de\s+)?(?P<y>\d{4})"
)
# Chinese and Japanese 2025年3月4日, Korean 2025년 3월 4일 (and its dotted 2025. 3. 4.)
_CJK_YMD = re.compile(
    r"(?<!\d)(?P<y>\d{4})\s*(?:年|년)\s*(?P<m>\d{1,2})\s*(?:月|월)\s*(?P<d>\d{1,2})(?!\d)"
    r"|(?<!\d)(?P<ky>\d{4})\.\s(?P<km>\d{1,2})\.\s(?P<kd>\d{1,2})\.?(?!\d)"
)
# an ISO day inside a label: "Last updated: 2025-02-22", "Posted 2025-02-22T10:00:00Z"
_ISO_WITHIN = re.compile(r"(?<![\d./-])(?:19|20)\d\d-\d\d-\d\d(?!\d)")

# "3 days ago" and its kin in the languages of _MONTHS: a number (or "a", "one") and a unit
_RELATIVE = re.compile(
    r"(?i)\b(?:(?P<en>\d{1,3}|an?|one)\s+(?P<en_unit>min(?:ute)?|hour|hr|day|week)s?\s+ago"
    r"|vor\s+(?P<de>\d{1,3}|einer|einem)\s+(?P<de_unit>Minute|Stunde|Tag|Woche)(?:e?n)?"
    r"|il\s+y\s+a\s+(?P<fr>\d{1,3}|une?)\s+(?P<fr_unit>minute|heure|jour|semaine)s?"
    r"|hace\s+(?P<es>\d{1,3}|una?)\s+(?P<es_unit>minuto|hora|d[i\u00ed]a|semana)s?"
    r"|(?P<ru>\d{1,3})\s+(?P<ru_unit>\u043c\u0438\u043d\u0443\u0442|\u0447\u0430\u0441|\u0434\u043d|\u0434\u0435\u043d\u044c|\u043d\u0435\u0434\u0435\u043b)\w*\s+\u043d\u0430\u0437\u0430\u0434)\b"
    r"|(?<!\d)(?P<cjk>\d{1,3})\s*(?P<cjk_unit>\u5206\u949f|\u5206|\ubd84|\u5c0f\u65f6|\u6642\u9593|\uc2dc\uac04|\u5929|\u65e5|\uc77c|\u9031\u9593|\u5468|\uc8fc)\s*(?:\u524d|\uc804)"
    r"|^(?:\W*\w+\W+)?(?P<yesterday>yesterday|gestern|hier(?=\s+\u00e0)|ayer|ieri|gisteren)\b"
)
_UNITS = {
    "min": 60, "minute": 60, "minuto": 60, "hour": 3600, "hr": 3600, "stunde": 3600,
    "heure": 3600, "hora": 3600, "day": 86400, "tag": 86400, "jour": 86400, "dia": 86400,
    "d\u00eda": 86400, "week": 604800, "woche": 604800, "semaine": 604800, "semana": 604800,
    # Russian stems; Chinese, Japanese and Korean units
    "\u043c\u0438\u043d\u0443\u0442": 60, "\u0447\u0430\u0441": 3600, "\u0434\u043d": 86400,
    "\u0434\u0435\u043d\u044c": 86400, "\u043d\u0435\u0434\u0435\u043b": 604800,
    "\u5206\u949f": 60, "\u5206": 60, "\ubd84": 60, "\u5c0f\u65f6": 3600, "\u6642\u9593": 3600,
    "\uc2dc\uac04": 3600, "\u5929": 86400, "\u65e5": 86400, "\uc77c": 86400,
    "\u9031\u9593": 604800, "\u5468": 604800, "\uc8fc": 604800,
}  # fmt: skip

Time = tuple[int, int, int, int]  # hour, minute, second, microsecond
Ymd = tuple[int, int, int]
# What a parser read: year, month, day, the time if given, the offset if given and known.
Fields = tuple[int, int, int, Time | None, timezone | None]


def _zone(label: str | None) -> timezone | None:
    if not label:
        return None
    text = label.strip().upper().replace(" ", "")
    if text in _ZONES:
        return timezone(timedelta(minutes=_ZONES[text]))
    match = re.fullmatch(r"(?:UTC|GMT)?([+-])(\d{1,2}):?(\d{2})?", text)
    if not match:
        return None
    sign = -1 if match.group(1) == "-" else 1
    hours, minutes = int(match.group(2)), int(match.group(3) or 0)
    if hours > 14 or minutes > 59:
        return None
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _build(fields: Fields) -> Stamp | None:
    year, month, day, hms, tz = fields
    try:
        if hms is None or tz is None:
            # A time without an offset names no instant: only its day is certain.
            return date(year, month, day)
        hour, minute, second, micro = hms
        return datetime(year, month, day, hour, minute, min(second, 59), micro, tzinfo=tz)
    except (ValueError, OverflowError):
        return None


def _parse_iso(text: str, *, whole: bool = False) -> Fields | None:
    match = _ISO.fullmatch(text) if whole else _ISO.match(text)
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
    return int(match.group("y")), int(match.group("m")), int(match.group("d")), hms, tz


def _parse_rfc822(text: str) -> Fields | None:
    match = _RFC822.fullmatch(text)
    if not match:
        return None
    name = match.group("mon").lower()
    month = _MONTHS.get(name) or _MONTHS.get(name[:4]) or _MONTHS.get(name[:3])  # or abbreviated
    if month is None:
        return None
    year = int(match.group("y"))
    if len(match.group("y")) == 2:
        year += 2000 if year < 50 else 1900
    hms = None
    if match.group("H") is not None:
        hms = (int(match.group("H")), int(match.group("M")), int(match.group("S") or 0), 0)
    return year, month, int(match.group("d")), hms, _zone(match.group("tz"))


def _time_of(text: str) -> tuple[Time | None, timezone | None]:
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
    label = match.group("tz")
    if label and label[0].isalpha() and not label.isupper():
        label = None  # zone names are written in capitals: "15:47 met" is Dutch, not MET
    return (hour, minute, int(match.group("S") or 0), 0), _zone(label)


def _parse_written(text: str, day_first: bool | None = None) -> Fields | None:
    for pattern in (_WORD_MDY, _WORD_DMY):
        match = pattern.search(text)
        if match and match.group("mon").lower() in _MONTHS:
            ymd = (
                int(match.group("y")),
                _MONTHS[match.group("mon").lower()],
                int(match.group("d")),
            )
            break
    else:
        found = _numeric(text, day_first)
        if found is None:
            return None
        match, ymd = found
    rest = text[: match.start()] + " " + text[match.end() :]
    return (*ymd, *_time_of(rest))


def _numeric(text: str, day_first: bool | None) -> tuple[re.Match[str], Ymd] | None:
    """A date in digits: year first (also in CJK writing), day first with dots, or slashed.

    A slashed date whose parts could both be the month ("05/03/2024") is read only when
    `day_first` says which order the page uses.
    """
    if match := _CJK_YMD.search(text):
        parts = match.group("y", "m", "d") if match.group("y") else match.group("ky", "km", "kd")
        return match, (int(parts[0]), int(parts[1]), int(parts[2]))
    if match := _NUMERIC_YMD.search(text) or _NUMERIC_DMY.search(text):
        return match, (int(match.group("y")), int(match.group("m")), int(match.group("d")))
    match = _NUMERIC_SLASHED.search(text)
    if not match:
        return None
    first, second = int(match.group("a")), int(match.group("b"))
    if first > 12 and second > 12:
        return None
    if first > 12 or second > 12:
        day_first = first > 12
    elif day_first is None:
        return None
    day, month = (first, second) if day_first else (second, first)
    return match, (int(match.group("y")), month, day)


def written_order(text: str) -> bool | None:
    """Whether `text` writes its dates day first, by those that show the order: "3 October
    2023" or 25/12/2023 are day first, "October 3, 2023" or 12/25/2023 month first.

    None when its dates do not tell, or tell both ways as often.
    """
    votes = 0
    for pattern, vote in ((_WORD_DMY, 1), (_WORD_MDY, -1)):
        votes += sum(vote for m in pattern.finditer(text) if m.group("mon").lower() in _MONTHS)
    for match in _NUMERIC_SLASHED.finditer(text):
        first, second = int(match.group("a")), int(match.group("b"))
        if (first > 12) != (second > 12) and max(first, second) <= 31:
            votes += 1 if first > 12 else -1
    return None if votes == 0 else votes > 0


def _parse_iso_within(text: str) -> Fields | None:
    match = _ISO_WITHIN.search(text)
    return _parse_iso(text[match.start() :]) if match else None


def parse_date(text: str, *, day_first: bool | None = None) -> Stamp | None:
    """A datetime (aware, with the page's own offset) or a date from `text`; None if unreadable.

    Pages write dates every way there is, often inside other words, and a time without an offset
    names no instant, so only its day is kept. `day_first` tells how to read a slashed date
    such as 03/04/2025 (True in most of the world, False in the US); without it such a date,
    one that either part could be the month of, is not read.
    """
    value = " ".join(text.split())[:200]
    if not value:
        return None
    if not value.isascii():  # full-width digits and letters as ASCII
        value = unicodedata.normalize("NFKC", value)
    if _EPOCH.match(value):
        seconds = int(value[:10])
        return datetime.fromtimestamp(seconds, tz=UTC)
    readers: tuple[Callable[[str], Fields | None], ...] = (
        _parse_iso,
        _parse_rfc822,
        lambda v: _parse_written(v, day_first),
        _parse_iso_within,
    )
    for reader in readers:
        fields = reader(value)
        if fields is not None and (result := _build(fields)) is not None:
            return result
    return None


def parse_relative(text: str, now: datetime) -> date | None:
    """The day a relative label ("3 days ago", "vor 2 Stunden", "3日前") means at `now`.

    Only for a short label that is the relative date (a sentence may say "two weeks ago" of
    anything); months and years ago name no day. The day is `now`'s own calendar's.
    """
    value = " ".join(text.split())
    if not value or len(value) > 40:
        return None
    match = _RELATIVE.search(value)
    if match is None:
        return None
    if match.group("yesterday"):
        return now.date() - timedelta(days=1)
    for lang in ("en", "de", "fr", "es", "ru", "cjk"):
        if match.group(lang):
            count, unit = match.group(lang).lower(), match.group(f"{lang}_unit").lower()
            number = int(count) if count.isdigit() else 1
            return (now - timedelta(seconds=number * _UNITS[unit])).date()
    return None


def mentions_relative_day(text: str) -> bool:
    """Whether a short label gives a relative date ("3 days ago"); see parse_relative."""
    return len(text) <= 40 and _RELATIVE.search(text) is not None


def parse_feed_date(text: str) -> datetime | None:
    """A feed's date (the whole text in RFC 822 or ISO 8601) as an aware datetime, else None.

    Feeds follow one of the two formats and mean UTC when they give no offset or an unknown zone
    name (RSS readers have always read them so); a bare day is its midnight in UTC.
    """
    value = text.strip()
    if len(value) > 80:
        return None
    fields = _parse_iso(value, whole=True) or _parse_rfc822(value)
    if fields is None:
        return None
    year, month, day, hms, tz = fields
    stamp = _build((year, month, day, hms or (0, 0, 0, 0), tz or UTC))
    return stamp if isinstance(stamp, datetime) else None


def day_of(value: Stamp) -> date:
    """The calendar day of a stamp, in the page's own offset."""
    return value.date() if isinstance(value, datetime) else value


def is_plausible(value: Stamp, now: datetime | None) -> bool:
    """Not before the web existed, not in the future beyond a day of clock skew.

    Without `now` there is no upper bound but LATEST: the clock is never read.
    """
    if day_of(value) < EARLIEST:
        return False
    if now is None:
        return day_of(value) <= LATEST
    if isinstance(value, datetime):
        reference = now if now.tzinfo is not None else now.replace(tzinfo=UTC)
        return value <= reference + SKEW
    return value <= (now + SKEW).date()


def not_before(later: Stamp, earlier: Stamp) -> bool:
    """True when `later` is not before `earlier`, comparing days if either is only a day."""
    if isinstance(later, datetime) and isinstance(earlier, datetime):
        return later >= earlier
    return day_of(later) >= day_of(earlier)
