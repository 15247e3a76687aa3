"""extract_article on pages written for these tests: each field, each source, their order."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from types import MappingProxyType

import pytest

from crawler.extract import article_to_json, extract_article
from crawler.sites import Site

PAGES = Path(__file__).parent / "fixtures" / "pages"
NOW = datetime(2025, 1, 1, tzinfo=UTC)
TIDAL_URL = "https://news.coastline.example/energy/2024/03/tidal-power-station-opens"


def page(name: str) -> bytes:
    return (PAGES / name).read_bytes()


def html(head: str = "", body: str = "") -> str:
    """A small article page; the body has enough text to count as an article."""
    text = "<p>" + "The council met on Tuesday and voted on the harbour plan. " * 8 + "</p>"
    return f"<html><head>{head}</head><body><article>{body}{text}</article></body></html>"


def site_with(**selectors: str) -> Mapping[str, str]:
    """A catalog site's selectors, as the spider hands them over."""
    return Site(
        name="t", home="https://t.example/", selectors=MappingProxyType(selectors)
    ).selectors


def test_jsonld_article_gives_every_field() -> None:
    article = extract_article(page("jsonld_article.html"), TIDAL_URL + "?utm_medium=x", now=NOW)
    assert article is not None
    assert article.url == TIDAL_URL
    assert article.title == "Harbour city opens its first tidal power station"
    assert article.subtitle == "Four turbines will supply nine thousand homes from next month"
    assert article.authors == ("Mara Ellison", "Tomas Brandt")
    assert article.published == datetime(2024, 3, 11, 9, 30, tzinfo=timezone(timedelta(hours=1)))
    assert article.modified == datetime(2024, 3, 12, 17, 5, tzinfo=timezone(timedelta(hours=1)))
    assert article.language == "en-GB"
    assert article.section == "Energy"
    assert article.tags == ("tidal power", "renewables", "harbour")
    assert article.image == "https://cdn.coastline.example/tidal.jpg"
    assert "twelve metres below the surface" in article.body
    assert "Copyright" not in article.body


def test_published_keeps_the_page_offset() -> None:
    article = extract_article(page("jsonld_article.html"), TIDAL_URL, now=NOW)
    assert article is not None and isinstance(article.published, datetime)
    assert article.published.utcoffset() == timedelta(hours=1)


def test_meta_tags_when_there_is_no_jsonld() -> None:
    url = "https://alpinewire.example/travel/night-train-single-ticket"
    article = extract_article(page("meta_article.html"), url, now=NOW)
    assert article is not None
    assert article.title == "Rail operators agree on a single ticket for night trains"
    assert article.subtitle == (
        "Passengers will book cross-border sleeper journeys in one step from the autumn."
    )
    assert article.authors == ("Lena Hofbauer",)  # the Facebook URL in article:author is no name
    assert article.published == datetime(2024, 5, 6, 14, 20, tzinfo=timezone(timedelta(hours=2)))
    assert article.modified == datetime(2024, 5, 6, 16, 45, tzinfo=timezone(timedelta(hours=2)))
    assert article.language == "de-AT"
    assert article.section == "Travel"
    assert article.tags == ("Rail", "Night trains")
    assert article.image == "https://img.alpinewire.example/night-train.jpg"


def test_microdata_with_a_date_only_value() -> None:
    url = "https://ciel.example/sciences/nouvelle-comete-drome"
    article = extract_article(page("microdata_article.html"), url, now=NOW)
    assert article is not None
    assert article.title == "Un observatoire amateur repère une nouvelle comète"
    assert article.authors == ("Claire Vasseur",)
    assert article.published == date(2023, 11, 2)
    assert not isinstance(article.published, datetime)
    assert article.modified == datetime(2023, 11, 3, 10, tzinfo=timezone(timedelta(hours=1)))
    assert article.language == "fr"


def test_visible_byline_and_time_element() -> None:
    url = "https://campus.example/news/library-extends-opening-hours"
    article = extract_article(page("byline_article.html"), url, now=NOW)
    assert article is not None
    assert article.authors == ("Priya Natarajan", "Owen Clarke")
    assert article.published == datetime(2022, 9, 14, 18, 30, tzinfo=timezone(timedelta(hours=-4)))


