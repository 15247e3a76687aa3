"""Matching articles against watches: which watches, which terms, where."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.errors import QueryError
from monitor.matching import (
    Article,
    Hit,
    Matcher,
    Prominence,
    Span,
    words,
)
from monitor.query import And, Field, Node, Not, Or, Term, parse, unparse

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


# --- the whole language, on one article with every field --------------------------------------

STORY = Article(
    title="Microsoft invests $2.9 billion in Japan's AI and cloud infrastructure",
    subtitle="The company will train three million people in Tokyo over three years.",
    body=(
        "Microsoft said on Tuesday it would spend the money over two years.\n\n"
        "Brad Smith met the prime minister. The deal covers data centres.\n\n"
        "Separately, Microsoft opened a research lab. Apple was not mentioned.\n\n"
        "Japan Display shares were flat."
    ),
    site="mspoweruser",
    authors=("Jane Doe", "Kenji Sato"),
    tags=("Cloud Computing", "AI"),
)
ALIASES = {
    "microsoft": (Term(("Microsoft",)), Term(("MSFT",)), Term(("マイクロソフト",))),
    "japan": (Term(("Japan",)), Term(("Tokyo",)), Term(("日本",))),
}


def story_matches(query: str, article: Article = STORY, **prominence: object) -> bool:
    watch = ("w", parse(query, ALIASES), Prominence(**prominence))  # type: ignore[arg-type]
    return bool(Matcher([watch]).match(article))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # -word is NOT: the Google Alerts habit excludes, never includes
        ("Microsoft -Japan", False),
        ("Microsoft -Xbox", True),
        ('Microsoft -"Japan Display"', False),
        ('Microsoft -"Japan Monitor"', True),
        ("+Microsoft +Japan", True),
        # prefixes match words that start so, whole words too
        ("infra*", True),
        ("invest*", True),
        ("cloudy*", False),
        ("micro*", True),
        ("icrosoft*", False),
        # fields
        ("title:Microsoft", True),
        ("title:Apple", False),
        ("body:Apple", True),
        ("body:Tokyo", False),
        ("Tokyo", True),  # plain words look in the standfirst too
        ("lead:Tokyo", True),
        ('lead:"Brad Smith"', True),
        ("lead:Apple", False),  # third paragraph
        ('lead:"Japan Display"', False),
        ("site:mspoweruser", True),
        ("site:theverge", False),
        ("mspoweruser", False),  # the site is not text
        ("author:Doe", True),
        ('author:"Doe Kenji"', False),  # never across two authors
        ('author:"Kenji Sato"', True),
        ('tag:"cloud computing"', True),
        ("tag:Microsoft", False),
        ("title:(Apple OR Japan)", True),
        ("title:micro*", True),
        # proximity
        ("NEAR/3(Microsoft, Japan)", False),
        ("NEAR/1(Microsoft, invests)", True),
        ("NEAR/0(invests, Microsoft)", True),
        ("NEAR/0(Microsoft, billion)", False),
        ("NEAR(Microsoft, Apple)", True),
        ("NEAR/2(Microsoft, Apple)", False),
        ("NEAR/0(Brad, Smith, met)", True),
        ("NEAR(Tokyo, Japan)", False),  # subtitle and title are different fields
        ("SENTENCE(Microsoft, lab)", True),
        ("SENTENCE(Microsoft, Apple)", False),
        ('SENTENCE(Brad OR Kenji, "prime minister")', True),
        ("SENTENCE(Smith, centres)", False),
        ("title:SENTENCE(invests, cloud)", True),  # "$2.9" does not end a sentence
        ("title:NEAR/7(invest*, cloud)", False),  # 2, 9, billion, in, Japan, s, AI, and
        ("title:NEAR/8(invest*, cloud)", True),
        # aliases
        ("@microsoft AND @japan", True),
        ("@microsoft NOT @japan", False),
        ("NEAR/0(@microsoft, opened)", True),
    ],
)
def test_language(query: str, expected: bool) -> None:
    assert story_matches(query) is expected


def test_near_counts_the_words_between() -> None:
    # Microsoft invests $2.9 billion in Japan's: invests, 2, 9, billion, in lie between
    assert story_matches("title:NEAR/5(Microsoft, Japan)")
    assert not story_matches("title:NEAR/4(Microsoft, Japan)")


@pytest.mark.parametrize(
    ("title", "expected"),
    [("マイクロソフトが日本に投資。", True), ("マイクロソフトが投資。日本は歓迎。", False)],
)
def test_sentences_end_at_cjk_full_stops(title: str, expected: bool) -> None:
    assert story_matches("SENTENCE(@microsoft, @japan)", Article(title=title)) is expected


def test_cjk_aliases_match_inside_running_text() -> None:
    article = Article(title="マイクロソフトが日本に投資", body="")
    assert story_matches("@microsoft @japan", article)
    assert story_matches("NEAR/1(@microsoft, @japan)", article)
    (hit,) = Matcher([("w", parse("@microsoft", ALIASES))]).match(article)
    assert hit.terms == ("マイクロソフト",)
    assert hit.spans == (Span("title", 0, 7),)


@pytest.mark.parametrize(
    ("query", "prominence", "expected"),
    [
        ("Microsoft", {"min_mentions": 3}, True),  # title, body twice
        ("Microsoft", {"min_mentions": 4}, False),
        ("Microsoft OR Japan", {"min_mentions": 5}, True),  # + Japan twice
        ("Microsoft OR Japan", {"min_mentions": 6}, False),
        ("Microsoft NOT Xbox", {"min_mentions": 3}, True),
        ("Apple", {"fields": ("title", "lead")}, False),
        ("Apple", {"fields": ("body",)}, True),
        ("Tokyo", {"fields": ("title", "lead")}, True),
        ("Tokyo", {"fields": ("title",)}, False),
        ("Microsoft", {"fields": ("title", "lead"), "min_mentions": 2}, True),
        ("Microsoft", {"fields": ("title",), "min_mentions": 2}, False),
        ("body:Apple", {"fields": ("title",)}, True),  # an explicit field wins over `in`
        ('Microsoft NOT "Japan Display"', {"fields": ("title", "lead")}, True),
    ],
)
def test_prominence(query: str, prominence: dict[str, object], expected: bool) -> None:
    assert story_matches(query, **prominence) is expected


def test_hit_spans_name_fields_and_items() -> None:
    query = "author:Sato OR tag:AI OR site:mspoweruser OR Tokyo"
    (hit,) = Matcher([("w", parse(query))]).match(STORY)
    assert hit.terms == ("Sato", "AI", "mspoweruser", "Tokyo")
    assert hit.spans == (
        Span("subtitle", STORY.subtitle.index("Tokyo"), STORY.subtitle.index("Tokyo") + 5),
        Span("site", 0, 11),
        Span("author", 6, 10, item=1),
        Span("tag", 0, 2, item=1),
    )


def test_prefix_spans_cover_the_whole_word() -> None:
    (hit,) = Matcher([("w", parse("infra*"))]).match(STORY)
    (span,) = hit.spans
    assert STORY.title[span.start : span.end] == "infrastructure"


def test_spans_in_the_body_after_the_lead_are_offsets_into_the_body() -> None:
    (hit,) = Matcher([("w", parse("body:Apple"))]).match(STORY)
    (span,) = hit.spans
    assert (span.field, STORY.body[span.start : span.end]) == ("body", "Apple")


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
FIELDED = [
    "title:Japan OR body:cafe",
    "NEAR/2(Microsoft, Tokyo OR 東京)",
    "SENTENCE(Japan, Display)",
    "micro* -straße",
    "lead:(istanbul OR ecole) -title:Tokyo",
]
WATCHES = st.permutations([(f"w{i}", parse(q)) for i, q in enumerate(QUERIES + FIELDED)])


@settings(deadline=None)  # timing is not behaviour; the machine may be busy
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


@settings(deadline=None)  # timing is not behaviour; the machine may be busy
@given(ARTICLE_TEXT, ARTICLE_TEXT)
def test_case_and_unicode_folding_do_not_change_what_matches(title: str, body: str) -> None:
    matcher = Matcher((f"w{i}", parse(q)) for i, q in enumerate(QUERIES + FIELDED))
    expected = [h.watch for h in matcher.match(title, body)]
    for change in (str.upper, str.lower, str.casefold):
        assert [h.watch for h in matcher.match(change(title), change(body))] == expected


@settings(deadline=None)  # timing is not behaviour; the machine may be busy
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


@settings(deadline=None)  # timing is not behaviour; the machine may be busy
@given(ARTICLE_TEXT, ARTICLE_TEXT, st.sampled_from(["NFC", "NFD", "NFKC", "NFKD"]))
def test_unicode_normal_form_does_not_change_what_matches(title: str, body: str, form: str) -> None:
    matcher = Matcher((f"w{i}", parse(q)) for i, q in enumerate(QUERIES + FIELDED))
    expected = [h.watch for h in matcher.match(title, body)]
    normal = unicodedata.normalize
    got = matcher.match(normal(form, title), normal(form, body))  # type: ignore[arg-type]
    assert [h.watch for h in got] == expected


VOCAB_TERM = st.sampled_from(VOCABULARY).map(lambda w: Term((w,))) | st.sampled_from(
    ["micro*", "jap*", '"Japan Display"', "東京"]
).map(parse)


def _vocab_trees(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    several = st.lists(children, min_size=2, max_size=3).map(tuple)
    fields = st.sampled_from(["title", "body", "lead"])
    return st.one_of(
        several.map(And),
        several.map(Or),
        children.map(Not),
        st.tuples(fields, children).map(lambda fc: Field(*fc)),
    )


VOCAB_QUERY = st.recursive(VOCAB_TERM, _vocab_trees, max_leaves=6).map(unparse)
SENTENCES = st.lists(
    st.sampled_from(VOCABULARY) | SEPARATORS | st.sampled_from([". ", "\n\n", "Microsoftly"]),
    max_size=30,
).map("".join)


@settings(deadline=None)  # timing is not behaviour; the machine may be busy
@given(VOCAB_QUERY, SENTENCES, SENTENCES)
def test_a_reprinted_query_matches_the_same_articles(query: str, title: str, body: str) -> None:
    try:
        tree = parse(query)
    except QueryError:
        return
    again = parse(unparse(tree))
    original = Matcher([("w", tree)]).match(title, body)
    assert Matcher([("w", again)]).match(title, body) == original


def _oracle(node: Node, texts: dict[str, list[tuple[str, ...]]], scope: str = "text") -> bool:
    """What a query means, evaluated word by word without the matcher's machinery."""
    if isinstance(node, Term):
        key = words(" ".join(node.words))
        for seq in texts[scope]:
            for i in range(len(seq) - len(key) + 1):
                head, last = seq[i : i + len(key) - 1], seq[i + len(key) - 1]
                if head == key[:-1] and (
                    last.startswith(key[-1]) if node.prefix else last == key[-1]
                ):
                    return True
        return False
    if isinstance(node, Field):
        return _oracle(node.child, texts, node.name)
    if isinstance(node, Not):
        return not _oracle(node.child, texts, scope)
    if isinstance(node, And):
        return all(_oracle(c, texts, scope) for c in node.children)
    assert isinstance(node, Or)
    return any(_oracle(c, texts, scope) for c in node.children)


