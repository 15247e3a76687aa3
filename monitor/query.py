"""The watch query language: parse a query into a tree, and print a tree back as a query.

A query is made of:

- words (``Microsoft``) and "quoted phrases" (``"Japan Display"``); straight or curly double
  quotes both delimit a phrase;
- the operators ``AND``, ``OR`` and ``NOT``, written in capitals; ``NOT`` binds tightest, then
  ``AND``, then ``OR``;
- parentheses for grouping.

Words side by side mean AND (``Microsoft Japan`` is ``Microsoft AND Japan``), so ``A NOT B`` means
``A AND NOT B``.  The operators must be capitals: ``and``, ``Or`` or ``not`` outside quotes is an
error rather than a guess, because ``Microsoft or Apple`` read as three words would silently
match something else than the user meant; the message says to capitalise the operator or to quote
the word.  Inside quotes every word is just a word (``"rock and roll"``).

A query must look for something: one that an article containing none of its words would match
(``NOT x``, ``a OR NOT b``) is an error, since it would alert on almost every article.

What counts as a word, and how words are compared (case, accents, Unicode folding), belongs to
``monitor.matching``; here a bare word only has to contain a letter or a digit.

Errors are ``QueryError`` with the 0-based character position of the problem.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from monitor.errors import QueryError

__all__ = ["And", "Node", "Not", "Or", "Term", "parse", "positive_terms", "unparse"]

OPERATORS = frozenset({"AND", "OR", "NOT"})
QUOTES = frozenset('"\u201c\u201d')
MAX_DEPTH = 64
"""How deeply parentheses and NOTs may nest; deeper queries are refused, not crashed on."""


@dataclass(frozen=True)
class Term:
    """A word (one element) or a quoted phrase (its words, in order)."""

    words: tuple[str, ...]

    def __post_init__(self) -> None:
        if not self.words or any(
            not w or any(c.isspace() or c in QUOTES for c in w) for w in self.words
        ):
            raise ValueError(f"a Term needs non-empty words without spaces or quotes: {self.words}")

    def __str__(self) -> str:
        return unparse(self)


@dataclass(frozen=True)
class And:
    """All children must match."""

    children: tuple[Node, ...]

    def __post_init__(self) -> None:
        if len(self.children) < 2:
            raise ValueError("And needs at least two children")

    def __str__(self) -> str:
        return unparse(self)


@dataclass(frozen=True)
class Or:
    """At least one child must match."""

    children: tuple[Node, ...]

    def __post_init__(self) -> None:
        if len(self.children) < 2:
            raise ValueError("Or needs at least two children")

    def __str__(self) -> str:
        return unparse(self)


@dataclass(frozen=True)
class Not:
    """The child must not match."""

    child: Node

    def __str__(self) -> str:
        return unparse(self)


Node = Term | And | Or | Not

TokenKind = Literal["word", "phrase", "AND", "OR", "NOT", "(", ")", "end"]
_OPERATOR_KINDS: dict[str, TokenKind] = {"AND": "AND", "OR": "OR", "NOT": "NOT"}


@dataclass(frozen=True)
class _Token:
    kind: TokenKind
    pos: int
    words: tuple[str, ...] = ()


def _tokenize(query: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(query)
    while i < n:
        c = query[i]
        if c.isspace():
            i += 1
        elif c in "()":
            tokens.append(_Token("(" if c == "(" else ")", i))
            i += 1
        elif c in QUOTES:
            close = next((j for j in range(i + 1, n) if query[j] in QUOTES), -1)
            if close < 0:
                raise QueryError(f"unterminated quote at position {i}", query, i)
            words = tuple(query[i + 1 : close].split())
            if not any(ch.isalnum() for w in words for ch in w):
                raise QueryError(
                    f"phrase at position {i} has no letters or digits to look for", query, i
                )
            tokens.append(_Token("phrase", i, words))
            i = close + 1
        else:
            j = i
            while j < n and not (query[j].isspace() or query[j] in "()" or query[j] in QUOTES):
                j += 1
            word = query[i:j]
            if word in _OPERATOR_KINDS:
                tokens.append(_Token(_OPERATOR_KINDS[word], i))
            elif word.upper() in OPERATORS:
                raise QueryError(
                    f"{word!r} at position {i}: write {word.upper()} in capitals for the operator,"
                    f' or put it in quotes ("{word}") to look for the word',
                    query,
                    i,
                )
            elif not any(ch.isalnum() for ch in word):
                raise QueryError(
                    f"{word!r} at position {i} has no letters or digits to look for", query, i
                )
            else:
                tokens.append(_Token("word", i, (word,)))
            i = j
    tokens.append(_Token("end", n))
    return tokens


class _Parser:
    """Recursive descent: or := and (OR and)*; and := unary (AND? unary)*; unary := NOT* primary."""

    def __init__(self, query: str) -> None:
        self.query = query
        self.tokens = _tokenize(query)
        self.i = 0
        self.depth = 0
        self.not_positions: dict[int, int] = {}  # id(Not node) -> position of its NOT

    def error(self, message: str, pos: int) -> QueryError:
        return QueryError(f"{message} at position {pos}", self.query, pos)

    @property
    def peek(self) -> _Token:
        return self.tokens[self.i]

    def take(self) -> _Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def parse(self) -> Node:
        if self.peek.kind == "end":
            raise self.error("the query is empty", 0)
        node = self.parse_or()
        if self.peek.kind == ")":
            raise self.error('unmatched ")"', self.peek.pos)
        return node

    def parse_or(self) -> Node:
        children = [self.parse_and()]
        while self.peek.kind == "OR":
            self.take()
            children.append(self.parse_and())
        return _flat(Or, children)

    def parse_and(self) -> Node:
        children = [self.parse_unary()]
        while self.peek.kind in ("AND", "word", "phrase", "NOT", "("):
            if self.peek.kind == "AND":
                self.take()
            children.append(self.parse_unary())
        return _flat(And, children)

    def parse_unary(self) -> Node:
        token = self.peek
        if token.kind != "NOT":
            return self.parse_primary()
        self.take()
        self.enter(token.pos)
        node = Not(self.parse_unary())
        self.depth -= 1
        self.not_positions[id(node)] = token.pos
        return node

    def parse_primary(self) -> Node:
        token = self.take()
        if token.kind in ("word", "phrase"):
            return Term(token.words)
        if token.kind == "(":
            self.enter(token.pos)
            node = self.parse_or()
            self.depth -= 1
            if self.peek.kind != ")":
                raise self.error('unclosed "("', token.pos)
            self.take()
            return node
        if self.i >= 2:
            previous = self.tokens[self.i - 2].kind
            raise self.error(f"expected a word or phrase after {previous}", token.pos)
        if token.kind == ")":
            raise self.error('unmatched ")"', token.pos)
        raise self.error(f"expected a word or phrase before {token.kind}", token.pos)

    def enter(self, pos: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"parentheses and NOTs nest more than {MAX_DEPTH} deep", pos)


def _flat(kind: type[And] | type[Or], children: list[Node]) -> Node:
    if len(children) == 1:
        return children[0]
    flat: list[Node] = []
    for child in children:
        flat.extend(child.children if isinstance(child, kind) else (child,))
    return kind(tuple(flat))


def _matches_nothing_present(node: Node) -> bool:
    """Whether the node matches an article that contains none of the query's words."""
    if isinstance(node, Term):
        return False
    if isinstance(node, Not):
        return not _matches_nothing_present(node.child)
    if isinstance(node, And):
        return all(_matches_nothing_present(c) for c in node.children)
    return any(_matches_nothing_present(c) for c in node.children)


