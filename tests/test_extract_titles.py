"""How the headline is chosen when a page's sources give different versions of it."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.extract import extract_article

PAGES = Path(__file__).parent / "fixtures" / "pages"
URL = "https://news.example/harbour/2024/story-about-the-harbour"


def _title(head: str, body: str, url: str = URL) -> str | None:
    text = "<p>" + "The council met on Tuesday and voted on the harbour plan. " * 8 + "</p>"
    page = f"<html><head>{head}</head><body><article>{body}{text}</article></body></html>"
    article = extract_article(page, url)
    return article.title if article else None


def _jsonld(headline: str) -> str:
    return (
        '<script type="application/ld+json">'
        f'{{"@type": "NewsArticle", "headline": "{headline}"}}</script>'
    )


def test_a_headline_two_sources_agree_on_is_not_taken_for_a_cut_one() -> None:
    raw = (PAGES / "title_versions_article.html").read_bytes()
    article = extract_article(raw, URL)
    assert article is not None
    assert article.title == "Ferry service to the outer islands resumes after winter"


LONG = "Ferry service to the outer islands resumes after winter with two new boats"
CUT = "Ferry service to the outer islands resumes after\u2026"


@pytest.mark.parametrize(
    "head",
    [
        # No other source repeats the short version: it was cut, the <h1> has the rest.
        _jsonld("Ferry service to the outer islands resumes after winter"),
        # An ellipsis says it was cut, even where another source repeats it.
        _jsonld(CUT) + f'<meta property="og:title" content="{CUT}">',
    ],
)
def test_a_cut_headline_is_completed_from_another_source(head: str) -> None:
    assert _title(head, f"<h1>{LONG}</h1>") == LONG


def test_a_topic_most_sources_leave_out_is_dropped() -> None:
    raw = (PAGES / "title_topic_article.html").read_bytes()
    article = extract_article(raw, URL)
    assert article is not None
    assert article.title == "Brand in Lagerhalle \u2013 Starke Rauchentwicklung"


def test_a_topic_most_sources_give_is_kept() -> None:
    headline = "Hafenfest: Brand in Lagerhalle"
    head = _jsonld(headline) + f'<meta property="og:title" content="{headline}">'
    assert _title(head, "<h1>Brand in Lagerhalle</h1>") == headline


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        # A headline proper keeps what follows its dash ...
        (
            _jsonld("Fire in the harbour warehouse - Heavy Smoke"),
            "Fire in the harbour warehouse - Heavy Smoke",
        ),
        # ... while a page title loses a short capitalised tail, a section's name.
        (
            "<title>Fire in the harbour warehouse - Local News</title>",
            "Fire in the harbour warehouse",
        ),
        # Behind a bar the tail is a section's name even in a headline proper.
        (_jsonld("Fire in the harbour warehouse | Local"), "Fire in the harbour warehouse"),
    ],
)
def test_a_dash_tail_is_cut_from_page_titles_only(head: str, expected: str) -> None:
    assert _title(head, "") == expected


SEO = '<meta property="og:title" content="Best Harbour Walks 2025: Top 9 Routes Ranked">'


@pytest.mark.parametrize(
    ("head", "h1", "expected"),
    [
        # a guide's search-result title and the heading its readers see: the heading
        (SEO, "The nine best harbour walks", "The nine best harbour walks"),
        (
            SEO + _jsonld("Best Harbour Walks 2025").replace("NewsArticle", "BlogPosting"),
            "The nine best harbour walks",
            "The nine best harbour walks",
        ),
        # a news story's headline is the newsroom's: it stays
        (
            SEO + _jsonld("Best Harbour Walks 2025: Top 9 Routes Ranked"),
            "The nine best harbour walks",
            "Best Harbour Walks 2025: Top 9 Routes Ranked",
        ),
        # a heading that only adds a kicker to the title, or one about something else
        (SEO, "Walks: Best Harbour Walks 2025: Top 9 Routes Ranked", SEO.split('"')[3]),
        (SEO, "Harbour office opening hours", SEO.split('"')[3]),
    ],
)
def test_the_heading_a_page_shows_beats_its_search_title(head: str, h1: str, expected: str) -> None:
    assert _title(head, f"<h1>{h1}</h1>") == expected


@pytest.mark.parametrize(
    ("title", "h1", "expected"),
    [
        ("Tide tables explained | Harbour Trust", "Tide tables explained", "Tide tables explained"),
        ("Harbour Trust | Tide tables explained", "Tide tables explained", "Tide tables explained"),
        ("Tide tables\uff0dHarbour Trust", "Tide tables", "Tide tables"),
        # a dash may join a kicker to the headline: it stays
        ("Tides - Tide tables explained", "Tide tables explained", "Tides - Tide tables explained"),
    ],
)
def test_the_h1_picks_the_headline_out_of_a_title_with_separators(
    title: str, h1: str, expected: str
) -> None:
    assert _title(f"<title>{title}</title>", f"<h1>{h1}</h1>") == expected


GUIDE = '<meta property="og:title" content="Harbour Walks Guide">'


@pytest.mark.parametrize(
    ("h1", "expected"),
    [
        # the heading the page shows completes its shorter social title: the heading
        ("Harbour Walks Guide: Nine Routes Ranked", "Harbour Walks Guide: Nine Routes Ranked"),
        ("Harbour Walks Guide, Tested by a Rambler", "Harbour Walks Guide, Tested by a Rambler"),
        # what follows a dash or a byline is the site's or the post's, not the headline's
        ("Harbour Walks Guide \u2013 Harbour Trust", "Harbour Walks Guide"),
        ("Harbour Walks Guide Posted on May 2, 2025 by admin", "Harbour Walks Guide"),
    ],
)
def test_a_heading_that_completes_the_title_is_the_headline(h1: str, expected: str) -> None:
    assert _title(GUIDE, f"<h1>{h1}</h1>") == expected


def test_a_headline_holding_the_sites_one_word_name_is_not_taken_for_the_site() -> None:
    # the host's label "gardening" is a word of the headline, not the site's name before it
    url = "https://gardening.example.edu/guides/warming-world"
    title = "<title>Gardening in a Warming World | Harbour Garden Learning</title>"
    assert _title(title, "", url) == "Gardening in a Warming World"
    # the site's name with a word more still goes, before the headline as after it
    title = "<title>Gardening News | Frost dates move two weeks later</title>"
    assert _title(title, "", url) == "Frost dates move two weeks later"


SOCIAL = '<meta property="og:title" content="Nine routes we love by the water">'


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        # the page's <title> and its heading agree against a social title in other words
        (
            SOCIAL + "<title>Best Harbour Walks of 2025 | Harbour Trust</title>",
            "Best Harbour Walks of 2025",
        ),
        # a social title that is only a shorter form of the heading stays
        (
            '<meta property="og:title" content="Harbour Walks of 2025">'
            "<title>Best Harbour Walks of 2025 | Harbour Trust</title>",
            "Harbour Walks of 2025",
        ),
        # a news story's headline is the newsroom's: it stays
        (
            SOCIAL
            + _jsonld("Nine routes we love by the water")
            + "<title>Best Harbour Walks of 2025 | Harbour Trust</title>",
            "Nine routes we love by the water",
        ),
    ],
)
def test_the_title_and_heading_agreeing_outvote_the_social_title(head: str, expected: str) -> None:
    assert _title(head, "<h1>Best Harbour Walks of 2025</h1>") == expected


def test_a_source_giving_only_the_sites_name_is_passed_over() -> None:
    head = (
        '<meta property="og:site_name" content="Harbour Trust">'
        '<meta property="og:title" content="Harbour Trust">'
        "<title>Tide tables explained | Harbour Trust</title>"
    )
    assert _title(head, "") == "Tide tables explained"


def test_a_logo_heading_naming_the_site_does_not_count_as_a_heading() -> None:
    head = (
        '<meta property="og:site_name" content="Harbour Trust">'
        + SOCIAL
        + "<title>Best Harbour Walks of 2025 | Harbour Trust</title>"
    )
    body = "<h1>Harbour Trust</h1><h1>Best Harbour Walks of 2025</h1>"
    assert _title(head, body) == "Best Harbour Walks of 2025"


@pytest.mark.parametrize(
    ("head", "body"),
    [
        ('<meta property="og:title" content="Tide tables&amp;#8230; explained">', ""),
        ("", "<h1>Tide tables&amp;#8230; explained</h1>"),
    ],
)
def test_a_title_the_page_escaped_twice_is_read_once_more(head: str, body: str) -> None:
    assert _title(head, body) == "Tide tables\u2026 explained"


def test_a_heading_repeated_for_another_screen_size_is_one_heading() -> None:
    body = "<h1>Best Harbour Walks of 2025</h1><h1>Best Harbour Walks of 2025</h1>"
    head = SOCIAL + "<title>Best Harbour Walks of 2025 | Harbour Trust</title>"
    assert _title(head, body) == "Best Harbour Walks of 2025"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://harbour.example.com/2025/walks", "Best Harbour Walks"),
        # another site's address opening a headline is part of it
        ("https://news.example/2025/walks", "harbour.example.com Best Harbour Walks"),
    ],
)
def test_the_sites_own_address_before_a_title_is_dropped(url: str, expected: str) -> None:
    assert _title("<title>harbour.example.com Best Harbour Walks</title>", "", url) == expected


def test_a_headline_the_markup_also_gives_as_the_sites_name_is_still_the_headline() -> None:
    headline = "Ferry service to the outer islands resumes"
    head = (
        f'<script type="application/ld+json">{{"@type": "WebSite", "name": "{headline}"}}</script>'
        f'<meta property="og:title" content="{headline}"><title>{headline}</title>'
    )
    assert _title(head, f"<h1>{headline}</h1>") == headline