@pytest.mark.parametrize(
    ("name", "url"),
    [
        ("home.html", "https://news.coastline.example/"),
        ("tag_listing.html", "https://news.coastline.example/tag/renewables/"),
        ("search.html", "https://news.coastline.example/search?q=tidal"),
        ("product.html", "https://shop.coastline.example/tide-clock"),
    ],
)
def test_pages_that_are_not_articles(name: str, url: str) -> None:
    assert extract_article(page(name), url, now=NOW) is None


def test_home_page_by_canonical_even_on_a_deep_url() -> None:
    head = '<link rel="canonical" href="https://news.coastline.example/"><title>Courier</title>'
    assert extract_article(html(head), "https://news.coastline.example/index?x=1") is None


def test_jsonld_beats_opengraph_beats_title_tag() -> None:
    head = (
        "<title>From the title tag | Site</title>"
        '<meta property="og:title" content="From OpenGraph">'
        '<script type="application/ld+json">'
        '{"@type": "NewsArticle", "headline": "From JSON-LD"}</script>'
    )
    assert _title(head) == "From JSON-LD"
    assert _title(head.split("<script")[0]) == "From OpenGraph"
    assert _title("<title>From the title tag | Site</title>") == "From the title tag"


def _title(head: str) -> str | None:
    article = extract_article(html(head, "<h1>From the heading</h1>"), "https://s.example/a/b-c-d")
    return article.title if article else None


@pytest.mark.parametrize(
    ("raw", "site_name", "expected"),
    [
        ("Storm closes the bridge | The Daily Gull", "The Daily Gull", "Storm closes the bridge"),
        ("Storm closes the bridge - Daily Gull", "The Daily Gull", "Storm closes the bridge"),
        ("The Daily Gull: Storm closes the bridge", "The Daily Gull", "Storm closes the bridge"),
        ("Storm closes the bridge | News | gull.example", "Gull", "Storm closes the bridge"),
        ("Storm closes the old bridge \u2013 Weather", "Gull", "Storm closes the old bridge"),
        ("Apple - the company, not the fruit", "Gull", "Apple - the company, not the fruit"),
        ("Storm closes the bridge, Daily Gull, 26.04.2024", "Gull", "Storm closes the bridge"),
    ],
)
def test_site_name_is_cut_from_titles(raw: str, site_name: str, expected: str) -> None:
    head = f'<meta property="og:title" content="{raw}">'
    head += f'<meta property="og:site_name" content="{site_name}">'
    assert _title(head) == expected


def test_site_selectors_win_over_every_source() -> None:
    selectors = site_with(
        title="h1.headline",
        authors=".writer",
        published=".stamp",
        section=".kicker",
        tags=".topic",
        body=".story",
        subtitle=".dek",
    )
    body = (
        '<h1 class="headline">Chosen headline</h1><p class="dek">Chosen standfirst</p>'
        '<span class="writer">Ines Moreau</span><span class="kicker">Harbour</span>'
        '<a class="topic">Boats</a><a class="topic">Tides</a>'
        '<span class="stamp" datetime="2021-06-01T12:00:00+02:00">1 June</span>'
        '<div class="story"><p>First chosen paragraph.</p><p>Second chosen paragraph.</p></div>'
    )
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Other",'
        ' "author": "Someone Else", "datePublished": "2020-01-01T00:00:00Z",'
        ' "articleSection": "Other", "keywords": ["x"]}</script>'
    )
    article = extract_article(
        html(head, body), "https://t.example/a/b-c-d", selectors=selectors, now=NOW
    )
    assert article is not None
    assert article.title == "Chosen headline"
    assert article.subtitle == "Chosen standfirst"
    assert article.authors == ("Ines Moreau",)
    assert article.published == datetime(2021, 6, 1, 12, tzinfo=timezone(timedelta(hours=2)))
    assert article.section == "Harbour"
    assert article.tags == ("Boats", "Tides")
    assert article.body == "First chosen paragraph.\n\nSecond chosen paragraph."


def test_an_invalid_site_selector_is_ignored() -> None:
    head = '<meta property="og:title" content="Fallback title">'
    article = extract_article(
        html(head), "https://t.example/a/b-c-d", selectors=site_with(title="[[")
    )
    assert article is not None and article.title == "Fallback title"