@settings(deadline=None)  # timing is not behaviour; the machine may be busy
@given(st.lists(VOCAB_QUERY, min_size=1, max_size=8), SENTENCES, SENTENCES)
def test_many_watches_match_what_each_query_means(
    queries: list[str], title: str, body: str
) -> None:
    first = body.find("\n\n")
    second = body.find("\n\n", first + 2) if first >= 0 else -1
    cut = second if second >= 0 else len(body)
    lead, rest = words(body[:cut]), words(body[cut:])
    texts = {
        "text": [words(title), lead, rest],
        "title": [words(title)],
        "body": [lead, rest],
        "lead": [words(title), lead],
    }
    watches = []
    for number, query in enumerate(queries):
        try:
            watches.append((f"w{number}", parse(query)))
        except QueryError:
            continue
    expected = [name for name, node in watches if _oracle(node, texts)]
    assert [hit.watch for hit in Matcher(watches).match(title, body)] == expected


# --- the fast paths keep what matches -----------------------------------------------------------


@settings(deadline=None)  # timing is not behaviour; the machine may be busy
@given(st.text(max_size=40) | ARTICLE_TEXT)
def test_every_folded_word_maps_back_to_the_original_text(text: str) -> None:
    from monitor.folding import fold_segment

    folded = fold_segment(text)
    assert folded.text.startswith(" ") and folded.text.endswith(" ")
    assert tuple(folded.text.split()) == words(text)
    at = 0
    for word in folded.text.split():
        start = folded.text.index(f"{word} ", at)
        at = start + len(word)
        begin, end = folded.original_span(start, at)
        assert 0 <= begin < end <= len(text)
        assert word in words(text[begin:end])


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        # curly quotes, a dash: the common characters replaced first; then ü
        ("\u201cJapan\u2019s\u201d \u2014 Z\u00fcrich", ((1, 6), (7, 8), (12, 18))),
        ("Straße in Köln", ((0, 6), (7, 9), (10, 14))),  # ß folds to two letters
        # Latin-1 once the quotes are replaced: folded by byte; ß and ½ grow, Ø stays non-ASCII
        ("\u201eStraße\u201c \xbd \xd8re", ((1, 7), (9, 10), (9, 10), (11, 14))),
        ("東京 Tokyo", ((0, 1), (1, 2), (3, 8))),  # each CJK character is a word
        # a run of CJK characters (one entry in the offset map), then a full stop
        ("東京都の日本語。Tokyo", (*((i, i + 1) for i in range(7)), (8, 13))),
        # ゟ folds to two kana, halfwidth ｱ to ア: the runs are cut at each
        ("日本ゟ語 ｱ東京", ((0, 1), (1, 2), (2, 3), (2, 3), (3, 4), (5, 6), (6, 7), (7, 8))),
        ("e\u0301cole!", ((0, 6),)),  # a combining accent is dropped but stays in the span
    ],
)
def test_offsets_through_each_kind_of_fold(text: str, spans: tuple[tuple[int, int], ...]) -> None:
    from monitor.folding import fold_segment

    folded = fold_segment(text)
    found = []
    at = 0
    for word in folded.text.split():
        start = folded.text.index(f"{word} ", at)
        at = start + len(word)
        found.append(folded.original_span(start, at))
    assert tuple(found) == spans


