"""Feed parsing and autodiscovery, on fixtures written for these tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.discovery import FeedEntry, FeedError, find_feed_links, parse_date, parse_feed

FEEDS = Path(__file__).parent / "fixtures" / "feeds"


def tz(hours: float) -> timezone:
    return timezone(timedelta(hours=hours))


def read(name: str, url: str = "https://news.example.com/feed/") -> list[FeedEntry]:
    return parse_feed((FEEDS / name).read_bytes(), url)


def links(name: str, url: str = "https://news.example.com/feed/") -> list[str]:
    return [entry.link for entry in read(name, url)]


# --- RSS 2.0 ---------------------------------------------------------------------------------


def test_rss2_entries_in_feed_order_deduped_and_linkless_skipped() -> None:
    assert links("rss2.xml") == [
        "https://news.example.com/2024/04/10/microsoft-japan/",  # relative link, resolved
        "https://news.example.com/2024/04/09/kumamoto-plant/",
        # the third item repeats the first link: dropped, the first one kept
        "https://news.example.com/2024/04/08/guid-only/",  # no <link>: permalink guid
        # the fifth item has only a mailto: link and a non-permalink guid: skipped
        "https://news.example.com/2024/04/07/laptop-review/",  # feedburner:origLink wins
    ]


def test_rss2_fields() -> None:
    first, second, _, fourth = read("rss2.xml")
    assert first == FeedEntry(
        link="https://news.example.com/2024/04/10/microsoft-japan/",
        guid="post-1001",
        title="Microsoft invests $2.9 billion in Japan's AI & cloud",  # CDATA
        published=datetime(2024, 4, 10, 9, 30, tzinfo=tz(-4)),  # EDT
        updated=None,
    )
    assert second.title == "Chip maker opens plant in Kumamoto"  # &nbsp; in XML
    assert second.published == datetime(2024, 4, 9, 18, 5, 12, tzinfo=tz(9))
    assert fourth.title == "Fast & quiet: a laptop review — tested"  # escaped HTML in a title
    assert fourth.published == datetime(2024, 4, 7, 23, 59, 59, tzinfo=tz(-8))  # PST


def test_garbage_date_is_none_and_dc_date_with_other_prefix_is_read() -> None:
    url = "https://elsewhere.example.com/feed/"  # so the duplicate no longer collides
    entries = read("rss2.xml", url)
    assert entries[2].title == "The same story again, listed twice"
    assert entries[2].published is None
    assert entries[3].published == datetime(2024, 4, 8, 7, 0, tzinfo=UTC)  # <d:date>
    assert entries[0].link == "https://elsewhere.example.com/2024/04/10/microsoft-japan/"


def test_rss_edits_are_read_from_dc_modified_in_either_namespace() -> None:
    feed = b"""<?xml version="1.0"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:dcterms="http://purl.org/dc/terms/"><channel><title>T</title>
