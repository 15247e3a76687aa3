"""Digest rendering: goldens, MIME structure, escaping and highlighting."""

from __future__ import annotations

import email
import email.policy
import os
import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from email.message import EmailMessage
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.digest import DigestItem, format_when, render_digest, render_preview_html, split_marks
from monitor.errors import ConfigError

GOLDEN = Path(__file__).parent / "golden"
NOW = datetime(2024, 4, 10, 6, 0, tzinfo=UTC)
WATCH_MS = "Microsoft in Japan"
WATCH_SEC = "Security"


def spans_of(text: str, *words: str) -> tuple[tuple[int, int], ...]:
    """The span of the first occurrence of each word (the test data picks unique words)."""
    spans = []
    for word in words:
        start = text.index(word)
        spans.append((start, start + len(word)))
    return tuple(spans)


def item(
    watch: str,
    title: str,
    url: str,
    site: str,
    published: datetime | date | None,
    snippet: str,
    words: tuple[str, ...],
    story: str | None = None,
    **extra: Any,
) -> DigestItem:
    return DigestItem(
        watch=watch,
        title=title,
        url=url,
        site=site,
        published=published,
        snippet=snippet,
        marks=spans_of(snippet, *words),
        title_marks=tuple(
            span for word in words if word in title for span in spans_of(title, word)
        ),
        terms=words,
        story=story,
        **extra,
    )


LEAD_SNIPPET = (
    "Microsoft said on Wednesday it will invest $2.9 billion over the next two years to "
    "expand its hyperscale cloud computing and AI infrastructure in Japan, the company's "
    "largest investment in the country in its 46-year history there."
)
ITEMS = (
    item(
        WATCH_MS,
        "Microsoft invests $2.9 billion in Japan's AI and cloud infrastructure",
        "https://mspoweruser.com/microsoft-invests-2-9-billion-in-japans-ai-and-cloud/",
        "MSPoweruser",
        datetime(2024, 4, 10, 0, 12, tzinfo=UTC),
        LEAD_SNIPPET,
        ("Microsoft", "Japan"),
        story="s-1",
        authors=("Jane Doe", "Kenji Sato"),
        also=(("Reuters", "https://www.reuters.com/technology/microsoft-japan/"),),
    ),
    item(
        WATCH_SEC,
        "Patch now: <script> injection & XSS in popular CMS",
        "https://www.theverge.com/2024/4/9/cms-xss?utm=a&ref=b",
        "The Verge",
        date(2024, 4, 9),
        'Researchers found that a crafted <script>alert("x")</script> tag & a bad cookie '
        "let attackers run code (XSS) in the admin panel.",
        ("<script>", "XSS"),
    ),
    item(
        WATCH_MS,
        "Microsoft to spend $2.9B on AI and cloud in Japan",
        "https://techcrunch.com/2024/04/09/microsoft-japan-ai/",
        "TechCrunch",
        datetime(2024, 4, 9, 23, 30, tzinfo=UTC),
        "Microsoft will spend $2.9B in Japan.",
        ("Microsoft", "Japan"),
        story="s-1",
    ),
    item(
        WATCH_MS,
        "Tokyo hosts Microsoft AI Tour",
        "https://news.example.com/tokyo-ai-tour",
        "Example News",
        None,
        "The Microsoft AI Tour stops in Tokyo.",
        ("Microsoft", "Tokyo"),
    ),
    item(
        WATCH_SEC,
        "Microsoft fixes Japan-only Outlook bug",
        "https://www.theregister.com/2024/04/10/outlook_bug/",
        "The Register",
        datetime(2024, 4, 10, 5, 0, tzinfo=UTC),
        "The fix for the Outlook XSS bug reached users in Japan on Wednesday.",
        ("XSS",),
        kind="updated",
        diff="- The bug affects Outlook users in Japan.\n+ Microsoft fixed the bug on Wednesday.",
    ),
)


def render(
    items: Sequence[DigestItem] = ITEMS,
    *,
    now: datetime = NOW,
    timezone: str = "Europe/Berlin",
    message_id: str | None = "<digest-1@newsmon.example>",
    **options: Any,
) -> EmailMessage:
    return render_digest(
        items,
        recipient="alice@example.com",
        sender="newsmon <alerts@example.com>",
        now=now,
        timezone=timezone,
        message_id=message_id,
        **{
            "config_path": "/home/alice/newsmon.toml",
            "unsubscribe": "alerts@example.com",
            "unhealthy": ("heise",),
            **options,
        },
    )


