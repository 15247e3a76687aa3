"""Render a digest of alerts as one email: a plain-text part and an HTML part.

Pure: everything comes in as arguments (``now`` and the display ``timezone`` included) and an
``EmailMessage`` comes out. Sections per watch, each story once (see ``digest_view``), at most
``max_items`` stories in full and the rest as a list of linked headlines; if the message would
still pass ``MAX_BYTES``, fewer stories are listed and the rest counted.

Titles, authors, site names, URLs and diffs are untrusted: the HTML template escapes them, only
http(s) URLs become links, and header values are made one line before they are set (a CR or LF
in a title never starts a header).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from email.policy import SMTP, default
from email.utils import format_datetime, parseaddr
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import jinja2

from monitor.digest_view import (
    Entry,
    Link,
    Segment,
    diff_lines,
    format_when,
    link,
    one_line,
    split_marks,
    text_lines,
)
from monitor.errors import ConfigError

__all__ = ["DigestItem", "format_when", "render_digest", "render_preview_html", "split_marks"]

Span = tuple[int, int]
KINDS = ("new", "updated")
MAX_ITEMS = 50
#: A digest stays under this many bytes (Gmail clips messages past about 102 KB).
MAX_BYTES = 100_000
SUBJECT_MAX = 110
_UNFOLDED = SMTP.clone(max_line_length=998)  # the longest line SMTP allows


@dataclass(frozen=True)
class DigestItem:
    """One alert as the digest shows it; ``marks`` and ``title_marks`` are [start, end) spans.

    ``kind`` is "new" or "updated" (an edit of an article seen before, with ``diff``: lines
    starting with "-" removed and "+" added); ``also`` lists (site, url) of other articles of the
    same story.
    """

    watch: str
    title: str
    url: str
    site: str
    published: datetime | date | None
    snippet: str
    marks: tuple[Span, ...]
    title_marks: tuple[Span, ...]
    terms: tuple[str, ...]
    story: str | None = None
    authors: tuple[str, ...] = ()
    kind: str = "new"
    diff: str | None = None
    also: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        if isinstance(self.published, datetime) and self.published.utcoffset() is None:
            raise ValueError(f"published for {self.url} is a naive datetime; pass a tz-aware one")
        if self.kind not in KINDS:
            raise ValueError(f"kind of {self.url} is {self.kind!r}; one of {', '.join(KINDS)}")
        _check_spans(self.marks, self.snippet, "marks", self.url)
        _check_spans(self.title_marks, self.title, "title_marks", self.url)


@dataclass(frozen=True)
class _Section:
    name: str
    heading: str
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class _Listed:
    link: Link
    site: str
    watch: str
    kind: str


def render_digest(
    items: Sequence[DigestItem],
    *,
    recipient: str,
    sender: str,
    now: datetime,
    timezone: str = "UTC",
    message_id: str | None = None,
    max_items: int = MAX_ITEMS,
    config_path: str | None = None,
    unhealthy: Sequence[str] = (),
    unsubscribe: str | None = None,
    max_bytes: int = MAX_BYTES,
) -> EmailMessage:
    """Build the digest email for ``recipient``: text/plain first, then text/html, UTF-8.

    ``unsubscribe``: a mailbox for the List-Unsubscribe header (a mailto:); without one, a
    Comments header names ``config_path``. ``unhealthy``: site names the footer warns about.
    """
    if not items:
        raise ValueError("render_digest needs at least one item; send no digest when none is due")
    if now.utcoffset() is None:
        raise ValueError("now must be a tz-aware datetime")
    if max_items < 1:
        raise ValueError("max_items must be at least 1")
    tz = _zone(timezone)
    stories = _stories(items)
    full = min(max_items, len(stories))

    def render(full: int, listed: int) -> tuple[EmailMessage, int]:
        msg = _render(
            items, stories, full, listed, recipient, sender, now, tz, message_id,
            config_path, unhealthy, unsubscribe,
        )  # fmt: skip
        return msg, len(msg.as_bytes())

    listed = len(stories) - full
    msg, size = render(full, listed)
    if size <= max_bytes:
        return msg
    if listed:
        # Too big: list fewer of the remaining headlines (the rest are counted).
        bare, base = render(full, 0)
        if base <= max_bytes:
            listed = int(listed * (max_bytes - base) / (size - base))
            while listed > 0:
                msg, size = render(full, listed)
                if size <= max_bytes:
                    return msg
                listed = int(listed * 0.9)
            return bare
        msg, size = bare, base
    while size > max_bytes and full > 1:
        # Still too big: fewer stories in full (they move to the count).
        full = min(full - 1, max(1, int(full * max_bytes / size * 0.95)))
        msg, size = render(full, 0)
    return msg


def render_preview_html(msg: EmailMessage) -> str:
    """The HTML part of a digest, e.g. to save a browsable copy next to the .eml."""
    part = msg.get_body(preferencelist=("html",))
    if part is None:
        raise ValueError("the message has no text/html part")
    content = part.get_content()
    if not isinstance(content, str):
        raise ValueError("the text/html part did not decode to text")
    return content.replace("\r\n", "\n")


def _summary(leads: Sequence[DigestItem], names: str) -> str:
    """``7 new, 1 updated for Microsoft in Japan, Nvidia``."""
    new = sum(1 for item in leads if item.kind == "new")
    counts = ", ".join(
        f"{n} {label}" for n, label in ((new, "new"), (len(leads) - new, "updated")) if n
    )
    return f"{counts} for {names}"


def subject(items: Sequence[DigestItem]) -> str:
    """``newsmon: 7 new, 1 updated for Microsoft in Japan, Nvidia - "Microsoft invests..."``."""
    stories = _stories(items)
    leads = [items[group[0]] for group in stories]
    watches = list(dict.fromkeys(one_line(item.watch) for item in items))
    names = ", ".join(watches)
    if len(watches) > 1 and len(names) > 40:
        names = f"{watches[0]} and {len(watches) - 1} more"
    head = f"newsmon: {_summary(leads, names)}"
    top = max(stories, key=lambda group: len(_coverage(items, group)))
    title = one_line(items[top[0]].title)
    room = SUBJECT_MAX - len(head) - len(' - ""')
    if title and room >= 20:
        head += f' - "{_truncate(title, room)}"'
    return head


# -- assembling ------------------------------------------------------------------------------


def _render(
    items: Sequence[DigestItem],
    stories: list[list[int]],
    full: int,
    listed: int,
    recipient: str,
    sender: str,
    now: datetime,
    tz: ZoneInfo,
    message_id: str | None,
    config_path: str | None,
    unhealthy: Sequence[str],
    unsubscribe: str | None,
) -> EmailMessage:
    sections = _sections(items, stories[:full], tz)
    rest = [_listed(items[group[0]]) for group in stories[full:]]
    title = subject(items)
    leads = [items[group[0]] for group in stories]
    names = ", ".join(dict.fromkeys(one_line(item.watch) for item in items))
    context = {
        "subject": title,
        "headline": _summary(leads, names),
        "sections": sections,
        "listed": rest[:listed],
        "unlisted": len(rest) - listed,
        "more": len(rest),
        "recipient": one_line(recipient),
        "config_path": one_line(config_path or ""),
        "unhealthy": [one_line(name) for name in unhealthy],
        "generated": format_when(now, tz),
    }
    env = _environment()
    text = env.get_template("digest.txt.j2").render(context)
    html = env.get_template("digest.html.j2").render(context)

    msg = EmailMessage(policy=SMTP)
    msg["Subject"] = title
    msg["From"] = one_line(sender)
    msg["To"] = one_line(recipient)
    msg["Date"] = format_datetime(now)
    if message_id is not None:
        msg["Message-ID"] = one_line(message_id)
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation auto-replies to a digest
    mailbox = parseaddr(one_line(unsubscribe or ""))[1]
    if mailbox:
        about = quote(f"unsubscribe {parseaddr(one_line(recipient))[1]}")
        msg["List-Unsubscribe"] = f"<mailto:{mailbox}?subject={about}>"
    elif config_path:
        msg["Comments"] = f"to stop these digests, edit {one_line(config_path)}"
    # Quoted-printable keeps long lines (titles, URLs) and non-ASCII safe on any SMTP server.
    msg.set_content(text, charset="utf-8", cte="quoted-printable")
    msg.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
    if _read_back(msg, "Subject") != title:
        # CPython's folder can drop the space between two encoded-words where it breaks a
        # header line; the space before a dash vanishes. Unfolded, it comes back whole.
        msg.policy = _UNFOLDED
    return msg


def _read_back(msg: EmailMessage, name: str) -> str:
    head = BytesHeaderParser(policy=default).parsebytes(msg.as_bytes())
    return str(head[name])


def _stories(items: Sequence[DigestItem]) -> list[list[int]]:
    """Item indexes grouped by story (story key, else URL), in order of first appearance."""
    groups: dict[str, list[int]] = {}
    for index, item in enumerate(items):
        key = f"story:{item.story}" if item.story is not None else f"url:{item.url}"
        groups.setdefault(key, []).append(index)
    return list(groups.values())


def _coverage(items: Sequence[DigestItem], group: list[int]) -> dict[str, str]:
    """url -> site of every article of a story, the lead's first."""
    sites: dict[str, str] = {}
    for index in group:
        item = items[index]
        sites.setdefault(item.url, item.site)
        for site, url in item.also:
            sites.setdefault(url, site)
    return sites


