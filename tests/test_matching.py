"""Matching articles against watches, and the snippets that show why they matched."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.matching import Hit, Matcher, Snippet, Span, snippet, words
from monitor.query import Node, parse

DESIGN = 'Microsoft AND (Japan OR Japanese OR Tokyo) NOT "Japan Display"'
HEADLINE = "Microsoft invests $2.9 billion in Japan's AI and cloud infrastructure"


def matches(query: str, title: str, body: str = "") -> bool:
    return bool(Matcher([("w", parse(query))]).match(title, body))


@pytest.mark.parametrize(
    ("query", "title", "body", "expected"),
    [
        # the design example
        (DESIGN, HEADLINE, "", True),
        (DESIGN, "Microsoft opens a Tokyo office", "", True),
        (DESIGN, "Microsoft courts Japanese developers", "", True),
        (DESIGN, HEADLINE, "Japan Display was not part of the deal.", False),
        (DESIGN, HEADLINE, "Japan\n  Display was not part of the deal.", False),
        (DESIGN, "Microsoft in Japan", "Display panels from Japan, displayed in Tokyo.", True),
        (DESIGN, "Apple in Japan", "", False),
        (DESIGN, "Japan", "Microsoft", True),
        ("Microsoft Japan", HEADLINE, "", True),
        # whole words only
        ("Japan", "Japan's market", "", True),
        ("Japan", "Sold in Japan.", "", True),
        ("Japan", "A venture (Japan) launched", "", True),
        ("Japan", "JAPAN—again", "", True),
        ("Japan", "Japanese firms", "", False),
        ("Japan", "Nippon", "", False),
        ("AI", "Microsoft invests in AI", "", True),
        ("AI", "Said the CEO, raising $2bn", "", False),
        ("Japan's", "Japan's market", "", True),
        ("Japan's", "Japan market", "", False),
        # case and Unicode folding
        ("microsoft", "MICROSOFT", "", True),
        ("cafe", "Café culture", "", True),
        ("Café", "CAFE CULTURE", "", True),
        ("Zürich", "ZURICH office", "", True),
        ("strasse", "Straße", "", True),
        ("finance", "\ufb01nance", "", True),  # ligature fi
        ("Istanbul", "İstanbul", "", True),
        ("cafe", "cafe\u0301 culture", "", True),  # decomposed é
        ("東京", "マイクロソフトが東京都に投資", "", True),
        ("Wi-Fi", "New Wi Fi 7 chips", "", True),
        ("2.9", HEADLINE, "", True),
        # phrases: consecutive words, any whitespace between them
        ('"Japan Display"', "", "shares of Japan Display rose", True),
        ('"Japan Display"', "", "Japan\nDisplay", True),
        ('"Japan Display"', "", "Japan, display", True),
        ('"Japan Display"', "", "Japan's display", False),
        ('"Japan Display"', "", "Display Japan", False),
        ('"Japan Display"', "Japan", "Display", False),  # never across title and body
        # NOT looks at the whole article
        ("Microsoft NOT Xbox", "Microsoft news", "", True),
        ("Microsoft NOT Xbox", "Microsoft news", "about the Xbox", False),
        ("Microsoft NOT Xbox", "Xbox", "Microsoft", False),
        ("a OR b", "", "", False),
    ],
)
def test_match(query: str, title: str, body: str, expected: bool) -> None:
    assert matches(query, title, body) is expected


def test_hit_reports_positive_terms_and_spans() -> None:
    body = "The deal, announced in Tokyo,\nfollows Microsoft's\n\nearlier bets on Japan."
    (hit,) = Matcher([("Microsoft in Japan", parse(DESIGN))]).match(HEADLINE, body)
    assert hit.watch == "Microsoft in Japan"
    assert hit.terms == ("Microsoft", "Japan", "Tokyo")
    texts = [
        (s.field, (HEADLINE if s.field == "title" else body)[s.start : s.end]) for s in hit.spans
    ]
    assert texts == [
        ("title", "Microsoft"),
        ("title", "Japan"),
        ("body", "Tokyo"),
        ("body", "Microsoft"),
        ("body", "Japan"),
    ]


@pytest.mark.parametrize(
    ("query", "title", "body", "spans"),
    [
        ("japan", "Japan's", "", (Span("title", 0, 5),)),
        ('"Japan Display"', "", "x Japan \n Display y", (Span("body", 2, 17),)),
        ("cafe", "", "le café", (Span("body", 3, 7),)),
        ("cafe", "", "le cafe\u0301!", (Span("body", 3, 8),)),  # the accent is part of the word
        ("finance", "\ufb01nance", "", (Span("title", 0, 6),)),  # offsets in the original text
        ("a NOT b", "a", "a a", (Span("title", 0, 1), Span("body", 0, 1), Span("body", 2, 3))),
        ("x NOT (y z)", "x z", "", (Span("title", 0, 1),)),  # z is negative, not highlighted
        ("x NOT NOT z", "x z", "", (Span("title", 0, 1), Span("title", 2, 3))),
    ],
)
def test_spans(query: str, title: str, body: str, spans: tuple[Span, ...]) -> None:
    (hit,) = Matcher([("w", parse(query))]).match(title, body)
    assert hit.spans == spans


def test_title_only_hit_has_only_title_spans() -> None:
    (hit,) = Matcher([("w", parse("Microsoft Japan"))]).match(HEADLINE, "Nothing relevant here.")
    assert {s.field for s in hit.spans} == {"title"}
    assert hit.terms == ("Microsoft", "Japan")


def test_hits_follow_the_order_of_watches() -> None:
    watches = [("b", parse("Japan")), ("none", parse("Xbox")), ("a", parse("Microsoft"))]
    hits = Matcher(watches).match(HEADLINE, "")
    assert [h.watch for h in hits] == ["b", "a"]
    assert hits[0] == Hit("b", ("Japan",), (Span("title", 34, 39),))


def test_phrase_terms_are_reported_in_canonical_form() -> None:
    (hit,) = Matcher([("w", parse("“japan   display” OR x"))]).match("Japan Display", "")
    assert hit.terms == ('"japan display"',)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Japan's AI (Tokyo).", ("japan", "s", "ai", "tokyo")),
        ("ÉCOLE naïve", ("ecole", "naive")),
        ("snake_case x", ("snake", "case", "x")),
        ("東京都", ("東", "京", "都")),
        ("हिन्दी", ("हिन्दी",)),
        ("", ()),
    ],
)
def test_words(text: str, expected: tuple[str, ...]) -> None:
    assert words(text) == expected


# --- snippets ---------------------------------------------------------------------------------

LONG = " ".join(f"w{i}" for i in range(200))


@pytest.mark.parametrize(
    ("text", "spans", "width", "expected"),
    [
        ("short  text\n here", [(7, 11)], 240, Snippet("short text here", ((6, 10),))),
        ("short text", [], 240, Snippet("short text", ())),
        ("", [], 240, Snippet("", ())),
        (LONG, [], 20, Snippet("w0 w1 w2 w3 w4 w5 w6…", ())),
        (
            LONG,
            [(LONG.index("w100"), LONG.index("w100") + 4)],
            20,
            Snippet("…w99 w100 w101 w102…", ((5, 9),)),
        ),
        # an overlong first span is kept whole
        ("aaa bbbbbbbbbb ccc", [(4, 14)], 5, Snippet("…bbbbbbbbbb…", ((1, 11),))),
        # overlapping spans merge into one mark
        ("Japan Display Inc", [(0, 13), (0, 5)], 240, Snippet("Japan Display Inc", ((0, 13),))),
    ],
)
def test_snippet(text: str, spans: list[tuple[int, int]], width: int, expected: Snippet) -> None:
    assert snippet(text, spans, width=width) == expected


def test_snippet_never_cuts_words() -> None:
    text = "alpha beta gamma delta epsilon zeta eta theta iota kappa " * 10
    start = text.index("iota", 200)
    snip = snippet(text, [(start, start + 4)], width=40)
    inner = snip.text.strip("…")
    assert set(inner.split()) <= set(text.split())
    assert snip.text.startswith("…") and snip.text.endswith("…")
    assert len(inner) <= 40


# --- properties -------------------------------------------------------------------------------

VOCABULARY = [
    "Microsoft",
    "Japan",
    "Tokyo",
    "Display",
    "café",
    "ÉCOLE",
    "straße",
    "İstanbul",
    "東京",
]
QUERIES = [
    DESIGN,
    "Japan",
    "cafe OR ecole",
    '"Japan Display"',
    "strasse NOT Tokyo",
    "istanbul (Microsoft OR 東京)",
    "Japan Tokyo NOT cafe",
]
SEPARATORS = st.sampled_from([" ", "  ", "\n", ", ", "'s ", " (", ") ", ".", "-", "\t"])
ARTICLE_TEXT = st.lists(
    st.sampled_from(VOCABULARY) | st.text(max_size=4) | SEPARATORS, max_size=30
).map("".join)
WATCHES = st.permutations([(f"w{i}", parse(q)) for i, q in enumerate(QUERIES)])


@given(WATCHES, ARTICLE_TEXT, ARTICLE_TEXT)
def test_order_of_watches_does_not_change_what_matches(
    watches: list[tuple[str, Node]], title: str, body: str
) -> None:
    given_order = Matcher(watches).match(title, body)
    reference = Matcher(sorted(watches)).match(title, body)
    assert sorted(given_order, key=lambda h: h.watch) == reference
    assert [h.watch for h in given_order] == [
        n for n, _ in watches if n in {h.watch for h in reference}
    ]


@given(ARTICLE_TEXT, ARTICLE_TEXT)
def test_case_and_unicode_folding_do_not_change_what_matches(title: str, body: str) -> None:
    matcher = Matcher((f"w{i}", parse(q)) for i, q in enumerate(QUERIES))
    expected = [h.watch for h in matcher.match(title, body)]
    for change in (str.upper, str.lower, str.casefold):
        assert [h.watch for h in matcher.match(change(title), change(body))] == expected


@given(ARTICLE_TEXT)
def test_spans_cover_whole_words(text: str) -> None:
    for hit in Matcher((f"w{i}", parse(q)) for i, q in enumerate(QUERIES)).match("", text):
        for span in hit.spans:
            before, inside, after = (
                text[: span.start],
                text[span.start : span.end],
                text[span.end :],
            )
            assert inside == inside.strip() and words(inside)
            # cutting the text at a span's ends splits no word
            assert words(before) + words(inside) + words(after) == words(text)


def _collapse(text: str) -> str:
    return " ".join(text.split())


@given(
    st.lists(st.sampled_from(VOCABULARY) | SEPARATORS | st.text(max_size=5), max_size=80).map(
        "".join
    ),
    st.lists(st.integers(0, 200), max_size=6),
    st.integers(1, 300),
)
def test_snippet_marks_cover_the_spans(text: str, picks: list[int], width: int) -> None:
    tokens = [m.span() for m in re.finditer(r"\S+", text)]
    spans = sorted({tokens[p % len(tokens)] for p in picks}) if tokens else []
    snip = snippet(text, spans, width=width)
    marked = [snip.text[s:e] for s, e in snip.marks]
    # spans of whole whitespace-separated tokens never overlap, so they are the marks' sources
    wanted = [_collapse(text[s:e]) for s, e in spans]
    assert marked == wanted[: len(marked)]
    if spans:
        assert marked, "the first span is always shown"
    assert snip.text == snip.text.strip()
    assert "  " not in snip.text and "\n" not in snip.text
    assert len(snip.text.strip("…")) <= max(width, max((e - s for s, e in spans), default=0)) + max(
        (len(t) for t in text.split()), default=0
    )
