"""Generic checks of values read from a TOML file, each reporting what is wrong to a Problems.

A check takes the value and its key path (`site[1].feeds[3]`), adds one line per problem, and
returns the checked value, or None (or a stated default) when the value is unusable, so that the
caller can carry on and every problem in a file is reported at once. Nothing here knows the
newsmon.toml schema: that lives in monitor.config.
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from email.utils import getaddresses, parseaddr
from urllib.parse import urlsplit

DURATION_UNITS = {"d": 86400, "h": 3600, "m": 60, "s": 1}
_DURATION = re.compile(r"(?:\d+[smhd])+")


class Problems:
    """Collects `<file>: <key>: <message>` lines."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.lines: list[str] = []

    def add(self, key: str, message: str) -> None:
        """Record that the value at `key` is wrong, and how."""
        self.lines.append(f"{self.label}: {key}: {message}")


def key_path(parent: str, name: str) -> str:
    """The key path of `name` inside the table at `parent` ("" for the top level)."""
    return f"{parent}.{name}" if parent else name


def show(value: object) -> str:
    """`value` as a user would recognise it from the file, cut short if long."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    shown = repr(value)
    return shown if len(shown) <= 60 else shown[:57] + "..."


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """` (did you mean 'x'?)` for the closest of `choices` to `word`, or "" if none is close."""
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def known(
    p: Problems,
    table: Mapping[str, object],
    key: str,
    allowed: Sequence[str],
    refused: Mapping[str, str] | None = None,
) -> None:
    """Report each key of `table` not in `allowed`; a key in `refused` gets that message instead."""
    for name in table:
        if refused and name in refused:
            p.add(key_path(key, name), refused[name])
        elif name not in allowed:
            hint = did_you_mean(name, allowed) or f"; allowed keys: {', '.join(allowed)}"
            p.add(key_path(key, name), f"unknown key{hint}")


def table(
    p: Problems,
    value: object,
    key: str,
    allowed: Sequence[str],
    required: Sequence[str] = (),
    refused: Mapping[str, str] | None = None,
) -> dict[str, object] | None:
    """`value` if it is a table; its unknown, refused and missing keys are reported."""
    if not isinstance(value, dict):
        p.add(key, f"expected a table, got {show(value)}")
        return None
    known(p, value, key, allowed, refused)
    for name in required:
        if name not in value:
            p.add(key, f"missing required key {name!r}")
    return value


def tables(p: Problems, value: object, key: str) -> list[object]:
    """The entries of an array of tables (`[[key]]`); [] if absent or not an array."""
    if value is None:
        return []
    if not isinstance(value, list):
        p.add(key, f"expected an array of tables ([[{key}]]), got {show(value)}")
        return []
    return value


def string(p: Problems, table: Mapping[str, object], name: str, key: str) -> str | None:
    """`table[name]` checked with `text`, or None if the key is absent."""
    return text(p, table[name], key) if name in table else None


def text(p: Problems, value: object, key: str) -> str | None:
    """`value` if it is a string that is not blank."""
    if not isinstance(value, str):
        p.add(key, f"expected a string, got {show(value)}")
        return None
    if not value.strip():
        p.add(key, "must not be empty")
        return None
    return value


def strings(p: Problems, value: object, key: str) -> list[str]:
    """The entries of an array of strings that pass `text`; the others are reported."""
    if not isinstance(value, list):
        p.add(key, f"expected an array of strings, got {show(value)}")
        return []
    checked = [text(p, item, f"{key}[{index}]") for index, item in enumerate(value, 1)]
    return [item for item in checked if item is not None]


def choice(p: Problems, word: str, key: str, choices: Sequence[str]) -> str | None:
    """`word` if it is one of `choices`."""
    if word in choices:
        return word
    p.add(key, f"{word!r} is not one of {', '.join(choices)}{did_you_mean(word, choices)}")
    return None


def url(p: Problems, value: str | None, key: str) -> str | None:
    """`value` if it is an http(s) URL with a host and a usable port; None passes through."""
    if value is None:
        return None
    try:
        parts = urlsplit(value)
        ok = parts.scheme in ("http", "https") and bool(parts.hostname) and parts.port != 0
    except ValueError:
        ok = False
    if ok and not any(c.isspace() for c in value):
        return value
    example = f"https://{value}" if "://" not in value else "https://news.example.com/"
    p.add(key, f"{value!r} is not an http(s) URL with a host; write it like {example!r}")
    return None


def urls(p: Problems, table: Mapping[str, object], name: str, key: str) -> tuple[str, ...]:
    """The entries of the array of URLs `table[name]` that pass `url`; () if absent."""
    texts = strings(p, table[name], key) if name in table else []
    checked = [url(p, item, f"{key}[{index}]") for index, item in enumerate(texts, 1)]
    return tuple(item for item in checked if item is not None)


def duration(p: Problems, value: str | None, key: str) -> datetime.timedelta | None:
    """A span like '90s', '15m', '1h30m' or '365d'; None if absent or unreadable (reported)."""
    if value is None:
        return None
    compact = value.replace(" ", "")
    if not _DURATION.fullmatch(compact):
        p.add(key, f"{value!r} is not a duration; write a number and a unit: 90s, 15m, 2h or 1d")
        return None
    seconds = sum(
        int(n) * DURATION_UNITS[unit] for n, unit in re.findall(r"(\d+)([smhd])", compact)
    )
    return datetime.timedelta(seconds=seconds)


def every(p: Problems, value: str | None, key: str) -> datetime.timedelta:
    """A poll interval like '90s', '15m' or '1h30m'; 15 minutes if absent, zero or unreadable."""
    default = datetime.timedelta(minutes=15)
    span = duration(p, value, key)
    if span is None:
        return default
    if not span:
        p.add(key, f"{value!r} is zero; a site needs a pause between polls, like 15m")
        return default
    return span


def durations(p: Problems, value: object, key: str) -> tuple[datetime.timedelta, ...]:
    """An array of non-zero durations, kept in ascending order."""
    spans = [duration(p, item, f"{key}[{i}]") for i, item in enumerate(strings(p, value, key), 1)]
    kept = [s for s in spans if s is not None]
    if any(not s for s in kept):
        p.add(key, 'a zero duration; write spans after first sight, like "1h" or "6h"')
    return tuple(sorted(s for s in kept if s))


def flag(p: Problems, table: Mapping[str, object], name: str, key: str) -> bool:
    """`table[name]` if it is true or false; false if absent."""
    value = table.get(name, False)
    if not isinstance(value, bool):
        p.add(key, f"expected true or false, got {show(value)}")
        return False
    return value


def address(p: Problems, value: str | None, key: str) -> str | None:
    """`value`, stripped, if it holds exactly one email address; None passes through."""
    if value is None:
        return None
    _, addr = parseaddr(value)
    local, _, domain = addr.rpartition("@")
    if len(getaddresses([value])) > 1:
        p.add(key, f"{value!r} holds more than one address; give each its own string")
    elif (
        local
        and "." in domain.strip(".")
        and "@" not in local
        and not any(c.isspace() for c in addr)
    ):
        return value.strip()
    else:
        p.add(key, f"{value!r} is not an email address; write it like 'alice@example.com'")
    return None