def _sections(
    items: Sequence[DigestItem], stories: list[list[int]], tz: ZoneInfo
) -> list[_Section]:
    by_watch: dict[str, list[Entry]] = {}
    for group in stories:
        lead = items[group[0]]
        by_watch.setdefault(lead.watch, []).append(_entry(items, group, tz))
    sections = []
    for name, entries in by_watch.items():
        noun = "story" if len(entries) == 1 else "stories"
        sections.append(_Section(name, one_line(f"{name} ({len(entries)} {noun})"), tuple(entries)))
    return sections


def _entry(items: Sequence[DigestItem], group: list[int], tz: ZoneInfo) -> Entry:
    item = items[group[0]]
    coverage = _coverage(items, group)
    also = tuple(link(site, url) for url, site in coverage.items() if url != item.url)
    watches = tuple(dict.fromkeys(items[i].watch for i in group if items[i].watch != item.watch))
    authors = ", ".join(one_line(a) for a in item.authors if a.strip())
    byline = " | ".join(
        part
        for part in (
            one_line(item.site),
            format_when(item.published, tz),
            authors and f"by {authors}",
        )
        if part
    )
    main = link(item.title, item.url)
    title_segments = split_marks(item.title, item.title_marks)
    snippet = split_marks(item.snippet, item.marks)
    diff = diff_lines(item.diff) if item.kind == "updated" else ()
    terms = tuple(one_line(t) for t in item.terms)
    return Entry(
        kind=item.kind,
        title_segments=title_segments or (Segment(item.url, False),),
        link=main,
        byline=byline,
        terms=terms,
        snippet_segments=snippet,
        diff=diff,
        also=also,
        also_watches=watches,
        text_lines=text_lines(
            item.title or item.url, main, byline, terms, snippet, diff, also, watches, item.kind
        ),
    )


def _listed(item: DigestItem) -> _Listed:
    return _Listed(
        link(item.title or item.url, item.url), one_line(item.site), item.watch, item.kind
    )


# -- helpers ---------------------------------------------------------------------------------


@functools.cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("monitor", "templates"),
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html.j2",), default_for_string=False, default=False
        ),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise ConfigError(
            f"unknown timezone {name!r} in [schedule] timezone; "
            "use an IANA name such as 'Europe/Berlin' or 'UTC'"
        ) from e


def _truncate(text: str, room: int) -> str:
    if len(text) <= room:
        return text
    cut = text[: room - 3]
    space = cut.rfind(" ")
    if space > room // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-") + "..."


def _check_spans(spans: Sequence[Span], text: str, field: str, url: str) -> None:
    for start, end in spans:
        if not 0 <= start <= end <= len(text):
            raise ValueError(
                f"{field} span ({start}, {end}) of {url} is outside its text "
                f"(length {len(text)}); spans are [start, end) character offsets"
            )