def parsed(msg: EmailMessage) -> EmailMessage:
    back = email.message_from_bytes(msg.as_bytes(), policy=email.policy.default)
    assert isinstance(back, EmailMessage)
    return back


def parts(msg: EmailMessage) -> tuple[str, str]:
    """The text and HTML bodies after a trip through bytes, with \\n line ends."""
    back = parsed(msg)
    text_part = back.get_body(preferencelist=("plain",))
    html_part = back.get_body(preferencelist=("html",))
    assert text_part is not None and html_part is not None
    text, html = text_part.get_content(), html_part.get_content()
    assert isinstance(text, str) and isinstance(html, str)
    return text.replace("\r\n", "\n"), html.replace("\r\n", "\n")


@pytest.mark.parametrize("kind", ["txt", "html"])
def test_golden(kind: str) -> None:
    text, html = parts(render())
    got = text if kind == "txt" else html
    path = GOLDEN / f"digest.{kind}"
    if os.environ.get("NEWSMON_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(got, encoding="utf-8")
    assert got == path.read_text(encoding="utf-8")


def test_headers_and_structure_survive_bytes() -> None:
    back = parsed(render())
    assert back["From"] == "newsmon <alerts@example.com>"
    assert back["To"] == "alice@example.com"
    assert back["Message-ID"] == "<digest-1@newsmon.example>"
    assert back["Date"].datetime == NOW
    assert back["Subject"] == (
        'newsmon: 3 new, 1 updated for Microsoft in Japan, Security - "Microsoft invests $2.9 '
        "billion in Japan's...\""
    )
    assert back.get_content_type() == "multipart/alternative"
    types = [p.get_content_type() for p in back.iter_parts()]
    assert types == ["text/plain", "text/html"]
    assert all(p.get_content_charset() == "utf-8" for p in back.iter_parts())


def test_no_message_id_unless_given() -> None:
    assert render(message_id=None)["Message-ID"] is None


def test_subject_names_the_watches_counts_and_the_most_covered_headline() -> None:
    one = [i for i in ITEMS if i.watch == WATCH_MS]
    assert parsed(render(items=one))["Subject"] == (
        f"newsmon: 2 new for {WATCH_MS} - \"Microsoft invests $2.9 billion in Japan's AI and "
        'cloud..."'
    )
    assert parsed(render(items=one[2:]))["Subject"] == (
        f'newsmon: 1 new for {WATCH_MS} - "Tokyo hosts Microsoft AI Tour"'
    )
    many = [
        replace(ITEMS[3], watch=f"Watch number {n}", url=f"https://e.example/{n}") for n in range(5)
    ]
    assert parsed(render(items=many))["Subject"].startswith(
        "newsmon: 5 new for Watch number 0 and 4 more - "
    )
    assert len(parsed(render(items=many))["Subject"]) <= 110


def test_non_ascii_round_trips_in_headers_and_both_parts() -> None:
    title = "Preis: 29 € \u2013 日本のマイクロソフト"
    special = replace(ITEMS[0], watch="日本 €", title=title, title_marks=(), story=None, also=())
    msg = render(items=[special])
    raw = msg.as_bytes()
    assert "日本".encode() not in raw.split(b"\r\n\r\n", 1)[0]  # headers are RFC 2047-encoded
    back = parsed(msg)
    assert back["Subject"] == f'newsmon: 1 new for 日本 € - "{title}"'
    text, html = parts(msg)
    assert f"* {title}" in text.splitlines()
    assert title in html


def test_plain_text_has_full_title_and_url_on_own_lines_and_short_lines() -> None:
    text, _ = parts(render())
    lines = [line.strip() for line in text.splitlines()]
    for it in ITEMS[:2] + ITEMS[3:4]:
        assert f"* {it.title}" in lines
        assert it.url in lines
    assert f"* [updated] {ITEMS[4].title}" in lines
    assert "TechCrunch: https://techcrunch.com/2024/04/09/microsoft-japan-ai/" in lines
    long_ok = {f"* {it.title}" for it in ITEMS} | {it.url for it in ITEMS}
    assert all(len(line) <= 78 for line in text.splitlines() if line.strip() not in long_ok)


def test_published_shown_in_the_given_timezone() -> None:
    text, html = parts(render())
    assert "MSPoweruser | 10 Apr 2024, 02:12 CEST | by Jane Doe, Kenji Sato" in text
    assert "The Verge | 9 Apr 2024\n" in text  # date only: no time, no zone
    assert "10 Apr 2024, 02:12 CEST" in html
    text_utc, _ = parts(render(timezone="UTC"))
    assert "MSPoweruser | 10 Apr 2024, 00:12 UTC" in text_utc
    assert "Generated by newsmon at 10 Apr 2024, 06:00 UTC." in text_utc


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime(2024, 1, 5, 9, 3, tzinfo=UTC), "5 Jan 2024, 10:03 CET"),
        (datetime(2024, 7, 5, 9, 3, tzinfo=UTC), "5 Jul 2024, 11:03 CEST"),
        (date(2024, 12, 31), "31 Dec 2024"),
        (None, ""),
    ],
)
def test_format_when(value: datetime | date | None, expected: str) -> None:
    from zoneinfo import ZoneInfo

    assert format_when(value, ZoneInfo("Europe/Berlin")) == expected


