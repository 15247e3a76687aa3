"""The watch query language: what parses to what, what is refused and where."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.errors import QueryError
from monitor.query import And, Node, Not, Or, Term, parse, positive_terms, unparse


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
def test_parse(query: str, tree: Node) -> None:
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
        ("(Japan OR Tokyo", 'unclosed "("', 0),
        ("a (b (c)", 'unclosed "("', 2),
        ("Japan)", 'unmatched ")"', 5),
        (")", 'unmatched ")"', 0),
        ('Microsoft "Japan Display', "unterminated quote", 10),
        ('x ""', "phrase at position 2 has no letters or digits", 2),
        ("x & y", "'&' at position 2 has no letters or digits", 2),
        ("Microsoft or Apple", "'or' at position 10: write OR in capitals", 10),
        ("a and b", "'and' at position 2: write AND in capitals", 2),
        ("a Not b", "'Not' at position 2: write NOT in capitals", 2),
        ("NOT x", "NOT at position 0 leaves the query nothing to look for", 0),
        ("NOT (a OR b)", "NOT at position 0 leaves", 0),
        ("a OR NOT b", "NOT at position 5 leaves", 5),
        ("NOT a NOT b", "NOT at position 0 leaves", 0),
        ("NOT NOT a OR NOT b", "NOT at position 13 leaves", 13),
        ("(" * 100 + "a" + ")" * 100, "nest more than 64 deep", 64),
        ("NOT " * 100 + "a", "nest more than 64 deep", 256),
    ],
)
def test_parse_errors(query: str, message: str, position: int) -> None:
    with pytest.raises(QueryError) as raised:
        parse(query)
    assert message in str(raised.value)
    assert raised.value.position == position
    assert raised.value.query == query
    assert f"position {position}" in str(raised.value)


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
    ["AND", "OR", "NOT", "and", "(", ")", '"', "\u201c", " ", "  ", "\n", "a", "Japan", "é", "&"]
)
QUERY_TEXT = st.one_of(st.text(), st.lists(PIECES | st.text(max_size=3)).map("".join))


@given(QUERY_TEXT)
def test_parse_raises_only_query_errors(query: str) -> None:
    try:
        parse(query)
    except QueryError as e:
        assert 0 <= e.position <= len(query)
        assert f"position {e.position}" in str(e)


WORD = st.text(
    st.characters(codec="utf-8", exclude_characters='"\u201c\u201d()'),
    min_size=1,
    max_size=6,
).filter(lambda s: not any(c.isspace() for c in s) and any(c.isalnum() for c in s))
TERM = st.lists(WORD, min_size=1, max_size=3).map(lambda ws: Term(tuple(ws)))


def _trees(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    several = st.lists(children, min_size=2, max_size=4).map(tuple)
    return st.one_of(several.map(And), several.map(Or), children.map(Not))


TREE = st.recursive(TERM, _trees, max_leaves=12)


def flattened(node: Node) -> Node:
    """The tree the parser builds for the same query: nested ANDs (ORs) merged into one."""
    if isinstance(node, Term):
        return node
    if isinstance(node, Not):
        return Not(flattened(node.child))
    kind = type(node)
    children: list[Node] = []
    for child in map(flattened, node.children):
        children.extend(child.children if isinstance(child, kind) else (child,))
    return kind(tuple(children))


@given(TREE)
def test_unparse_reparses_to_an_equal_tree(tree: Node) -> None:
    try:
        parsed = parse(unparse(tree))
    except QueryError as e:  # a tree such as Or((a, Not(b))) is not a valid watch
        assert "leaves the query nothing to look for" in str(e)
        return
    assert parsed == flattened(tree)


@given(QUERY_TEXT)
def test_parse_unparse_round_trip(query: str) -> None:
    try:
        tree = parse(query)
    except QueryError:
        return
    assert parse(unparse(tree)) == tree