@pytest.mark.parametrize(
    ("author", "expected"),
    [
        ('"By Ana Silva and Rui Costa"', ("Ana Silva", "Rui Costa")),
        ('"Ana Silva, Rui Costa"', ("Ana Silva", "Rui Costa")),
        ('"Ana Silva, Senior Reporter"', ("Ana Silva",)),
        (
            '[{"@type": "Person", "name": "Ana Silva"}, {"@type": "Organization", "name": "Gull"}]',
            ("Ana Silva",),
        ),
        ('{"@type": "Organization", "name": "The Gull"}', ("The Gull",)),
        ('"Ana Silva (as@gull.example)"', ("Ana Silva",)),
    ],
)
def test_author_names_are_cleaned(author: str, expected: tuple[str, ...]) -> None:
    head = (
        '<meta property="og:site_name" content="The Gull">'
        f'<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "H",'
        f' "author": {author}}}</script>'
    )
    article = extract_article(html(head), "https://gull.example/a/b-c-d")
    assert article is not None and article.authors == expected


def test_malformed_jsonld_is_still_read() -> None:
    head = (
        '<script type="application/ld+json">\n<!--\n{"@type": "NewsArticle",'
        ' "headline": "Repaired &amp; read", "datePublished": "2023-02-03",'
        ' "author": {"name": "Li Wei",},}\n-->\n</script>'
    )
    article = extract_article(html(head), "https://s.example/a/b-c-d", now=NOW)
    assert article is not None
    assert article.title == "Repaired & read"
    assert article.authors == ("Li Wei",)
    assert article.published == date(2023, 2, 3)


def test_jsonld_article_inside_a_list() -> None:
    head = (
        '<script type="application/ld+json">[{"@type": "BreadcrumbList"},'
        ' {"@type": ["ReportageNewsArticle"], "headline": "Listed"}]</script>'
    )
    article = extract_article(html(head), "https://s.example/a/b-c-d")
    assert article is not None and article.title == "Listed"


def test_language_falls_back_to_the_content_language_header() -> None:
    head = '<meta property="og:title" content="T">'
    article = extract_article(
        html(head), "https://s.example/a/b-c-d", headers={"Content-Language": "nl-BE"}
    )
    assert article is not None and article.language == "nl-BE"


def test_article_to_json_writes_iso_dates() -> None:
    article = extract_article(page("microdata_article.html"), "https://c.example/a/b-c", now=NOW)
    assert article is not None
    data = article_to_json(article)
    assert data["published"] == "2023-11-02"
    assert data["modified"] == "2023-11-03T10:00:00+01:00"
    assert data["authors"] == ["Claire Vasseur"]
    assert set(data) >= {"url", "title", "body", "tags", "language", "section", "image"}


def _teasers(count: int) -> str:
    return "".join(
        f'<h3><a href="/news/story-number-{i}">Story number {i} of the week</a></h3>'
        for i in range(count)
    )


def test_a_page_of_teasers_without_article_signals_is_a_listing() -> None:
    head = '<meta property="og:type" content="website"><title>Harbour news</title>'
    doc = f"<html><head>{head}</head><body><h1>Harbour</h1>{_teasers(12)}</body></html>"
    assert extract_article(doc, "https://s.example/harbour") is None


@pytest.mark.parametrize("path", ["/tech", "/news/latest/"])
def test_a_section_page_whose_teasers_carry_dates_is_a_listing(path: str) -> None:
    head = '<meta property="og:type" content="website"><title>Tech | Harbour news</title>'
    teasers = "".join(
        f'<article><h2><a href="/2024/05/0{i}/ferry-story-number-{i}">Ferry story {i}</a></h2>'
        f'<time datetime="2024-05-0{i}T10:00:00Z">May {i}</time>'
        f"<p>A teaser of story {i}, long enough to read like the start of a real text.</p>"
        "</article>"
        for i in range(1, 10)
    )
    doc = f"<html><head>{head}</head><body><h1>Tech</h1>{teasers}</body></html>"
    assert extract_article(doc, "https://s.example" + path, now=NOW) is None


def test_an_article_with_many_related_links_is_still_an_article() -> None:
    head = '<meta property="og:type" content="article"><meta property="og:title" content="Main">'
    article = extract_article(html(head, _teasers(12)), "https://s.example/harbour")
    assert article is not None and article.title == "Main"


def test_a_story_slug_under_a_topic_path_is_an_article() -> None:
    head = '<meta property="og:title" content="Ferries return">'
    url = "https://s.example/topics/transport/ferries-return-to-the-island-after-storm"
    assert extract_article(html(head), url) is not None


