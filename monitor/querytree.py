"""The tree a watch query parses to, and its canonical text (the language: `monitor.query`).

`unparse` prints a tree so that parsing the text gives the same tree back: capital operators,
single spaces, only the parentheses needed, quotes around words that would read as operators.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "ALIAS_NAME",
    "DEFAULT_NEAR",
    "FIELDS",
    "FIELD_PREFIX",
    "NEAR_ANY_CASE",
    "NEAR_WORD",
    "OPERATORS",
    "PREFIX_MIN",
    "QUOTES",
    "SPECIAL",
    "Alias",
    "And",
    "Field",
    "Near",
    "Node",
    "Not",
    "Or",
    "Sentence",
    "Term",
    "bare_prefix",
    "needs_quotes",
    "positive_terms",
    "terms_of",
    "unparse",
]

OPERATORS = frozenset({"AND", "OR", "NOT"})
FIELDS = ("title", "body", "lead", "site", "author", "tag")
QUOTES = frozenset('"\u201c\u201d')
DEFAULT_NEAR = 10
PREFIX_MIN = 3

SPECIAL = frozenset('(),"\u201c\u201d')
FIELD_PREFIX = re.compile(r"([A-Za-z]+):")
NEAR_WORD = re.compile(r"NEAR(?:/(\d{1,4}))?")
NEAR_ANY_CASE = re.compile(r"(?i)(?:near(?:/\d*)?|sentence)")
ALIAS_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*")


@dataclass(frozen=True)
class Term:
    """A word (one element) or a quoted phrase (its words, in order); `prefix`: the last word
    may go on (``micro*``)."""

    words: tuple[str, ...]
    prefix: bool = False

    def __post_init__(self) -> None:
        if not self.words or any(
            not w or any(c.isspace() or c in QUOTES for c in w) for w in self.words
        ):
            raise ValueError(f"a Term needs non-empty words without spaces or quotes: {self.words}")
        if self.prefix and (len(self.words) != 1 or not bare_prefix(self.words[0])):
            raise ValueError(f"a prefix Term is one plain word of 3+ letters: {self.words}")

    def __str__(self) -> str:
        return unparse(self)


@dataclass(frozen=True)
class Alias:
    """``@name``: any of the alias set's terms."""

    name: str
    terms: tuple[Term, ...]

    def __post_init__(self) -> None:
        if not ALIAS_NAME.fullmatch(self.name) or not self.terms:
            raise ValueError(f"an Alias needs a name like 'microsoft' and terms: {self.name!r}")

    def __str__(self) -> str:
        return unparse(self)


@dataclass(frozen=True)
class Field:
    """``name:child``: the child looks only in that part of the article."""

    name: str
    child: Node

    def __post_init__(self) -> None:
        if self.name not in FIELDS:
            raise ValueError(f"unknown field {self.name!r}")

    def __str__(self) -> str:
        return unparse(self)


@dataclass(frozen=True)
class Near:
    """All children within `distance` words of each other (words between them), any order."""

    children: tuple[Node, ...]
    distance: int = DEFAULT_NEAR

    def __post_init__(self) -> None:
        if len(self.children) < 2 or self.distance < 0:
            raise ValueError("Near needs at least two children and a distance of 0 or more")

    def __str__(self) -> str:
        return unparse(self)


@dataclass(frozen=True)
class Sentence:
    """All children in one sentence."""

    children: tuple[Node, ...]

    def __post_init__(self) -> None:
        if len(self.children) < 2:
            raise ValueError("Sentence needs at least two children")

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


Node = Term | Alias | Field | Near | Sentence | And | Or | Not


def bare_prefix(word: str) -> bool:
    return sum(c.isalnum() for c in word) >= PREFIX_MIN and not needs_quotes(word)


def positive_terms(node: Node) -> tuple[Term, ...]:
    """The terms whose presence helps a match (under an even number of NOTs), first seen first."""
    found: dict[Term, None] = {}

    def walk(n: Node, negated: bool) -> None:
        if isinstance(n, Term):
            if not negated:
                found.setdefault(n)
        elif isinstance(n, Alias):
            for t in n.terms:
                walk(t, negated)
        elif isinstance(n, Not):
            walk(n.child, not negated)
        elif isinstance(n, Field):
            walk(n.child, negated)
        else:
            for child in n.children:
                walk(child, negated)

    walk(node, False)
    return tuple(found)


def needs_quotes(word: str) -> bool:
    return (
        word.upper() in OPERATORS
        or any(c in SPECIAL or c == "*" for c in word)
        or word[0] in "-+@"
        or FIELD_PREFIX.match(word) is not None
        or NEAR_ANY_CASE.fullmatch(word) is not None
        or word.startswith("NEAR/")
    )


def _group(node: Node) -> str:
    text = unparse(node)
    return f"({text})" if isinstance(node, And | Or | Not | Field) else text


def unparse(node: Node) -> str:
    """The canonical text of a tree: capital operators, single spaces, only needed parentheses."""
    if isinstance(node, Term):
        if node.prefix:
            return node.words[0] + "*"
        if len(node.words) == 1 and not needs_quotes(node.words[0]):
            return node.words[0]
        return '"' + " ".join(node.words) + '"'
    if isinstance(node, Alias):
        return "@" + node.name
    if isinstance(node, Field):
        return f"{node.name}:{_group(node.child)}"
    if isinstance(node, Near):
        return f"NEAR/{node.distance}(" + ", ".join(map(unparse, node.children)) + ")"
    if isinstance(node, Sentence):
        return "SENTENCE(" + ", ".join(map(unparse, node.children)) + ")"
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


def terms_of(node: Node) -> Sequence[Term]:
    """Every term of a tree, negated or not, aliases expanded, in order."""
    out: list[Term] = []

    def walk(n: Node) -> None:
        if isinstance(n, Term):
            out.append(n)
        elif isinstance(n, Alias):
            out.extend(n.terms)
        elif isinstance(n, Not | Field):
            walk(n.child)
        else:
            for child in n.children:
                walk(child)

    walk(node)
    return out
