"""Where author names come from when the page's metadata only names the publication."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.extract import extract_article

PAGES = Path(__file__).parent / "fixtures" / "pages"


def _authors(name: str, url: str) -> tuple[str, ...]:
    article = extract_article((PAGES / name).read_bytes(), url)
    assert article is not None
    return article.authors


def test_a_name_after_an_author_label_beats_the_publication() -> None:
    # The meta author "Hafen Welle" is the site (its initials are the host), not a person.
    url = "https://www.hw.example/de/neue-faehre-fuer-die-halligen/a-123456"
    assert _authors("labelled_author_article.html", url) == ("Kerstin Albers",)


def test_a_bold_credit_line_opening_the_story_names_its_authors() -> None:
    url = "https://valleytimes.example/quarry-blasts-crack-walls/"
    assert _authors("credit_line_article.html", url) == ("Lerato Mokoena", "Thabo Ramone")


def test_a_bold_subheading_is_no_credit_line() -> None:
    raw = (PAGES / "credit_line_article.html").read_text(encoding="utf-8")
    raw = raw.replace("<p><strong>Lerato Mokoena/Thabo Ramone</strong></p>\n", "")
    article = extract_article(raw, "https://valleytimes.example/quarry-blasts-crack-walls/")
    assert article is not None
    assert article.authors == ("Valley Times",)  # the site's name, as nothing names a person


def test_names_inside_an_element_that_opens_with_a_label() -> None:
    byline = (
        '<ul><li class="info">Von: <span><a href="/p/ines-moreau">Ines MOREAU</a>,</span>'
        ' <span><a href="/p/tom-berg">Tom BERG</a></span></li></ul>'
    )
    text = "<p>" + "The council met on Tuesday and voted on the harbour plan. " * 8 + "</p>"
    raw = (
        '<html><head><meta property="og:title" content="Harbour plan passes"></head>'
        f"<body><nav><div>Von <a href='/'>Start Seite</a></div></nav>"
        f"<article><h1>Harbour plan passes</h1>{byline}{text}</article></body></html>"
    )
    article = extract_article(raw, "https://factcheck.example/doc.example.A1B2C3")
    assert article is not None
    assert article.authors == ("Ines MOREAU", "Tom BERG")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('<p class="meta">By Ines Moreau</p>', ("Ines Moreau",)),
        (
            '<div class="x"><span>Written by: Ines Moreau · 4 min read</span></div>',
            ("Ines Moreau",),
        ),
        ("<p>Mar 24, 2025 By Ines Moreau 0 comments</p>", ("Ines Moreau",)),
        ('<div class="top">Article by Ines Moreau</div>', ("Ines Moreau",)),
        # a menu's "by" line is not the story's, nor is a sentence that starts with "By"
        ("<nav><p>By Topic</p></nav>", ()),
        ("<p>By the end of the week the plan had passed.</p>", ()),
    ],
)
def test_a_short_by_line_names_the_author(line: str, expected: tuple[str, ...]) -> None:
    text = "<p>" + "The council met on Tuesday and voted on the harbour plan. " * 8 + "</p>"
    raw = (
        '<html><head><meta property="og:title" content="Harbour plan passes"></head>'
        f"<body><article><h1>Harbour plan passes</h1>{line}{text}</article></body></html>"
    )
    article = extract_article(raw, "https://harbour.example/news/harbour-plan-passes")
    assert article is not None
    assert article.authors == expected


def _with_head(head: str) -> tuple[str, ...]:
    text = "<p>" + "The council met on Tuesday and voted on the harbour plan. " * 8 + "</p>"
    raw = (
        f'<html><head><meta property="og:title" content="Harbour plan passes">{head}</head>'
        f"<body><article><h1>Harbour plan passes</h1>{text}</article></body></html>"
    )
    article = extract_article(raw, "https://harbour.example/news/harbour-plan-passes")
    assert article is not None
    return article.authors


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # a job title after the name, in the same value or as a value of its own
        ('"Ines Moreau Senior Harbour Reporter"', ("Ines Moreau",)),
        ('"Ines Q. Moreau Content Marketing Coordinator"', ("Ines Q. Moreau",)),
        ('["Ines Moreau", "Marketing Director"]', ("Ines Moreau",)),
        ('["Ines Moreau", "Former Harbour Master"]', ("Ines Moreau",)),
        # a team or desk keeps its name, and so does a second author
        ('"Harbour News Desk"', ("Harbour News Desk",)),
        ('["Ines Moreau", "Gear Team"]', ("Ines Moreau", "Gear Team")),
        ('"Guardian staff reporter"', ("Guardian staff reporter",)),
        # a desk the markup names as the author, when no person is named anywhere
        ('"News Desk"', ("News Desk",)),
        ('"Staff"', ("Staff",)),
    ],
)
def test_a_job_title_is_not_part_of_the_name(value: str, expected: tuple[str, ...]) -> None:
    names = value if value.startswith("[") else f"[{value}]"
    people = ", ".join(f'{{"@type": "Person", "name": {n}}}' for n in names[1:-1].split(", "))
    head = (
        '<script type="application/ld+json">'
        f'{{"@type": "BlogPosting", "headline": "Harbour plan passes", "author": [{people}]}}'
        "</script>"
    )
    assert _with_head(head) == expected


@pytest.mark.parametrize(
    ("under_headline", "expected"),
    [
        # a handle or a team's name in the short "by" line under the headline
        ('<p class="meta">by ibby</p>', ("ibby",)),
        ("<div><span>By 3i Harbour Group</span></div>", ("3i Harbour Group",)),
        # a name beside the story's date
        ("<div>Dec 19, 2025 \u00b7 Ines Moreau</div>", ("Ines Moreau",)),
        # the same line far down the page is not the story's byline
        ("<p>" + "The harbour plan was debated for hours. " * 8 + "</p><p>by ibby</p>", ()),
    ],
)
def test_a_byline_just_under_the_headline(under_headline: str, expected: tuple[str, ...]) -> None:
    text = "<p>" + "The council met on Tuesday and voted on the harbour plan. " * 8 + "</p>"
    raw = (
        '<html><head><meta property="og:title" content="Harbour plan passes"></head>'
        f"<body><article><h1>Harbour plan passes</h1>{under_headline}{text}</article></body></html>"
    )
    article = extract_article(raw, "https://harbour.example/news/harbour-plan-passes")
    assert article is not None
    assert article.authors == expected


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ('<div class="byline">Ines Moreau \u25cf December 3, 2025</div>', ("Ines Moreau",)),
        ('<div class="byline"><a href="/p/im">Ines Moreau</a> In</div>', ("Ines Moreau",)),
        # a box's labels are not names: the name after them is
        (
            '<div class="author-box"><h4>Key Takeaways</h4></div>'
            '<div class="author"><span>The Author</span> <a href="/p/im">Ines Moreau</a></div>',
            ("Ines Moreau",),
        ),
        ('<div class="author-card"><span>Member Login</span></div>', ()),
    ],
)
def test_what_a_byline_box_holds_besides_the_name(byline: str, expected: tuple[str, ...]) -> None:
    text = "<p>" + "The council met on Tuesday and voted on the harbour plan. " * 8 + "</p>"
    raw = (
        '<html><head><meta property="og:title" content="Harbour plan passes"></head>'
        f"<body><article><h1>Harbour plan passes</h1>{byline}{text}</article></body></html>"
    )
    article = extract_article(raw, "https://harbour.example/news/harbour-plan-passes")
    assert article is not None
    assert article.authors == expected


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ("", ("Ines Moreau",)),
        # a page whose markup names only the site keeps the site's name
        (
            '<meta property="og:site_name" content="Harbour Times">'
            '<meta name="author" content="Harbour Times">',
            ("Harbour Times",),
        ),
    ],
)
def test_a_name_beside_the_date_under_the_headline(head: str, expected: tuple[str, ...]) -> None:
    text = "<p>" + "The council met on Tuesday and voted on the harbour plan. " * 8 + "</p>"
    raw = (
        f'<html><head><meta property="og:title" content="Harbour plan passes">{head}</head>'
        "<body><article><h1>Harbour plan passes</h1>"
        '<div class="meta"><span>Ines Moreau</span> <span>Dec 19, 2025</span></div>'
        f"{text}</article></body></html>"
    )
    article = extract_article(raw, "https://harbour.example/news/harbour-plan-passes")
    assert article is not None
    assert article.authors == expected


@pytest.mark.parametrize(
    ("under_headline", "expected"),
    [
        ('<div class="x"><p>Ines Q. Moreau</p></div>', ("Ines Q. Moreau",)),
        # a standfirst is not a name
        ("<p>Councillors vote on the harbour plan</p>", ()),
    ],
)
def test_a_name_alone_under_the_headline(under_headline: str, expected: tuple[str, ...]) -> None:
    text = "<p>" + "The council met on Tuesday and voted on the harbour plan. " * 8 + "</p>"
    raw = (
        '<html><head><meta property="og:title" content="Harbour plan passes"></head>'
        f"<body><article><h1>Harbour plan passes</h1>{under_headline}{text}</article></body></html>"
    )
    article = extract_article(raw, "https://harbour.example/news/harbour-plan-passes")
    assert article is not None
    assert article.authors == expected


def test_an_author_box_heading_after_the_story() -> None:
    text = "<p>" + "The council met on Tuesday and voted on the harbour plan. " * 8 + "</p>"
    box = '<div class="box"><h3>Written by Ines Moreau</h3><p>Ines covers the harbour.</p></div>'
    raw = (
        '<html><head><meta property="og:title" content="Harbour plan passes"></head>'
        f"<body><article><h1>Harbour plan passes</h1>{text}{box}</article></body></html>"
    )
    article = extract_article(raw, "https://harbour.example/news/harbour-plan-passes")
    assert article is not None
    assert article.authors == ("Ines Moreau",)


def test_a_profile_address_is_not_a_name() -> None:
    head = '<meta property="article:author" content="www.facebook.com/harbourwalker">'
    assert _with_head(head) == ()


def _personal(url: str, head: str, footer: str) -> tuple[str, ...]:
    text = "<p>" + "I rebuilt the harbour model railway over the winter. " * 8 + "</p>"
    raw = (
        f"<html><head><title>Rebuilding the harbour railway{head}</head><body>"
        f"<article><h1>Rebuilding the harbour railway</h1>{text}</article>"
        f"<footer>{footer}</footer></body></html>"
    )
    article = extract_article(raw, url)
    assert article is not None
    return article.authors


@pytest.mark.parametrize(
    ("url", "head", "footer", "expected"),
    [
        # a personal site's address spells its owner's name: the owner wrote the post
        (
            "https://owain.example/posts/railway",
            '</title><meta property="og:site_name" content="Owain Brennan">',
            "",
            ("Owain Brennan",),
        ),
        ("https://owain.example/posts/railway", " | Owain Brennan</title>", "", ("Owain Brennan",)),
        (
            "https://tobyhede.example/blog/railway",
            "</title>",
            "\u00a9 2025 Toby Hede. All rights reserved.",
            ("Toby Hede",),
        ),
        # an organisation's site: also named shorter, or its copyright ends in "Int."
        (
            "https://parkview.example/blog/railway",
            ' | Parkview Health</title><meta property="og:site_name" content="Parkview">',
            "",
            (),
        ),
        (
            "https://acme.example/blog/railway",
            "</title>",
            "\u00a9 Acme Int. All rights reserved",
            (),
        ),
        # an address that does not spell the name says nothing about who wrote the post
        ("https://railways.example/posts/railway", " | Owain Brennan</title>", "", ()),
    ],
)
def test_a_personal_sites_owner_wrote_its_posts(
    url: str, head: str, footer: str, expected: tuple[str, ...]
) -> None:
    assert _personal(url, head, footer) == expected


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        # a heading labels the name after it
        (
            "",
            "<div><h2>Article by</h2><div>Ines Moreau</div><button>Share</button></div>",
            ("Ines Moreau",),
        ),
        # a box of the page's facts aside is the page's own
        ("<aside><h3>Author</h3><p>Ines Moreau</p></aside>", "", ("Ines Moreau",)),
        (
            "<aside><h6>Author(s)</h6><ul><li>Ines Moreau</li><li>Tom Berg</li></ul></aside>",
            "",
            ("Ines Moreau", "Tom Berg"),
        ),
    ],
)
def test_a_heading_labels_the_author(before: str, after: str, expected: tuple[str, ...]) -> None:
    text = "<p>" + "The council met on Tuesday and voted on the harbour plan. " * 8 + "</p>"
    raw = (
        '<html><head><meta property="og:title" content="Harbour plan passes"></head><body>'
        f"<article><h1>Harbour plan passes</h1>{before}{text}{after}</article>"
        "<footer><h3>Author</h3><p>Tom Berg</p></footer></body></html>"
    )
    article = extract_article(raw, "https://harbour.example/news/plan-passes")
    assert article is not None
    assert article.authors == expected


def test_a_label_in_the_footer_names_no_author() -> None:
    text = "<p>" + "The council met on Tuesday and voted on the harbour plan. " * 8 + "</p>"
    raw = (
        '<html><head><meta property="og:title" content="Harbour plan passes"></head><body>'
        f"<article><h1>Harbour plan passes</h1>{text}</article>"
        "<footer><h3>Author</h3><p>Tom Berg</p></footer></body></html>"
    )
    article = extract_article(raw, "https://harbour.example/news/plan-passes")
    assert article is not None
    assert article.authors == ()


@pytest.mark.parametrize(
    ("author", "expected"),
    [
        # typed as a Person, the author is one even on a site whose address is their name
        ('{"@type": "Person", "name": "Ines Moreau"}', ("Ines Moreau",)),
        # a bare string there may be the site's own name: a visible author link wins
        ('"Ines Moreau"', ("Tom Berg",)),
    ],
)
def test_a_person_the_site_is_named_after(author: str, expected: tuple[str, ...]) -> None:
    text = "<p>" + "The council met on Tuesday and voted on the harbour plan. " * 8 + "</p>"
    head = (
        '<script type="application/ld+json">{"@type": "BlogPosting", "headline": "Harbour plan",'
        f' "author": {author},'
        ' "publisher": {"@type": "Organization", "name": "Moreau on Ports"}}</script>'
    )
    raw = (
        f"<html><head>{head}</head><body><article><h1>Harbour plan</h1>{text}</article>"
        '<section><p>Reply from <a href="/authors/tom-berg">Tom Berg</a></p></section>'
        "</body></html>"
    )
    article = extract_article(raw, "https://inesmoreau.example/p/harbour-plan")
    assert article is not None
    assert article.authors == expected


def _marked_and_shown(meta_author: str, shown: str) -> tuple[str, ...]:
    text = "<p>" + "The council met on Tuesday and voted on the harbour plan. " * 8 + "</p>"
    raw = (
        '<html><head><meta property="og:title" content="Harbour plan passes">'
        f'<meta name="author" content="{meta_author}"></head><body>'
        f"<article><h1>Harbour plan passes</h1>{shown}{text}</article></body></html>"
    )
    article = extract_article(raw, "https://harbour.example/blog/plan-passes")
    assert article is not None
    return article.authors


@pytest.mark.parametrize(
    ("meta_author", "shown", "expected"),
    [
        # the markup names someone the page never shows (the account that uploaded it)
        ("Luke Daigle", '<p class="meta">By Ines Moreau</p>', ("Ines Moreau",)),
        # shown on the page, the markup's name stands
        (
            "Luke Daigle",
            '<p class="meta">By Ines Moreau</p><p class="bio">Edited by Luke Daigle</p>',
            ("Luke Daigle",),
        ),
        # in another script it may be the same person spelled differently: it stands
        ("\u65b0\u9593", '<p class="meta">By Ines Moreau</p>', ("\u65b0\u9593",)),
    ],
)
def test_a_visible_byline_beats_a_name_the_page_never_shows(
    meta_author: str, shown: str, expected: tuple[str, ...]
) -> None:
    assert _marked_and_shown(meta_author, shown) == expected


@pytest.mark.parametrize(
    "line",
    [
        "By Ines Moreau Nov 12, 2025",
        "By Ines Moreau Last updated",
        "By Ines Moreau - Harbour Desk",
    ],
)
def test_a_by_line_ends_where_its_date_or_desk_begins(line: str) -> None:
    text = "<p>" + "The council met on Tuesday and voted on the harbour plan. " * 8 + "</p>"
    raw = (
        '<html><head><meta property="og:title" content="Harbour plan passes"></head><body>'
        f'<article><h1>Harbour plan passes</h1><p class="meta">{line}</p>{text}</article>'
        "</body></html>"
    )
    article = extract_article(raw, "https://harbour.example/blog/plan-passes")
    assert article is not None
    assert article.authors == ("Ines Moreau",)


@pytest.mark.parametrize(
    "byline",
    [
        '<p>By <a href="/authors/ines-moreau">Ines Moreau</a>.'
        ' Reviewed by <a href="/authors/tom-berg">Tom Berg</a></p>',
        '<div itemprop="author" itemscope><meta itemprop="name" content="Ines Moreau">'
        "<span>Ines Moreau</span></div><p>Fact checked by</p>"
        '<div itemprop="author" itemscope><meta itemprop="name" content="Tom Berg">'
        "<span>Tom Berg</span></div>",
    ],
)
def test_a_reviewer_is_not_an_author(byline: str) -> None:
    text = "<p>" + "The council met on Tuesday and voted on the harbour plan. " * 8 + "</p>"
    raw = (
        '<html><head><meta property="og:title" content="Harbour plan passes"></head><body>'
        f"<article><h1>Harbour plan passes</h1>{byline}{text}</article></body></html>"
    )
    article = extract_article(raw, "https://harbour.example/blog/plan-passes")
    assert article is not None
    assert article.authors == ("Ines Moreau",)


def test_a_by_line_after_a_numeric_date() -> None:
    text = "<p>" + "The council met on Tuesday and voted on the harbour plan. " * 8 + "</p>"
    line = '<div class="meta">03/01/2017 by Ines Moreau, Harbour Desk</div>'
    raw = (
        '<html><head><meta property="og:title" content="Harbour plan passes"></head><body>'
        f"<article><h1>Harbour plan passes</h1>{line}{text}</article></body></html>"
    )
    article = extract_article(raw, "https://harbour.example/blog/plan-passes")
    assert article is not None
    assert article.authors == ("Ines Moreau",)