<item><link>https://n.example/a</link><dc:modified>2024-04-10T09:00:00Z</dc:modified></item>
<item><link>https://n.example/b</link><dcterms:modified>2024-04-11</dcterms:modified></item>
</channel></rss>"""
    first, second = parse_feed(feed, "https://n.example/feed")
    assert first.updated == datetime(2024, 4, 10, 9, 0, tzinfo=UTC)
    assert second.updated == datetime(2024, 4, 11, tzinfo=UTC)


def test_rss091_html_entities_and_bare_ampersand() -> None:
    cafe, second = read("rss091.xml")
    assert cafe.title == "Café opens — Wi-Fi © free"
    assert second.link == "http://oldschool.example.com/second.html?a=1&b=2"


# --- RSS 1.0, Atom, JSON Feed ----------------------------------------------------------------


def test_rdf() -> None:
    first, second = read("rdf.xml")
    assert first.link == "https://ticker.example.de/meldung/1"
    assert first.title == "Rechenzentrum in Frankfurt eröffnet"
    assert first.published == datetime(2024, 4, 10, 10, 0, tzinfo=tz(2))
    assert second.link == "https://ticker.example.de/meldung/2"  # from rdf:about
    assert second.published == datetime(2024, 4, 9, tzinfo=UTC)  # a bare day is UTC midnight


def test_atom_with_prefix_xml_base_and_link_choice() -> None:
    first, second = read("atom.xml")  # the third entry has no link
    assert first == FeedEntry(
        link="https://blog.example.org/posts/tokyo-osaka",  # rel=alternate, not rel=edit
        guid="tag:blog.example.org,2024:1",
        title="Tokyo & Osaka: new data centres",  # type="html", unescaped and untagged
        published=datetime(2024, 4, 10, 8, 15, 30, tzinfo=tz(9)),
        updated=datetime(2024, 4, 10, 9, 0, 0, 250000, tzinfo=tz(9)),
    )
    # No alternate: the first link with an href, resolved against the entry's own xml:base.
    assert second.link == "https://other.example.org/2024/related-only"
    assert second.published is None
    assert second.updated == datetime(2024, 4, 9, tzinfo=UTC)


def test_atom_in_a_file_named_rss() -> None:
    (entry,) = read("atom_named.rss")
    assert entry.link == "https://video.example.com/posts/1"
    assert entry.updated == datetime(2024, 4, 1, tzinfo=tz(-4))


def test_json_feed_sniffed_without_content_type() -> None:
    first, second = read("feed.json", "https://json.example.com/feed.json")
    assert first == FeedEntry(
        link="https://json.example.com/posts/42",
        guid="42",
        title="Numbers as ids",
        published=datetime(2024, 4, 10, 8, 0, tzinfo=tz(-7)),
        updated=datetime(2024, 4, 10, 9, 30, tzinfo=UTC),
        summary="An id given as a number.",
    )
    assert second.link == "https://elsewhere.example.net/story"  # external_url fallback
    assert second.published is None  # garbage date


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b'{"version": "https://jsonfeed.org/version/1.1", "title": "x"}', "not a JSON Feed"),
        (b"[1, 2, 3]", "not a JSON Feed"),
        (b'{"items": [', "not valid JSON"),
    ],
)
def test_json_that_is_not_a_feed(body: bytes, reason: str) -> None:
    with pytest.raises(FeedError, match=reason):
        parse_feed(body, "https://json.example.com/feed.json")


# --- traps -----------------------------------------------------------------------------------


def test_newline_before_xml_declaration() -> None:
    assert (FEEDS / "leading_newline.xml").read_bytes().startswith(b"\n<?xml")
    assert links("leading_newline.xml") == ["https://tc.example.com/startup/"]


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("latin1.xml", "Größere Übernahme: Müller kauft Café"),
        ("cp1251.xml", "Цитата дня: «Привет, мир»"),
    ],
)
def test_encoding_declared_in_prolog(name: str, title: str) -> None:
    (entry,) = read(name)
    assert entry.title == title


def test_undeclared_legacy_encoding_uses_the_header_or_a_guess() -> None:
    title = "Цитата дня: Привет, мир"
    koi8 = f"<rss><item><title>{title}</title><link>https://cyr.example.ru/q</link></item></rss>"
    header = 'text/xml; charset="KOI8-R"'  # a guess alone reads these bytes wrongly
    entries = parse_feed(koi8.encode("koi8-r"), "https://cyr.example.ru/", content_type=header)
    assert entries[0].title == title
    body = (FEEDS / "cp1251.xml").read_bytes().replace(b' encoding="windows-1251"', b"")
    assert parse_feed(body, "https://cyr.example.ru/")[0].title == "Цитата дня: «Привет, мир»"
    latin = (FEEDS / "latin1.xml").read_bytes().replace(b' encoding="ISO-8859-1"', b"")
    assert parse_feed(latin, "https://latin.example.de/")[0].title == (
        "Größere Übernahme: Müller kauft Café"
    )


def test_undeclared_portuguese_is_read_as_windows_1252() -> None:
    # Few accented letters make Windows-1250 and -1252 tie; 1252 must win (ç, ã, º).
    title = "Ibope: Bolsonaro perde de Haddad em simulações de 2º turno"
    body = f"<rss><channel><item><title>{title}</title><link>https://uol.example.br/1</link>"
    body += (
        "<description>Líder na pesquisa de intenção de voto</description></item></channel></rss>"
    )
    assert parse_feed(body.encode("cp1252"), "https://uol.example.br/")[0].title == title


def test_utf8_with_bom() -> None:
    body = "\ufeff" + (FEEDS / "rdf.xml").read_text(encoding="utf-8")
    assert parse_feed(body.encode("utf-8"), "https://x.example/")[0].title == (
        "Rechenzentrum in Frankfurt eröffnet"
    )


def test_utf16_with_bom() -> None:
    text = (FEEDS / "atom_named.rss").read_text().replace('encoding="utf-8"', 'encoding="utf-16"')
    assert [e.link for e in parse_feed(text.encode("utf-16"), "https://x.example/")] == [
        "https://video.example.com/posts/1"
    ]


def test_not_well_formed_feed_is_recovered() -> None:
    assert links("broken.xml") == [
        "https://broken.example.com/1",
        "https://broken.example.com/2",
        "https://broken.example.com/3",
    ]


@pytest.mark.parametrize(
    "body",
    [
        (FEEDS / "page.html").read_bytes(),
        b"\n<!-- served by x -->\n<!doctype html>\n<title>Home</title><p>Hi",  # no <html> tag
        b"<?xml version='1.0'?><html xmlns='http://www.w3.org/1999/xhtml'><body/></html>",
    ],
)
def test_html_page_is_not_a_feed(body: bytes) -> None:
    with pytest.raises(FeedError, match="looks like an HTML page, not a feed"):
        parse_feed(body, "https://news.example.com/")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "empty"),
        (b"  \n\t ", "empty"),
        (b"Not Found", "neither XML nor JSON"),
        (b"<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'/>", "<urlset>, not a feed"),
        (b"<p>An <b>HTML</b> fragment</p>", "HTML fragment, not a feed"),
        (b"<<<>>>", "not XML that can be read"),
    ],
)
def test_unreadable_bodies_say_why(body: bytes, reason: str) -> None:
    with pytest.raises(FeedError, match=reason):
        parse_feed(body, "https://x.example/feed")


def test_empty_feed_is_an_empty_list_not_an_error() -> None:
    body = b"<rss version='2.0'><channel><title>Quiet</title></channel></rss>"
    assert parse_feed(body, "https://x.example/feed") == []


# --- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Wed, 10 Apr 2024 09:30:00 GMT", datetime(2024, 4, 10, 9, 30, tzinfo=UTC)),
        ("Wed, 10 Apr 2024 09:30:00 EST", datetime(2024, 4, 10, 9, 30, tzinfo=tz(-5))),
        ("Wed, 10 Apr 2024 09:30:00 EDT", datetime(2024, 4, 10, 9, 30, tzinfo=tz(-4))),
        ("Wed, 10 Apr 2024 09:30:00 PST", datetime(2024, 4, 10, 9, 30, tzinfo=tz(-8))),
        ("Wed, 10 Apr 2024 09:30:00 CEST", datetime(2024, 4, 10, 9, 30, tzinfo=tz(2))),
        ("Wed, 10 Apr 2024 09:30:00 +0530", datetime(2024, 4, 10, 9, 30, tzinfo=tz(5.5))),
        ("10 Apr 2024 09:30 -0300", datetime(2024, 4, 10, 9, 30, tzinfo=tz(-3))),
        ("Wed, 10 Apr 2024 09:30:00", datetime(2024, 4, 10, 9, 30, tzinfo=UTC)),
        ("03 Apr 02 1500 GMT", datetime(2002, 4, 3, 15, 0, tzinfo=UTC)),
        ("Seg, 24 Set 2018 19:42:40 -0300", datetime(2018, 9, 24, 19, 42, 40, tzinfo=tz(-3))),
        ("2024-04-10T09:30:00Z", datetime(2024, 4, 10, 9, 30, tzinfo=UTC)),
        ("2024-04-10T09:30:00.5+02:00", datetime(2024, 4, 10, 9, 30, 0, 500000, tzinfo=tz(2))),
        ("2024-04-10 09:30:00-0700", datetime(2024, 4, 10, 9, 30, tzinfo=tz(-7))),
        ("2024-04-10T09:30:00", datetime(2024, 4, 10, 9, 30, tzinfo=UTC)),
        ("2024-04-10", datetime(2024, 4, 10, tzinfo=UTC)),
        ("", None),
        ("yesterday", None),
        ("1518478934", None),
        ("2024-13-45T99:99:99Z", None),
        ("Wed, 31 Feb 2024 10:00:00 GMT", None),
        ("Wed, 10 Foo 2024 10:00:00 GMT", None),
    ],
)
def test_parse_date(text: str, expected: datetime | None) -> None:
    parsed = parse_date(text)
    assert parsed == expected
    if parsed is not None:
        assert expected is not None and parsed.utcoffset() == expected.utcoffset()


# --- never raises anything but FeedError -------------------------------------------------------


def _parse_or_feed_error(body: bytes) -> None:
    try:
        entries = parse_feed(body, "https://fuzz.example.com/feed")
    except FeedError:
        return
    assert all(entry.link.startswith(("http://", "https://")) for entry in entries)
    assert len({entry.link for entry in entries}) == len(entries)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_raise_only_feed_error(body: bytes) -> None:
    _parse_or_feed_error(body)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(sorted(path.name for path in FEEDS.iterdir())),
    st.integers(min_value=0, max_value=2000),
    st.binary(max_size=20),
    st.integers(min_value=0, max_value=50),
)
def test_damaged_fixtures_raise_only_feed_error(name: str, at: int, junk: bytes, cut: int) -> None:
    body = (FEEDS / name).read_bytes()
    _parse_or_feed_error(body[:at] + junk + body[at + cut :])


FRAGMENTS = [
    "<?xml version='1.0' encoding='utf-8'?>", "<rss>", "</rss>", "<channel>", "<item>", "</item>",
    "<feed xmlns='http://www.w3.org/2005/Atom'>", "<entry>", "</entry>", "<link href='/a'/>",
    "<link>", "</link>", "http://x.example/", "../b", "<guid>", "</guid>", "<pubDate>",
    "</pubDate>", "Mon, 08 Apr 2024 10:00:00 EST", "2024-04-08T10:00:00+02:00", "<![CDATA[",
    "]]>", "&nbsp;", "&", "&#0;", "<title type='html'>", "</title>", "&lt;b&gt;", "\n", " ",
    "<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>", "xml:base='//h/'",
    "{", '"items": [', '{"url": "/j", "date_published": "2024-04-08"}', "]", "}", ",",
]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=40), st.sampled_from(["utf-8", "utf-16"]))
def test_feed_like_fragments_raise_only_feed_error(parts: list[str], encoding: str) -> None:
    _parse_or_feed_error("".join(parts).encode(encoding))


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.binary(max_size=500), st.text(max_size=500)), st.text(max_size=30))
def test_find_feed_links_never_raises(page: bytes | str, url: str) -> None:
    found = find_feed_links(page, url)
    assert len(set(found)) == len(found)
    assert all(link.startswith(("http://", "https://")) for link in found)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_parse_date_never_raises(text: str) -> None:
    parsed = parse_date(text)
    assert parsed is None or parsed.tzinfo is not None


# --- autodiscovery -----------------------------------------------------------------------------


def test_find_feed_links() -> None:
    page = (FEEDS / "page.html").read_bytes()
    assert find_feed_links(page, "https://news.example.com/other/story.html") == [
        "https://news.example.com/feed/",  # the later duplicate is dropped
        "https://news.example.com/section/atom.xml",  # resolved against <base href>
        "https://news.example.com/feed.json",  # rel is case-insensitive, type parameters ignored
    ]  # plain application/json (WordPress's API), no-type hreflang and javascript: are not feeds


def test_find_feed_links_on_text_without_base() -> None:
    page = '<html><head><link rel="alternate" type="application/atom+xml" href="../a.xml">'
    assert find_feed_links(page, "https://blog.example.org/x/y") == [
        "https://blog.example.org/a.xml"
    ]


@pytest.mark.parametrize("page", [b"", "", b"\x00\xff", "<html><body>no feeds</body></html>"])
def test_find_feed_links_finds_nothing(page: bytes | str) -> None:
    assert find_feed_links(page, "https://x.example/") == []