def test_a_phrase_never_runs_from_the_lead_into_the_rest_of_the_body() -> None:
    body = "One.\n\nTwo ends with Japan\n\nDisplay starts the third."
    assert not matches('"Japan Display"', "", body)
    assert matches('"Japan Display"', "", "One.\n\nTwo.\n\nJapan Display, in the rest.")
    assert matches("NEAR/0(Japan, Display)", "", body)  # NEAR counts words, across paragraphs


@pytest.mark.parametrize(
    ("distance", "expected"), [(3, True), (2, False)]
)  # three words between, with runs of punctuation and spaces around them
def test_near_counts_words_not_separators(distance: int, expected: bool) -> None:
    text = "Microsoft, (said) — “today”... in Japan"
    assert matches(f"NEAR/{distance}(Microsoft, Japan)", text) is expected
    assert matches(f"NEAR/{distance}(Japan, Microsoft)", text) is expected


def test_triggers_picked_from_what_occurs_never_change_the_hits() -> None:
    # "common" is looked for by one watch, "rare" by two: the first pick waits for "common",
    # which every article has; after 256 articles the matcher waits for "rare" instead.
    watches = [
        ("both", parse("common AND rare")),
        ("rare alone", parse("rare")),
        ("rare or other", parse("rare OR other")),
    ]
    matcher = Matcher(watches)
    for number in range(300):
        body = "common words" + (" and a rare one" if number % 7 == 0 else "")
        expected = Matcher(watches).match("title", body)
        assert matcher.match("title", body) == expected
        assert ("both" in {h.watch for h in expected}) is (number % 7 == 0)
    assert matcher._by_group != Matcher(watches)._by_group  # the triggers did change