@pytest.mark.parametrize(
    ("head", "field", "expected"),
    [
        ('<meta name="sailthru.author" content="Noor Haddad">', "authors", ("Noor Haddad",)),
        ('<meta name="DC.creator" content="Noor Haddad">', "authors", ("Noor Haddad",)),
        ('<meta name="byl" content="By Noor Haddad">', "authors", ("Noor Haddad",)),
        ('<a rel="author" href="/u/nh">Noor Haddad</a>', "authors", ("Noor Haddad",)),
        (
            '<meta name="parsely-pub-date" content="2024-01-05T10:00:00Z">',
            "published",
            datetime(2024, 1, 5, 10, tzinfo=UTC),
        ),
        ('<meta name="sailthru.date" content="2024-01-05">', "published", date(2024, 1, 5)),
        ('<meta name="DC.date.issued" content="2024-01-05">', "published", date(2024, 1, 5)),
        (
            '<time datetime="2024-01-05T10:00:00+09:00">5 Jan</time>',
            "published",
            datetime(2024, 1, 5, 10, tzinfo=timezone(timedelta(hours=9))),
        ),
        ('<meta property="og:locale" content="pt_BR">', "language", "pt-BR"),
        (
            '<script type="application/ld+json">{"@type": "Article", "inLanguage": "sv"}</script>',
            "language",
            "sv",
        ),
        ('<meta name="parsely-section" content="Ports">', "section", "Ports"),
        ('<meta name="news_keywords" content="ports, ferries">', "tags", ("ports", "ferries")),
        ('<meta name="keywords" content="ports; ferries">', "tags", ("ports", "ferries")),
        (
            '<meta name="twitter:image" content="//cdn.s.example/p.jpg">',
            "image",
            "https://cdn.s.example/p.jpg",
        ),
        ('<meta property="og:description" content="A standfirst.">', "subtitle", "A standfirst."),
    ],
)
def test_each_field_from_each_source(head: str, field: str, expected: object) -> None:
    title = '<meta property="og:title" content="Ferries return">'
    article = extract_article(html(title + head), "https://s.example/news/ferries-x-y", now=NOW)
    assert article is not None
    assert getattr(article, field) == expected


def test_author_page_links_name_the_authors() -> None:
    body = (
        '<p class="meta">von <a href="/autoren/name/jana-kral">Dr. Jana Král</a> und '
        '<a href="/autoren/name/ole-berg">Ole Berg</a></p>'
    )
    head = '<meta property="og:title" content="Ferries return"><meta name="author" content="Gull">'
    head += '<meta property="og:site_name" content="Gull">'
    article = extract_article(html(head, body), "https://gull.example/news/ferries-x-y")
    assert article is not None and article.authors == ("Dr. Jana Král", "Ole Berg")


def test_a_review_with_product_data_is_an_article() -> None:
    head = (
        '<meta property="og:type" content="article"><meta property="og:title" content="Review">'
        '<script type="application/ld+json">{"@type": "Product", "name": "Tide clock"}</script>'
    )
    assert extract_article(html(head), "https://s.example/reviews/tide-clock-review") is not None


def test_a_nested_item_list_does_not_make_a_listing() -> None:
    head = (
        '<meta property="og:title" content="Ferries return">'
        '<script type="application/ld+json">{"@type": "WebPage", "hasPart":'
        ' {"@type": "ItemList", "itemListElement": []}}</script>'
    )
    assert extract_article(html(head), "https://s.example/harbour/ferries") is not None


def test_teasers_of_other_stories_in_jsonld_are_not_this_article() -> None:
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Main"}</script>'
        '<script type="application/ld+json">{"@type": "ItemList", "itemListElement": ['
        '{"@type": "NewsArticle", "headline": "Other", "datePublished": "2020-01-01",'
        ' "author": "Someone Else"}]}</script>'
        '<meta property="article:published_time" content="2024-04-02T08:00:00Z">'
    )
    article = extract_article(html(head), "https://s.example/harbour/main-story", now=NOW)
    assert article is not None
    assert article.title == "Main"
    assert article.published == datetime(2024, 4, 2, 8, tzinfo=UTC)
    assert article.authors == ()


def test_an_article_nested_as_the_main_entity_is_read() -> None:
    head = (
        '<script type="application/ld+json">{"@type": "WebPage", "mainEntity":'
        ' {"@type": "NewsArticle", "headline": "Nested main", "author": "Ida Berg"}}</script>'
    )
    article = extract_article(html(head), "https://s.example/harbour/nested-main")
    assert article is not None and article.title == "Nested main"
    assert article.authors == ("Ida Berg",)