def test_each_story_once_with_other_coverage_under_it() -> None:
    text, html = parts(render())
    lead, other = ITEMS[0], ITEMS[2]
    assert other.title not in text and other.title not in html  # shown once, as its lead
    block = text[text.index(lead.title) : text.index(ITEMS[3].title)]
    assert "Also covered by:" in block
    assert f"TechCrunch: {other.url}" in block
    assert "Reuters: https://www.reuters.com/technology/microsoft-japan/" in block
    reuters = "https://www.reuters.com/technology/microsoft-japan/"
    assert f'Also covered by: <a href="{reuters}"' in html
    assert f'<a href="{other.url}" style="color:#1d4ed8">TechCrunch</a>' in html


def test_a_story_in_two_watches_shows_once_and_says_so() -> None:
    twice = [ITEMS[3], replace(ITEMS[3], watch=WATCH_SEC)]
    text, html = parts(render(items=twice))
    assert text.count(ITEMS[3].title) == 1
    assert "Also matches: Security" in text
    assert "also matches Security" in html
    assert parsed(render(items=twice))["Subject"].startswith(
        f"newsmon: 1 new for {WATCH_MS}, {WATCH_SEC}"
    )


def test_grouped_by_watch_in_order_of_first_appearance() -> None:
    text, _ = parts(render())
    ms = text.index(f"{WATCH_MS} (2 stories)")
    sec = text.index(f"{WATCH_SEC} (2 stories)")
    assert ms < text.index(ITEMS[3].title) < sec < text.index(ITEMS[1].title)


def test_updated_alert_shows_its_diff() -> None:
    text, html = parts(render(items=[ITEMS[4]]))
    assert "- The bug affects Outlook users in Japan." in text
    assert "+ Microsoft fixed the bug on Wednesday." in text
    assert "UPDATED</span>" in html
    assert re.search(r"<del [^>]*>The bug affects Outlook users in Japan\.</del>", html)
    assert re.search(r"<ins [^>]*>Microsoft fixed the bug on Wednesday\.</ins>", html)
    assert parsed(render(items=[ITEMS[4]]))["Subject"].startswith("newsmon: 1 updated for")


def test_script_never_appears_unescaped_in_html() -> None:
    _, html = parts(render())
    assert "<script" not in html.lower()
    assert "&lt;script&gt;" in html
    assert "?utm=a&amp;ref=b" in html
    assert "injection &amp; <mark" in html


def test_non_http_urls_are_not_links() -> None:
    bad = replace(ITEMS[3], url="javascript:alert(1)")
    _, html = parts(render(items=[bad]))
    assert 'href="javascript' not in html
    assert "javascript:alert(1)" in html


def test_highlighting_marks_exactly_the_spans() -> None:
    text, html = parts(render(items=[ITEMS[0]]))
    snippet_html = re.search(r'<p style="[^"]*font-size:14px[^"]*">(.*?)</p>', html, re.S)
    assert snippet_html is not None
    marked = re.findall(r"<mark[^>]*>(.*?)</mark>", snippet_html.group(1))
    assert marked == ["Microsoft", "Japan"]
    stripped = re.sub(r"</?mark[^>]*>", "", snippet_html.group(1))
    assert unescape(stripped) == LEAD_SNIPPET
    title_marks = re.findall(r"<a [^>]*>.*?</a>", html)[0]
    assert re.findall(r"<mark[^>]*>(.*?)</mark>", title_marks) == ["Microsoft", "Japan"]
    flat = " ".join(line.strip() for line in text.splitlines())
    assert "*Microsoft* said on Wednesday" in flat
    assert "infrastructure in *Japan*, the company's" in flat
    assert flat.count("*Microsoft*") == flat.count("*Japan*") == 1


