"""The watch query language: what parses to what, what is refused and where."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.errors import QueryError
from monitor.query import (
    FIELDS,
    Alias,
    And,
    Field,
    Near,
    Node,
    Not,
    Or,
    Sentence,
    Term,
    alias_term,
    parse,
    positive_terms,
    unparse,
)


def w(*words: str) -> Term:
    return Term(words)


DESIGN = 'Microsoft AND (Japan OR Japanese OR Tokyo) NOT "Japan Display"'


@pytest.mark.parametrize(
    ("query", "tree"),
    [
        ("Microsoft", w("Microsoft")),
        ('"Japan Display"', w("Japan", "Display")),
        ('"Japan \n  Display"', w("Japan", "Display")),
        ("\u201cJapan Display\u201d", w("Japan", "Display")),
        ("Microsoft Japan", And((w("Microsoft"), w("Japan")))),
        ("Microsoft AND Japan", And((w("Microsoft"), w("Japan")))),
        ("a OR b", Or((w("a"), w("b")))),
        ("a NOT b", And((w("a"), Not(w("b"))))),
        ("NOT b a", And((Not(w("b")), w("a")))),
        ("a AND NOT b", And((w("a"), Not(w("b"))))),
        ("NOT NOT a", Not(Not(w("a")))),
        # precedence: NOT > AND > OR
        ("a OR b c", Or((w("a"), And((w("b"), w("c")))))),
        ("a b OR c", Or((And((w("a"), w("b"))), w("c")))),
        ("a NOT b OR c", Or((And((w("a"), Not(w("b")))), w("c")))),
        ("a NOT (b OR c)", And((w("a"), Not(Or((w("b"), w("c"))))))),
        ("(a OR b) c", And((Or((w("a"), w("b"))), w("c")))),
        # nested operators of one kind are flattened
        ("a AND b AND c", And((w("a"), w("b"), w("c")))),
        ("(a AND b) AND (c d)", And((w("a"), w("b"), w("c"), w("d")))),
        ("a OR (b OR c)", Or((w("a"), w("b"), w("c")))),
        ("((a))", w("a")),
        # words keep their spelling; parentheses and quotes separate words
        ("Japan's", w("Japan's")),
        # -word and -"phrase" are NOT, +word is the word
        ("Microsoft -Japan", And((w("Microsoft"), Not(w("Japan"))))),
        ('Microsoft -"Japan Display"', And((w("Microsoft"), Not(w("Japan", "Display"))))),
        ("Microsoft -(a OR b)", And((w("Microsoft"), Not(Or((w("a"), w("b"))))))),
        ("+Microsoft", w("Microsoft")),
        ("Wi-Fi -x", And((w("Wi-Fi"), Not(w("x"))))),
        # prefixes
        ("micro*", Term(("micro",), prefix=True)),
        ('"micro*"', w("micro*")),
        # fields
        ("title:Microsoft", Field("title", w("Microsoft"))),
        ('lead:"Japan Display"', Field("lead", w("Japan", "Display"))),
        (
            "site:theverge author:Doe tag:AI body:x",
            And(
                (
                    Field("site", w("theverge")),
                    Field("author", w("Doe")),
                    Field("tag", w("AI")),
                    Field("body", w("x")),
                )
            ),
        ),
        ("title:(a OR b) c", And((Field("title", Or((w("a"), w("b")))), w("c")))),
        ("-title:x y", And((Not(Field("title", w("x"))), w("y")))),
        ("title:micro*", Field("title", Term(("micro",), prefix=True))),
        ('"title:x"', w("title:x")),
        # proximity
        ("NEAR/5(Microsoft, Japan)", Near((w("Microsoft"), w("Japan")), 5)),
        ("NEAR(Microsoft, Japan)", Near((w("Microsoft"), w("Japan")), 10)),
        ('NEAR/0(a,"b c" OR d*x, e)', None),
        (
            'SENTENCE(Microsoft, Japan OR "Japanese market")',
            Sentence(
                (
                    w("Microsoft"),
                    Or((w("Japan"), w("Japanese", "market"))),
                )
            ),
        ),
        ("title:NEAR/3(a, b)", Field("title", Near((w("a"), w("b")), 3))),
        ('"NEAR" x', And((w("NEAR"), w("x")))),
        ("near x", And((w("near"), w("x")))),
        ("Wi-Fi", w("Wi-Fi")),
        ("foo(bar)", And((w("foo"), w("bar")))),
        ('x"a b"', And((w("x"), w("a", "b")))),
        # operator words inside quotes are words
        ('"rock and roll"', w("rock", "and", "roll")),
        ('"AND" x', And((w("AND"), w("x")))),
        ('"AT & T"', w("AT", "&", "T")),
        (
            DESIGN,
            And(
                (
                    w("Microsoft"),
                    Or((w("Japan"), w("Japanese"), w("Tokyo"))),
                    Not(w("Japan", "Display")),
                )
            ),
        ),
    ],
)
def test_parse(query: str, tree: Node | None) -> None:
    if tree is None:
        with pytest.raises(QueryError):
            parse(query)
    else:
        assert parse(query) == tree


@pytest.mark.parametrize(
    ("query", "message", "position"),
    [
        ("", "the query is empty", 0),
        ("   \n", "the query is empty", 0),
        ("Microsoft AND ", "expected a word or phrase after AND", 14),
        ("Microsoft AND )", "expected a word or phrase after AND", 14),
        ("x OR", "expected a word or phrase after OR", 4),
        ("x OR OR y", "expected a word or phrase after OR", 5),
        ("x NOT", "expected a word or phrase after NOT", 5),
        ("AND x", "expected a word or phrase before AND", 0),
        ("OR x", "expected a word or phrase before OR", 0),
        ("x ()", "expected a word or phrase after (", 3),
        ("(Japan OR Tokyo", "')' expected to close the '(' at column 1", 0),
        ("a (b (c)", "')' expected to close the '(' at column 3", 2),
        ("Japan)", "unmatched ')'", 5),
        (")", "unmatched ')'", 0),
        ('Microsoft "Japan Display', "unterminated quote", 10),
        ('x ""', "the phrase has no letters or digits", 2),
        ("x & y", "'&' has no letters or digits", 2),
        ("Microsoft or Apple", "'or': write OR in capitals", 10),
        ("a and b", "'and': write AND in capitals", 2),
        ("a Not b", "'Not': write NOT in capitals", 2),
        ("NOT x", "NOT leaves the query nothing to look for", 0),
        ("NOT (a OR b)", "NOT leaves", 0),
        ("a OR NOT b", "NOT leaves", 5),
        ("NOT a NOT b", "NOT leaves", 0),
        ("NOT NOT a OR NOT b", "NOT leaves", 13),
        ("-Japan", "NOT leaves", 0),
        ("title:(NOT x)", "NOT leaves", 7),
        ("(" * 100 + "a" + ")" * 100, "nest more than 64 deep", 64),
        ("NOT " * 100 + "a", "nest more than 64 deep", 256),
        # things that look like operators are never silent words
        ("Microsoft NEAR Japan", "NEAR is an operator", 10),
        ("SENTENCE Japan x", "SENTENCE is an operator", 0),
        ("NEAR/x(a, b)", "NEAR/x is an operator", 0),
        ("a near(b, c)", "write NEAR in capitals", 2),
        ("titel:Microsoft", "unknown field titel: (did you mean title:?)", 0),
        ("x http://example.com", "unknown field http:", 2),
        ("title: Microsoft", "expected a word, phrase or '(' right after title:", 0),
        ("title:-x", "expected a word, phrase or '(' right after title:", 0),
        ("title:(body:x)", "fields do not nest", 7),
        ("x *", "at least 3 letters or digits before '*'", 2),
        ("mi* x", "at least 3 letters or digits before '*'", 0),
        ("x mic*ro", "'*' goes only at the end of a word", 5),
        ("x - y", "write the word right after '-'", 2),
        ("a, b", "',' only separates the terms of NEAR", 1),
        ("(a, b)", "',' only separates the terms of NEAR", 2),
        ("NEAR(a)", "NEAR needs two or more terms", 0),
        ("NEAR(a, b", "')' expected", 4),
        ("NEAR(a, NOT b)", "the terms of NEAR and SENTENCE are words", 8),
        ("SENTENCE(a b, c)", "the terms of NEAR and SENTENCE are words", 9),
        ("NEAR(a, title:b)", "the terms of NEAR and SENTENCE are words", 8),
        ("x @microsoft", "unknown alias @microsoft", 2),
        ("x @", "expected an alias name after @", 2),
    ],
)
def test_parse_errors(query: str, message: str, position: int) -> None:
    with pytest.raises(QueryError) as raised:
        parse(query)
    assert message in str(raised.value)
    assert raised.value.position == position
    assert raised.value.query == query
    assert str(raised.value).startswith(f"column {position + 1}: ")


ALIASES = {
    "microsoft": (Term(("Microsoft",)), Term(("MSFT",)), Term(("マイクロソフト",))),
    "japan": (Term(("Japan",)), Term(("Tokyo",))),
}


def test_an_alias_names_its_terms_and_a_near_miss_is_suggested() -> None:
    assert parse("@microsoft AND @japan", ALIASES) == And(
        (Alias("microsoft", ALIASES["microsoft"]), Alias("japan", ALIASES["japan"]))
    )
    with pytest.raises(QueryError, match=r"unknown alias @japn \(did you mean @japan\?\)"):
        parse("@microsoft @japn", ALIASES)


@pytest.mark.parametrize(
    ("entry", "term"),
    [
        ("Microsoft", Term(("Microsoft",))),
        ("Microsoft Corp", Term(("Microsoft", "Corp"))),
        ('"Microsoft Corp"', Term(("Microsoft", "Corp"))),
        ("Azure*", Term(("Azure",), prefix=True)),
        ("マイクロソフト", Term(("マイクロソフト",))),
    ],
)
def test_alias_entries(entry: str, term: Term) -> None:
    assert alias_term(entry) == term


@pytest.mark.parametrize("entry", ["", "  ", "&", "Az*"])
def test_bad_alias_entries(entry: str) -> None:
    with pytest.raises(QueryError, match="column"):
        alias_term(entry)


@pytest.mark.parametrize(
    ("query", "canonical"),
    [
        ("Microsoft   Japan", "Microsoft AND Japan"),
        ("a NOT b", "a AND NOT b"),
        ("a OR b c", "a OR b AND c"),
        ("(a OR b) c", "(a OR b) AND c"),
        ("a NOT (b c)", "a AND NOT (b AND c)"),
        ('"Japan \n Display" x', '"Japan Display" AND x'),
        ('"AND" x', '"AND" AND x'),
        ('"(x)" y', '"(x)" AND y'),
        ("\u201cJapan Display\u201d", '"Japan Display"'),
        (DESIGN, 'Microsoft AND (Japan OR Japanese OR Tokyo) AND NOT "Japan Display"'),
    ],
)
def test_unparse_is_canonical(query: str, canonical: str) -> None:
    assert unparse(parse(query)) == canonical
    assert str(parse(query)) == canonical
    assert parse(canonical) == parse(query)


@pytest.mark.parametrize(
    ("query", "positive"),
    [
        (DESIGN, ("Microsoft", "Japan", "Japanese", "Tokyo")),
        ("a NOT (b OR c) d", ("a", "d")),
        ("a NOT NOT b", ("a", "b")),
        ("a a OR a", ("a",)),
    ],
)
def test_positive_terms(query: str, positive: tuple[str, ...]) -> None:
    assert tuple(str(t) for t in positive_terms(parse(query))) == positive


@pytest.mark.parametrize(
    "make",
    [lambda: Term(()), lambda: Term(("a b",)), lambda: Term(("",)), lambda: And((w("a"),))],
)
def test_malformed_nodes_are_refused(make: object) -> None:
    with pytest.raises(ValueError):
        make()  # type: ignore[operator]


# Text built from the language's own pieces finds more interesting paths than random text alone.
PIECES = st.sampled_from(
    ["AND", "OR", "NOT", "and", "(", ")", '"', "\u201c", " ", "  ", "\n", "a", "Japan", "é", "&",
     "-", "+", "*", "micro*", ",", "@", "@japan", "title:", "lead:", "titel:", ":", "NEAR",
     "NEAR/3(", "NEAR(", "SENTENCE(", "near(", "/"]
)  # fmt: skip
QUERY_TEXT = st.one_of(st.text(), st.lists(PIECES | st.text(max_size=3), max_size=20).map("".join))


@given(QUERY_TEXT)
def test_parse_raises_only_query_errors(query: str) -> None:
    try:
        parse(query, ALIASES)
    except QueryError as e:
        assert 0 <= e.position <= len(query)
        assert str(e).startswith(f"column {e.position + 1}: ")


WORD = st.text(
    st.characters(codec="utf-8", exclude_characters='"\u201c\u201d()'),
    min_size=1,
    max_size=6,
).filter(lambda s: not any(c.isspace() for c in s) and any(c.isalnum() for c in s))
PREFIX = st.from_regex(r"[A-Za-zé0-9]{3,6}", fullmatch=True).map(lambda s: Term((s,), prefix=True))
TERM = st.lists(WORD, min_size=1, max_size=3).map(lambda ws: Term(tuple(ws))) | PREFIX
ALIAS = st.sampled_from(sorted(ALIASES)).map(lambda n: Alias(n, ALIASES[n]))
SIMPLE = TERM | ALIAS | st.lists(TERM | ALIAS, min_size=2, max_size=3).map(lambda c: Or(tuple(c)))
PROXIMITY = st.lists(SIMPLE, min_size=2, max_size=3).flatmap(
    lambda args: (
        st.integers(0, 20).map(lambda d: Near(tuple(args), d)) | st.just(Sentence(tuple(args)))
    )
)


def _trees(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    several = st.lists(children, min_size=2, max_size=4).map(tuple)
    return st.one_of(several.map(And), several.map(Or), children.map(Not))


def _fielded(node: Node) -> st.SearchStrategy[Node]:
    return st.sampled_from(FIELDS).map(lambda f: Field(f, node))


TREE = st.recursive(
    st.one_of(TERM, ALIAS, PROXIMITY, (TERM | PROXIMITY).flatmap(_fielded)),
    _trees,
    max_leaves=12,
)


def flattened(node: Node) -> Node:
    """The tree the parser builds for the same query: nested ANDs (ORs) merged into one."""
    if isinstance(node, Term | Alias | Near | Sentence):
        return node
    if isinstance(node, Not):
        return Not(flattened(node.child))
    if isinstance(node, Field):
        return Field(node.name, flattened(node.child))
    kind = type(node)
    children: list[Node] = []
    for child in map(flattened, node.children):
        children.extend(child.children if isinstance(child, kind) else (child,))
    return kind(tuple(children))


@given(TREE)
def test_unparse_reparses_to_an_equal_tree(tree: Node) -> None:
    try:
        parsed = parse(unparse(tree), ALIASES)
    except QueryError as e:  # a tree such as Or((a, Not(b))) is not a valid watch
        assert "leaves the query nothing to look for" in str(e)
        return
    assert parsed == flattened(tree)


@given(QUERY_TEXT)
def test_parse_unparse_round_trip(query: str) -> None:
    try:
        tree = parse(query, ALIASES)
    except QueryError:
        return
    assert parse(unparse(tree), ALIASES) == tree


def _readme_queries() -> list[str]:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Queries") : readme.index("## Commands")]
    rows = [line.split(" | ") for line in section.splitlines() if line.startswith("| `")]
    return [q for row in rows for q in re.findall(r"`([^`]+)`", row[-1])]


def test_every_form_in_the_readme_has_an_example_that_parses() -> None:
    examples = _readme_queries()
    assert len(examples) >= 17
    readme_aliases = {"microsoft": ALIASES["microsoft"], "japan": ALIASES["japan"]}
    kinds = {type(parse(q, readme_aliases)).__name__ for q in examples}
    assert kinds == {"Term", "And", "Or", "Field", "Near", "Sentence"}
    for forms in ("*", "-", "+", "NOT", "@", "title:", "lead:", "site:", "author:", "tag:"):
        assert any(forms in q for q in examples), forms