def _culprit(node: Node) -> Not:
    """The NOT that lets a node match an article by absence alone (the node must do so)."""
    if isinstance(node, Not):
        return node
    assert isinstance(node, And | Or)
    return _culprit(next(c for c in node.children if _matches_nothing_present(c)))


def parse(query: str) -> Node:
    """Parse a watch query; raise QueryError naming the problem and its position."""
    parser = _Parser(query)
    node = parser.parse()
    if _matches_nothing_present(node):
        pos = parser.not_positions.get(id(_culprit(node)), 0)
        raise QueryError(
            f"NOT at position {pos} leaves the query nothing to look for: it would match every"
            " article without those words; add a word to look for, e.g. `Microsoft NOT Xbox`",
            query,
            pos,
        )
    return node


def positive_terms(node: Node) -> tuple[Term, ...]:
    """The terms whose presence helps a match (under an even number of NOTs), first seen first."""
    found: dict[Term, None] = {}

    def walk(n: Node, negated: bool) -> None:
        if isinstance(n, Term):
            if not negated:
                found.setdefault(n)
        elif isinstance(n, Not):
            walk(n.child, not negated)
        else:
            for child in n.children:
                walk(child, negated)

    walk(node, False)
    return tuple(found)


def _needs_quotes(term: Term) -> bool:
    (word,) = term.words
    return word.upper() in OPERATORS or any(c in "()" for c in word)


def unparse(node: Node) -> str:
    """The canonical text of a tree: capital operators, single spaces, only needed parentheses."""
    if isinstance(node, Term):
        if len(node.words) == 1 and not _needs_quotes(node):
            return node.words[0]
        return '"' + " ".join(node.words) + '"'
    if isinstance(node, Not):
        child = node.child
        inner = unparse(child)
        return f"NOT ({inner})" if isinstance(child, And | Or) else f"NOT {inner}"
    if isinstance(node, And):
        return " AND ".join(
            f"({unparse(c)})" if isinstance(c, And | Or) else unparse(c) for c in node.children
        )
    return " OR ".join(
        f"({unparse(c)})" if isinstance(c, Or) else unparse(c) for c in node.children
    )