def test_highlighting_escapes_marked_text() -> None:
    _, html = parts(render(items=[ITEMS[1]]))
    assert "<mark" in html
    assert re.findall(r"<mark[^>]*>(.*?)</mark>", html)[-2:] == ["&lt;script&gt;", "XSS"]


@given(
    text=st.text(max_size=40),
    raw=st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), max_size=5),
)
def test_split_marks_covers_text_and_marks_only_span_characters(
    text: str, raw: list[tuple[int, int]]
) -> None:
    spans = [(min(a, b, len(text)), min(max(a, b), len(text))) for a, b in raw]
    segments = split_marks(text, spans)
    assert "".join(s.text for s in segments) == text
    assert all(s.text for s in segments)
    covered = {i for start, end in spans for i in range(start, end)}
    pos = 0
    for seg in segments:
        chars = set(range(pos, pos + len(seg.text)))
        assert chars <= covered if seg.marked else not chars & covered
        pos += len(seg.text)


def test_preview_html_is_the_html_part() -> None:
    msg = render()
    _, html = parts(msg)
    assert render_preview_html(msg) == html
    assert render_preview_html(msg).startswith("<!DOCTYPE html>")


def test_no_items_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one item"):
        render([])


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="tz-aware"):
        render(now=datetime(2024, 4, 10, 6, 0))


def test_unknown_timezone_names_the_setting() -> None:
    with pytest.raises(ConfigError, match=r"'Mars/Olympus' in \[schedule\] timezone"):
        render(timezone="Mars/Olympus")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"marks": ((0, 999),)}, "outside its text"),
        ({"title_marks": ((5, 2),)}, "outside its text"),
        ({"published": datetime(2024, 4, 10, 1, 0)}, "naive"),
    ],
)
def test_bad_items_are_refused(change: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        replace(ITEMS[0], **change)  # type: ignore[arg-type]


def test_line_breaks_in_untrusted_fields_never_make_a_header() -> None:
    evil = replace(
        ITEMS[3],
        watch="W\r\nBcc: eve@example.com",
        title="Hi\r\nBcc: eve@example.com\r\n\r\n<b>body</b>",
        title_marks=(),
        site="Site\nX-Evil: 1",
        authors=("A\r\nX-Evil: 2",),
    )
    msg = render(items=[evil], message_id="<x@y>\r\nBcc: eve@example.com")
    raw = msg.as_bytes()
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert b"\r\nBcc:" not in head and b"\r\nX-Evil" not in head
    back = parsed(msg)
    assert back["Bcc"] is None and back["X-Evil"] is None
    assert "Hi Bcc: eve@example.com <b>body</b>" in back["Subject"]
    assert back["To"] == "alice@example.com"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "vbscript:msgbox(1)",
        "http:/relative",
        "https://ok.example/a b",
    ],
)
def test_only_http_links_are_emitted(url: str) -> None:
    bad = replace(ITEMS[3], url=url, also=(("Evil", url), ("Good", "https://good.example/")))
    _, html = parts(render(items=[bad]))
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert hrefs == ["https://good.example/"]
    assert unescape(url.strip()) in unescape(html)  # still shown, as text


def test_a_quote_in_a_url_cannot_leave_the_href() -> None:
    sneaky = replace(ITEMS[3], url='https://x.example/a"onmouseover="alert(1)')
    _, html = parts(render(items=[sneaky]))
    assert 'href="https://x.example/a&#34;onmouseover=&#34;alert(1)"' in html
    assert 'onmouseover="' not in html


def test_html_has_no_scripts_remote_images_or_tracking() -> None:
    _, html = parts(render())
    lowered = html.lower()
    for forbidden in ("<script", "<img", "<link", "<iframe", "<form", "src=", "url(", "@import"):
        assert forbidden not in lowered
    assert not re.search(r"<[^>]*\son\w+\s*=", lowered)  # no event handlers
    assert "<style" not in lowered  # all CSS inline, for clients that drop <style>
    assert set(re.findall(r'href="(\w+):', html)) == {"https"}


