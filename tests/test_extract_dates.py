"""Date parsing and the sanity rules extraction applies to what pages claim."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from crawler.dates import is_plausible, parse_date, parse_relative, written_order
from crawler.extract import extract_article

NOW = datetime(2025, 6, 1, 12, tzinfo=UTC)


def tz(hours: float) -> timezone:
    return timezone(timedelta(hours=hours))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-05-03T15:47:42+02:00", datetime(2024, 5, 3, 15, 47, 42, tzinfo=tz(2))),
        ("2024-05-03T15:47:42.389Z", datetime(2024, 5, 3, 15, 47, 42, 389000, tzinfo=UTC)),
        ("2024-05-03 15:47:42+0530", datetime(2024, 5, 3, 15, 47, 42, tzinfo=tz(5.5))),
        ("2024-05-03", date(2024, 5, 3)),
        ("2024-05-03T15:47:42", date(2024, 5, 3)),  # no offset: only the day is certain
        ("20240503", date(2024, 5, 3)),
        ("Fri, 03 May 2024 15:47:42 GMT", datetime(2024, 5, 3, 15, 47, 42, tzinfo=UTC)),
        ("Fri, 03 May 2024 15:47:42 -0400", datetime(2024, 5, 3, 15, 47, 42, tzinfo=tz(-4))),
        ("May 3, 2024 3:47 PM EDT", datetime(2024, 5, 3, 15, 47, tzinfo=tz(-4))),
        ("3 May 2024", date(2024, 5, 3)),
        ("3. Mai 2024, 15:47 Uhr", date(2024, 5, 3)),
        ("3. Mai 2024, 15:47 MEZ", datetime(2024, 5, 3, 15, 47, tzinfo=tz(1))),
        ("3 mei 2024, 15:47 met de trein", date(2024, 5, 3)),  # Dutch "met", not the MET zone
        ("03.05.2024", date(2024, 5, 3)),
        ("2024/05/03", date(2024, 5, 3)),
        ("25/12/2023", date(2023, 12, 25)),
        ("12/25/2023", date(2023, 12, 25)),
        ("05/03/2024", None),  # March or May: left to other sources
        ("1714751262", datetime(2024, 5, 3, 15, 47, 42, tzinfo=UTC)),
        ("Last updated: 2025-02-22", date(2025, 2, 22)),  # an ISO day inside a label
        ("Posted 2025-02-22T10:05:00Z", datetime(2025, 2, 22, 10, 5, tzinfo=UTC)),
        ("December 15th 2025", date(2025, 12, 15)),
        ("1er mars 2025", date(2025, 3, 1)),
        ("4 de marzo de 2025", date(2025, 3, 4)),
        ("4. März 2025", date(2025, 3, 4)),
        ("2025年3月4日 10:30", date(2025, 3, 4)),
        ("公開日\uff1a\uff12\uff10\uff12\uff15年\uff13月\uff14日", date(2025, 3, 4)),  # full-width
        ("2025년 3월 4일", date(2025, 3, 4)),
        ("2025. 3. 4. 오후", date(2025, 3, 4)),
        ("4 марта 2025 \u0433.", date(2025, 3, 4)),  # with the abbreviation of the word for year
        ("Опубликовано: 12 сентября 2024, 10:15 MSK", datetime(2024, 9, 12, 10, 15, tzinfo=tz(3))),
        ("4 березня 2025", date(2025, 3, 4)),
        ("yesterday", None),
        ("2024-13-45", None),
        ("", None),
    ],
)
def test_parse_date(text: str, expected: datetime | date | None) -> None:
    result = parse_date(text)
    assert result == expected
    if isinstance(expected, datetime):
        assert isinstance(result, datetime) and result.utcoffset() == expected.utcoffset()
    elif expected is not None:
        assert not isinstance(result, datetime)


@pytest.mark.parametrize(
    ("text", "day_first", "expected"),
    [
        ("03/04/2025", True, date(2025, 4, 3)),
        ("03/04/2025", False, date(2025, 3, 4)),
        ("03/04/2025", None, None),
        ("25/12/2023", False, date(2023, 12, 25)),  # a part above 12 decides for itself
        ("13/14/2023", True, None),
    ],
)
def test_slashed_dates_read_in_the_order_given(
    text: str, day_first: bool | None, expected: date | None
) -> None:
    assert parse_date(text, day_first=day_first) == expected


@pytest.mark.parametrize(
    ("value", "plausible"),
    [
        (datetime(2025, 6, 2, 11, tzinfo=UTC), True),  # within a day of clock skew
        (datetime(2025, 6, 3, 12, tzinfo=UTC), False),  # the future
        (date(2025, 6, 2), True),
        (date(2025, 6, 5), False),
        (date(1990, 12, 31), False),  # before the web
        (date(1991, 1, 1), True),
    ],
)
def test_plausibility_against_now(value: datetime | date, plausible: bool) -> None:
    assert is_plausible(value, NOW) is plausible


def page(meta: str) -> str:
    text = "<p>" + "Ferry timetables change on Monday across the whole coast. " * 8 + "</p>"
    head = f'<meta property="og:title" content="Ferry timetables change">{meta}'
    return f"<html><head>{head}</head><body><article>{text}</article></body></html>"


def published(meta: str) -> datetime | date | None:
    article = extract_article(page(meta), "https://f.example/news/ferry-timetables-change", now=NOW)
    assert article is not None
    return article.published


def test_a_future_date_is_skipped_for_the_next_source() -> None:
    meta = (
        '<meta property="article:published_time" content="2031-01-01T00:00:00Z">'
        '<meta name="pubdate" content="2025-05-30T08:00:00+02:00">'
    )
    assert published(meta) == datetime(2025, 5, 30, 8, tzinfo=tz(2))


def test_a_date_before_1991_is_skipped() -> None:
    meta = (
        '<meta property="article:published_time" content="1970-01-01T00:00:00Z">'
        '<meta name="date" content="2024-02-29">'
    )
    assert published(meta) == date(2024, 2, 29)


def test_a_day_takes_the_time_of_a_later_source_that_agrees() -> None:
    meta = (
        '<meta property="article:published_time" content="2024-02-29">'
        '<meta name="dc.date" content="2024-02-29T07:15:00-05:00">'
    )
    assert published(meta) == datetime(2024, 2, 29, 7, 15, tzinfo=tz(-5))


def test_modified_before_published_is_dropped() -> None:
    meta = (
        '<meta property="article:published_time" content="2024-03-01T10:00:00+00:00">'
        '<meta property="article:modified_time" content="2024-02-01T10:00:00+00:00">'
    )
    article = extract_article(page(meta), "https://f.example/news/ferry-x-y-z", now=NOW)
    assert article is not None
    assert article.published == datetime(2024, 3, 1, 10, tzinfo=UTC)
    assert article.modified is None


def test_date_in_the_url_when_the_page_has_none() -> None:
    article = extract_article(page(""), "https://f.example/2023/07/14/ferry-news", now=NOW)
    assert article is not None and article.published == date(2023, 7, 14)


def test_a_visible_date_when_the_page_has_no_date_markup() -> None:
    body = '<p class="date">Published 14 February 2024</p>'
    text = "<p>" + "Ferry timetables change on Monday across the whole coast. " * 8 + "</p>"
    doc = (
        '<html><head><meta property="og:title" content="Ferry timetables change"></head>'
        f"<body><article>{body}{text}</article></body></html>"
    )
    article = extract_article(doc, "https://f.example/news/ferry-timetables-change", now=NOW)
    assert article is not None and article.published == date(2024, 2, 14)


def test_a_utc_time_a_day_off_the_url_takes_the_url_day() -> None:
    meta = '<meta property="article:published_time" content="2024-12-19T02:41:00+00:00">'
    url = "https://f.example/2024/12/18/ferry-timetables-change"
    article = extract_article(page(meta), url, now=NOW)
    assert article is not None and article.published == date(2024, 12, 18)
    # a time with its own offset, or one that agrees with the URL, stays as it is
    meta = '<meta property="article:published_time" content="2024-12-18T21:41:00-05:00">'
    article = extract_article(page(meta), url, now=NOW)
    assert article is not None
    assert article.published == datetime(2024, 12, 18, 21, 41, tzinfo=tz(-5))


def test_a_date_in_the_text_when_nothing_marks_it() -> None:
    text = "<p>" + "Ferry timetables change on Monday across the whole coast. " * 8 + "</p>"
    doc = (
        '<html><head><meta property="og:title" content="Ferry timetables change"></head>'
        f"<body><article><p>Harbour office, March 3, 2024.</p>{text}</article></body></html>"
    )
    article = extract_article(doc, "https://f.example/news/ferry-timetables-change", now=NOW)
    assert article is not None and article.published == date(2024, 3, 3)


PAGES = Path(__file__).parent / "fixtures" / "pages"


def fixture_date(name: str, url: str = "https://f.example/guides/ferry-trip") -> datetime | date:
    article = extract_article((PAGES / name).read_text(encoding="utf-8"), url, now=NOW_LATER)
    assert article is not None and article.published is not None
    return article.published


NOW_LATER = datetime(2026, 11, 30, 12, tzinfo=UTC)


def test_the_date_beside_the_headline_wins_over_a_markup_date_it_contradicts() -> None:
    # A refreshed guide: its markup keeps the first save, the page shows the new date; the
    # navigation's "today" and a teaser's <time> in the sidebar are not the story's.
    assert fixture_date("dateline_refreshed_guide.html") == date(2025, 3, 4)


def test_a_date_labelled_as_an_update_is_not_the_publication_date() -> None:
    published = fixture_date("dateline_updated_label.html")
    assert published == datetime(2023, 5, 30, 18, 24, tzinfo=UTC)


def test_a_news_article_keeps_its_markup_date_over_a_later_shown_time() -> None:
    published = fixture_date("dateline_news_live.html")
    assert published == datetime(2024, 10, 7, 9, 53, 36, tzinfo=tz(2))


def test_a_utc_time_printed_as_the_local_day_is_that_day() -> None:
    # <time datetime="...T04:13Z">December 18</time>: the site's own day is the 18th; the
    # ticker's <time> at the top of the page is another story's.
    assert fixture_date("dateline_utc_time.html") == date(2025, 12, 18)


def dated(head: str, shown: str) -> datetime | date | None:
    text = "<p>" + "Ferry timetables change on Monday across the whole coast. " * 8 + "</p>"
    doc = (
        f'<html><head><meta property="og:title" content="Ferry timetables change">{head}</head>'
        f"<body><article><h1>Ferry timetables change</h1>{shown}{text}</article></body></html>"
    )
    article = extract_article(doc, "https://f.example/news/ferry-timetables-change", now=NOW)
    assert article is not None
    return article.published


@pytest.mark.parametrize(
    ("shown", "expected"),
    [
        # "09.10.2024" read the US way is the markup's day: it agrees, the time stays
        ('<p class="date">09.10.2024</p>', datetime(2024, 9, 10, 16, 7, tzinfo=UTC)),
        # a day off a UTC time is the same moment in the site's zone
        ("<p>Sep 11, 2024</p>", datetime(2024, 9, 10, 16, 7, tzinfo=UTC)),
        # but no zone on Earth (-12:00 to +14:00) puts 16:07 UTC on the 9th: another day
        ("<p>Sep 9, 2024</p>", date(2024, 9, 9)),
        # a sentence that cites a date is not a dateline
        (
            "<p>The timetable that came into force on March 2, 2024 is replaced on Monday.</p>",
            datetime(2024, 9, 10, 16, 7, tzinfo=UTC),
        ),
        ("<p>Sep 20, 2024</p>", date(2024, 9, 20)),
    ],
)
def test_a_shown_date_that_agrees_keeps_the_markup_time(
    shown: str, expected: datetime | date
) -> None:
    head = '<meta property="article:published_time" content="2024-09-10T16:07:00+00:00">'
    assert dated(head, shown) == expected


def test_a_teasers_time_before_the_story_is_not_taken() -> None:
    text = "<p>" + "Ferry timetables change on Monday across the whole coast. " * 8 + "</p>"
    doc = (
        '<html><head><meta property="og:title" content="Ferry timetables change"></head><body>'
        '<div class="rail"><time datetime="2024-01-05">Jan 5</time> Harbour fees rise</div>'
        f'<article><time datetime="2024-03-03">March 3</time>{text}</article></body></html>'
    )
    article = extract_article(doc, "https://f.example/news/ferry-timetables-change", now=NOW)
    assert article is not None and article.published == date(2024, 3, 3)


def test_an_updated_date_is_the_shown_date_when_no_other_states_the_first_publication() -> None:
    # JSON-LD keeps the first draft's day; the page shows its reader only "Updated ...", and
    # no OpenGraph article:published_time states a first publication
    assert fixture_date("dateline_updated_only.html") == date(2025, 9, 17)


def test_an_updated_date_shown_beside_the_headline_before_a_date_in_the_text() -> None:
    # no date markup at all: the page's "Last updated" label, not the menu's date that
    # htmldate's search finds first
    assert fixture_date("dateline_updated_no_markup.html") == date(2025, 12, 12)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en-GB", date(2025, 4, 3)), ("en-US", date(2025, 3, 4)), ("de", date(2025, 4, 3))],
)
def test_a_slashed_date_beside_the_headline_is_read_in_the_pages_order(
    lang: str, expected: date
) -> None:
    text = "<p>" + "Ferry timetables change on Monday across the whole coast. " * 8 + "</p>"
    doc = (
        f'<html lang="{lang}"><head><title>Ferry timetables change</title></head><body>'
        f'<main><h1>Ferry timetables change</h1><p class="date">03/04/2025</p>{text}</main>'
        "</body></html>"
    )
    article = extract_article(doc, "https://f.example/news/ferry-timetables-change", now=NOW)
    assert article is not None and article.published == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3 days ago", date(2025, 5, 29)),
        ("Posted an hour ago", date(2025, 6, 1)),
        ("2 weeks ago", date(2025, 5, 18)),
        ("Yesterday, 10:30", date(2025, 5, 31)),
        ("vor 3 Tagen", date(2025, 5, 29)),
        ("Gestern, 18:04 Uhr", date(2025, 5, 31)),
        ("il y a 2 jours", date(2025, 5, 30)),
        ("hier \u00e0 10h", date(2025, 5, 31)),
        ("hace 5 d\u00edas", date(2025, 5, 27)),
        ("3 \u0434\u043d\u044f \u043d\u0430\u0437\u0430\u0434", date(2025, 5, 29)),  # Russian
        ("3日前", date(2025, 5, 29)),
        ("发布于2周前", date(2025, 5, 18)),
        ("3일 전", date(2025, 5, 29)),
        ("Klik hier", None),  # Dutch "here", not French "yesterday"
        ("2 months ago", None),  # no day
        ("The harbour master said three weeks ago that the fees would rise again", None),
    ],
)
def test_parse_relative(text: str, expected: date | None) -> None:
    assert parse_relative(text, NOW) == expected


def test_a_relative_date_beside_the_headline_counts_from_now_and_only_with_now() -> None:
    text = "<p>" + "Ferry timetables change on Monday across the whole coast. " * 8 + "</p>"
    doc = (
        "<html><head><title>Ferry timetables change</title></head><body><main>"
        f'<h1>Ferry timetables change</h1><p class="meta">3 days ago</p>{text}</main></body></html>'
    )
    url = "https://f.example/news/ferry-timetables-change"
    article = extract_article(doc, url, now=NOW)
    assert article is not None and article.published == date(2025, 5, 29)
    article = extract_article(doc, url)
    assert article is not None and article.published is None


def test_a_date_outside_the_headlines_article_is_not_its_dateline() -> None:
    # the site's "today" line sits just above the story's <article>; the story's own date
    # comes after its standfirst
    text = "<p>" + "Ferry timetables change on Monday across the whole coast. " * 8 + "</p>"
    doc = (
        "<html><head><title>Ferry timetables change</title></head><body>"
        '<div class="today"><strong>Friday</strong>, December 19, 2025</div>'
        "<article><h1>Ferry timetables change</h1>"
        "<p>What the new timetable means for commuters on the island routes.</p>"
        f'<div class="meta">12.12.2025</div>{text}</article></body></html>'
    )
    article = extract_article(doc, "https://f.example/news/ferry-timetables-change", now=NOW_LATER)
    assert article is not None and article.published == date(2025, 12, 12)


def test_one_label_with_an_update_and_the_publication_gives_the_publication() -> None:
    head = (
        '<script type="application/ld+json">{"@type": "Article", "headline": "Ferry timetables'
        ' change", "datePublished": "2019-08-14T13:00:00Z"}</script>'
    )
    shown = '<p class="meta">Updated May 3, 2024 | Published May 1, 2024</p>'
    assert dated(head, shown) == date(2024, 5, 1)


def test_the_headlines_article_gives_the_time_before_a_marked_teaser_time() -> None:
    # a teaser card marks its <time> as a publication time; the story's own <time>, at the
    # foot of its text, is not marked and too far from the headline to be its dateline
    text = "<p>" + "Ferry timetables change on Monday across the whole coast. " * 20 + "</p>"
    doc = (
        "<html><head><title>Ferry timetables change</title></head><body>"
        '<aside><article class="card"><a href="/news/harbour-fees">Harbour fees rise</a>'
        '<time class="published" datetime="2024-01-05">Jan 5</time></article></aside>'
        f"<main><article><h1>Ferry timetables change</h1>{text}"
        '<p class="foot">Posted <time datetime="2024-03-03T09:00:00+01:00">3 March</time></p>'
        "</article></main></body></html>"
    )
    article = extract_article(doc, "https://f.example/news/ferry-timetables-change", now=NOW)
    assert article is not None and article.published == datetime(2024, 3, 3, 9, tzinfo=tz(1))


def test_a_news_page_that_shows_only_its_update_gives_that_date() -> None:
    # NewsArticle markup from the first version, no OpenGraph publication time, and the page
    # shows its reader only when it was updated
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Ferry'
        ' timetables change", "datePublished": "2018-04-03T16:50:31Z"}</script>'
    )
    shown = '<p class="meta">Updated: Dec 19, 2024 1:06 PM EST</p>'
    assert dated(head, shown) == datetime(2024, 12, 19, 13, 6, tzinfo=tz(-5))


def test_an_update_shown_beside_the_headline_yields_to_a_publication_the_page_shows_too() -> None:
    # the markup's day is printed at the foot of the story: the reader is given both dates
    text = "<p>" + "Ferry timetables change on Monday across the whole coast. " * 20 + "</p>"
    doc = (
        '<html><head><script type="application/ld+json">{"@type": "Article", "headline":'
        ' "Ferry timetables change", "datePublished": "2025-01-05"}</script></head><body>'
        '<main><h1>Ferry timetables change</h1><p class="meta">Updated Jun 16, 2025</p>'
        f'{text}<p class="foot">First published January 5, 2025</p></main></body></html>'
    )
    url = "https://f.example/news/ferry-timetables-change"
    article = extract_article(doc, url, now=NOW_LATER)
    assert article is not None and article.published == date(2025, 1, 5)


def test_a_modification_date_alone_is_the_pages_date_before_a_guess_from_the_text() -> None:
    head = (
        '<script type="application/ld+json">{"@type": "Article", "headline": "Ferry timetables'
        ' change", "dateModified": "2025-12-11 00:00:00"}</script>'
    )
    text = "<p>" + "Ferry timetables change on Monday across the whole coast. " * 8 + "</p>"
    doc = (
        f"<html><head>{head}</head><body>"
        '<nav class="top"><span class="post-date">October 17, 2025</span></nav>'
        f"<main><h1>Ferry timetables change</h1>{text}</main></body></html>"
    )
    url = "https://f.example/news/ferry-timetables-change"
    article = extract_article(doc, url, now=NOW_LATER)
    assert article is not None and article.published == date(2025, 12, 11)


@pytest.mark.parametrize(
    ("foot", "expected"),
    [
        (
            "This guide was <em>originally published</em> on 26 Sep 2019 at 4:12pm and has been"
            " updated on March 1, 2025.",
            date(2019, 9, 26),
        ),
        # the statement's own date is unreadable: its update's date is not taken for it
        (
            "Originally published on the 21st of June 2017 and updated on July 18, 2020.",
            datetime(2025, 3, 1, 9, tzinfo=UTC),
        ),
    ],
)
def test_a_page_that_says_when_it_was_originally_published(
    foot: str, expected: datetime | date
) -> None:
    text = "<p>" + "Ferry timetables change on Monday across the whole coast. " * 20 + "</p>"
    doc = (
        '<html><head><meta property="article:published_time" content="2025-03-01T09:00:00Z">'
        "</head><body><main><h1>Ferry timetables change</h1>"
        f'{text}<p class="foot">{foot}</p></main></body></html>'
    )
    url = "https://f.example/news/ferry-timetables-change"
    article = extract_article(doc, url, now=NOW_LATER)
    assert article is not None and article.published == expected


def test_a_markup_date_the_url_agrees_with_wins_over_another_shown_date() -> None:
    # the URL was made when the story was filed; the date under the headline is a note's
    text = "<p>" + "Ferry timetables change on Monday across the whole coast. " * 8 + "</p>"
    doc = (
        '<html><head><meta property="article:published_time" content="2021-01-18T19:55+01:00">'
        "</head><body><main><h1>Ferry timetables change</h1>"
        f'<p class="note">2022-04-12 Link to the new timetable</p>{text}</main></body></html>'
    )
    url = "https://f.example/2021/01/18/ferry-timetables-change"
    article = extract_article(doc, url, now=NOW)
    assert article is not None
    assert article.published == datetime(2021, 1, 18, 19, 55, tzinfo=tz(1))
    # without the URL's word for it, the date beside the headline stands
    article = extract_article(doc, "https://f.example/news/ferry-timetables-change", now=NOW)
    assert article is not None and article.published == date(2022, 4, 12)


def test_markups_that_disagree_are_settled_by_the_day_the_page_shows() -> None:
    # the JSON-LD keeps the first version's day, OpenGraph and the dateline the new one's
    head = (
        '<meta property="article:published_time" content="2024-12-19T18:06:00Z">'
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Ferry'
        ' timetables change", "datePublished": "2018-04-03T16:50:31Z"}</script>'
    )
    shown = '<p class="meta">Updated: Dec 19, 2024 1:06 PM EST</p>'
    assert dated(head, shown) == datetime(2024, 12, 19, 18, 6, tzinfo=UTC)
    # a dateline that gives neither day leaves the JSON-LD's
    shown = '<p class="meta">Updated: Dec 20, 2024 1:06 PM EST</p>'
    assert dated(head, shown) == datetime(2018, 4, 3, 16, 50, 31, tzinfo=UTC)


@pytest.mark.parametrize(
    ("lang", "teasers", "expected"),
    [
        # English without a region: the page's other dates tell the order it writes
        ("en", "<li>Harbour fees rise - 13 October 2024</li>", date(2025, 4, 3)),
        ("en", "<li>Harbour fees rise - 10/13/2024</li>", date(2025, 3, 4)),
        ("en", "<li>Harbour fees rise - October 13, 2024</li>", date(2025, 3, 4)),
        # and without any, the American way, the most written on the English web
        ("en", "<li>Harbour fees rise</li>", date(2025, 3, 4)),
        # a language or region that decides is not overruled by a page's quotations
        ("en-GB", "<li>Harbour fees rise - October 13, 2024</li>", date(2025, 4, 3)),
        ("", "<li>Harbour fees rise - 13 October 2024</li>", date(2025, 4, 3)),
    ],
)
def test_a_slashed_date_is_read_in_the_order_of_the_pages_other_dates(
    lang: str, teasers: str, expected: date
) -> None:
    text = "<p>" + "Ferry timetables change on Monday across the whole coast. " * 8 + "</p>"
    doc = (
        f'<html lang="{lang}"><head><title>Ferry timetables change</title></head><body>'
        f'<main><h1>Ferry timetables change</h1><p class="date">03/04/2025</p>{text}</main>'
        f"<footer><ul>{teasers}</ul></footer></body></html>"
    )
    article = extract_article(doc, "https://f.example/news/ferry-timetables-change", now=NOW)
    assert article is not None and article.published == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Posted 3 October 2023, updated 9 November 2023", True),
        ("Posted October 3, 2023 and 25/12/2023 and 24/12/2023", True),
        ("Posted October 3, 2023", False),
        ("12/25/2023", False),
        ("03/04/2025 and 2025-03-04", None),  # neither says which part is the month
        ("3 October 2023 or October 3, 2023", None),
    ],
)
def test_written_order(text: str, expected: bool | None) -> None:
    assert written_order(text) is expected


@pytest.mark.parametrize(
    ("shown", "expected"),
    [
        # hAtom's class for the last update, on the element that holds the date
        ('<div class="meta"><span class="updated">2025-05-03</span></div>', date(2022, 1, 3)),
        # a WordPress <time> marked both ways, inside an element that names the update
        (
            '<span class="updated-on"><time class="entry-date published updated"'
            ' datetime="2025-02-12T13:28:34+05:30">12th February 2025</time></span>',
            date(2022, 1, 3),
        ),
        # the same <time> inside a publication's label is the publication
        (
            '<span class="posted-on"><time class="entry-date published updated"'
            ' datetime="2025-02-12T13:28:34+05:30">12th February 2025</time></span>',
            datetime(2025, 2, 12, 13, 28, 34, tzinfo=tz(5.5)),
        ),
        ('<div class="meta"><span class="date">2025-05-03</span></div>', date(2025, 5, 3)),
    ],
)
def test_a_date_whose_class_names_an_update_is_not_the_publication(
    shown: str, expected: datetime | date
) -> None:
    head = '<meta property="article:published_time" content="2022-01-03">'
    assert dated(head, shown) == expected


@pytest.mark.parametrize(
    ("foot", "expected"),
    [
        # the one <time> the page marks as its publication, at the foot of the story
        (
            '<p>Published <time pubdate datetime="2025-04-13">April 13, 2025</time></p>',
            date(2025, 4, 13),
        ),
        (
            '<p>Published <time itemprop="datePublished" datetime="2025-04-13">April 13</time>'
            '</p><aside><time itemprop="datePublished" datetime="2025-01-02">Jan 2</time></aside>',
            date(2025, 4, 13),
        ),
        # two such times, the story's and a teaser's: which is the story's is not known
        (
            '<p>Published <time pubdate datetime="2025-04-13">April 13, 2025</time></p>'
            '<div class="more"><time pubdate datetime="2025-04-20">April 20</time></div>',
            datetime(2025, 5, 29, 12, 28, 31, tzinfo=tz(-5)),
        ),
    ],
)
def test_a_time_marked_as_the_publication_is_shown_wherever_it_stands(
    foot: str, expected: datetime | date
) -> None:
    # a JSON-LD stamped on every save (its datePublished is its dateModified) gives another day
    text = "<p>" + "Ferry timetables change on Monday across the whole coast. " * 20 + "</p>"
    doc = (
        '<html><head><script type="application/ld+json">{"@type": "Article", "headline":'
        ' "Ferry timetables change", "datePublished": "2025-05-29T12:28:31-05:00",'
        ' "dateModified": "2025-05-29T12:28:31-05:00"}</script></head><body>'
        f"<main><h1>Ferry timetables change</h1>{text}{foot}</main></body></html>"
    )
    article = extract_article(doc, "https://f.example/news/ferry-timetables-change", now=NOW)
    assert article is not None and article.published == expected


@pytest.mark.parametrize(
    ("foot", "expected"),
    [
        # the story's foot says when it was published and updated; the markup only the update
        (
            '<p class="date">December 3, 2024. <i>Updated: December 7, 2024</i></p>',
            date(2024, 12, 3),
        ),
        ('<p class="date"><strong>Published:</strong> 3 Dec 2024</p>', date(2024, 12, 3)),
        # an update alone is not a publication: the markup's modification date stands
        ('<p class="date"><i>Updated: December 7, 2024</i></p>', date(2024, 12, 9)),
        # nor is a teaser's label in an aside
        ("<aside><p>Published: 3 Dec 2024</p></aside>", date(2024, 12, 9)),
    ],
)
def test_a_label_far_from_the_headline_gives_the_publication_the_markup_lacks(
    foot: str, expected: date
) -> None:
    text = "<p>" + "Ferry timetables change on Monday across the whole coast. " * 20 + "</p>"
    doc = (
        '<html><head><meta property="article:modified_time" content="2024-12-09">'
        "</head><body><main><h1>Ferry timetables change</h1>"
        f"{text}{foot}</main></body></html>"
    )
    url = "https://f.example/news/ferry-timetables-change"
    article = extract_article(doc, url, now=NOW_LATER)
    assert article is not None and article.published == expected
