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