def test_footer_names_the_config_file_and_unhealthy_sites() -> None:
    text, html = parts(render(unhealthy=("heise", "theregister")))
    assert "edit /home/alice/newsmon.toml" in text.replace("\n", " ")
    assert "Sites with problems (newsmon status says which and why): heise, theregister." in text
    assert "<code>/home/alice/newsmon.toml</code>" in html
    clean, _ = parts(render(unhealthy=()))
    assert "Sites with problems" not in clean


def test_list_unsubscribe_mails_the_sender_else_a_comment_names_the_config() -> None:
    back = parsed(render())
    assert back["List-Unsubscribe"].strip() == (
        "<mailto:alerts@example.com?subject=unsubscribe%20alice%40example.com>"
    )
    assert back["Comments"] is None
    bare = parsed(render(unsubscribe=None))
    assert bare["List-Unsubscribe"] is None
    assert bare["Comments"] == "to stop these digests, edit /home/alice/newsmon.toml"


def many_items(count: int) -> list[DigestItem]:
    """`count` realistic alerts over three watches: long titles, URLs and snippets."""
    out = []
    for n in range(count):
        title = f"Microsoft and partners announce cloud region number {n} in Japan, AI to follow"
        snippet = (
            f"Story {n}: Microsoft said on Wednesday that it will open another cloud region "
            "in Japan, part of a $2.9 billion plan to expand AI infrastructure and train three "
            "million people in the country over the next two years, its biggest such plan."
        )
        out.append(
            DigestItem(
                watch=("Microsoft in Japan", "Nvidia", "Cloud regions")[n % 3],
                title=title,
                url=f"https://news{n % 7}.example.com/2024/04/10/microsoft-cloud-region-{n}"
                "-japan-ai-infrastructure-announcement/",
                site=f"Example News {n % 7}",
                published=datetime(2024, 4, 10, 0, n % 60, tzinfo=UTC),
                snippet=snippet,
                marks=spans_of(snippet, "Microsoft", "Japan"),
                title_marks=spans_of(title, "Microsoft", "Japan"),
                terms=("Microsoft", "Japan"),
                authors=("Jane Doe",),
            )
        )
    return out


def test_500_alerts_make_one_message_under_100_kb_with_50_in_full() -> None:
    items = many_items(500)
    msg = render(items=items)
    assert len(msg.as_bytes()) < 100_000
    text, html = parts(msg)
    full = text.count("  Matched: Microsoft, Japan")
    assert full == 50
    assert "450 more stories" in text and "450 more stories" in html
    listed = len(re.findall(r"^\* Microsoft and partners", text, re.M)) - full
    unlisted = re.search(r"\.\.\.and (\d+) more not listed", text)
    assert listed >= 20  # as many of the rest as fit are still linked
    assert listed + (int(unlisted[1]) if unlisted else 0) == 450  # none silently dropped
    assert html.count("<a href") >= full + listed


def test_max_items_sets_how_many_stories_show_in_full() -> None:
    text, _ = parts(render(items=many_items(30), max_items=10))
    assert text.count("  Matched: Microsoft, Japan") == 10
    assert "20 more stories" in text
    assert "not listed" not in text  # 20 headlines fit easily


def test_a_tiny_byte_budget_still_yields_a_message_counting_everything() -> None:
    msg = render(items=many_items(40), max_bytes=20_000)
    assert len(msg.as_bytes()) <= 20_000
    text, _ = parts(msg)
    full = text.count("  Matched: Microsoft, Japan")
    listed = len(re.findall(r"^\* Microsoft and partners", text, re.M)) - full
    more = re.search(r"^(\d+) more stories$", text, re.M)
    unlisted = re.search(r"\.\.\.and (\d+) more not listed", text)
    assert more is not None and full + int(more[1]) == 40
    assert listed + (int(unlisted[1]) if unlisted else 0) == int(more[1])


def test_the_stores_word_diff_reads_as_removed_and_added_lines() -> None:
    edited = replace(ITEMS[4], diff="-[affects Outlook users] +[was fixed for all users]")
    text, html = parts(render(items=[edited]))
    assert "- affects Outlook users" in text and "+ was fixed for all users" in text
    assert re.search(r"<del [^>]*>affects Outlook users</del>", html)
    assert re.search(r"<ins [^>]*>was fixed for all users</ins>", html)