@settings(deadline=None)  # timing is not behaviour; the machine may be busy
@given(
    st.sampled_from(["Microsoft", "Japan", "micro*", '"Japan Display"', "Tokyo OR 東京"]),
    st.sampled_from(["Tokyo", "Display", "café", "jap*", "東京"]),
    SENTENCES,
)
def test_two_sentence_arguments_match_as_a_repeated_third_would(a: str, b: str, text: str) -> None:
    # two arguments are checked pair by pair, three by the sentence each place is in
    two = matches(f"SENTENCE({a}, {b})", text, text)
    assert matches(f"SENTENCE({a}, {b}, {b})", text, text) is two
    assert matches(f"SENTENCE({b}, {a})", text, text) is two


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("SENTENCE(Brad, Smith, minister)", True),
        ("SENTENCE(Smith, minister, centres)", False),
        ("SENTENCE(deal, data, centres)", True),
    ],
)
def test_sentence_of_three(query: str, expected: bool) -> None:
    assert story_matches(query) is expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Microsoft and Microsoft again. Then Japan.", False),  # two of one, the other apart
        ("Japan first. Microsoft, then Microsoft with Japan.", True),
        ("Japan. Japan and Microsoft", True),
    ],
)
def test_sentence_pairs_need_one_place_of_each(title: str, expected: bool) -> None:
    assert story_matches("SENTENCE(Microsoft, Japan)", Article(title=title)) is expected
    assert story_matches("SENTENCE(Microsoft, Japan, Japan)", Article(title=title)) is expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Microsoft -site:mspoweruser", False),
        ("Microsoft NOT author:Doe", False),
        ("Microsoft NOT tag:AI", False),
        ("Microsoft NOT tag:Sports", True),
    ],
)
def test_fields_named_only_under_not_are_read(query: str, expected: bool) -> None:
    # a matcher reads the site, authors and tags only when some watch looks there
    assert story_matches(query) is expected
