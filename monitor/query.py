"""The watch query language: parse a query into a tree, and print a tree back as a query.

A query is made of:

- words (``Microsoft``), "quoted phrases" (``"Japan Display"``; straight or curly double quotes)
  and prefixes (``micro*``, at least three letters or digits before the star);
- ``@name``: an alias set defined once under ``[aliases]`` (any of its entries);
- the operators ``AND``, ``OR`` and ``NOT`` in capitals (``NOT`` binds tightest, then ``AND``,
  then ``OR``), ``-word`` / ``-"a phrase"`` for NOT, ``+word`` for the plain word, parentheses;
- fields before a word, phrase, prefix, alias, proximity or parenthesised group: ``title:``,
  ``body:``, ``lead:`` (headline, standfirst and the first two paragraphs), ``site:``,
  ``author:``, ``tag:``;
- proximity: ``NEAR/5(a, b)`` (within 5 words of each other, in any order; ``NEAR(...)`` means
  ``NEAR/10``) and ``SENTENCE(a, b)`` (in one sentence); their arguments are words, phrases,
  prefixes or aliases, alone or joined by OR.

Words side by side mean AND, so ``A NOT B`` means ``A AND NOT B``.  Anything that looks like an
operator but is not one is an error rather than a silent word: ``and``/``or``/``not`` in lower
case, ``NEAR`` without its parentheses, ``titel:`` (an unknown field), a lone ``*`` or ``-``,
a comma outside ``NEAR(...)``.  Inside quotes every word is just a word (``"rock and roll"``).

A query must look for something: one that an article containing none of its words would match
(``NOT x``, ``a OR NOT b``) is an error, since it would alert on almost every article.

How words are compared (case, accents, Unicode folding) belongs to ``monitor.matching``.
Errors are ``QueryError`` whose message starts ``column N:`` (1-based) and whose ``position`` is
the 0-based offset of the problem.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from difflib import get_close_matches
from typing import Literal

from monitor.errors import QueryError
from monitor.querytree import (
    ALIAS_NAME,
    DEFAULT_NEAR,
    FIELD_PREFIX,
    FIELDS,
    NEAR_ANY_CASE,
    NEAR_WORD,
    OPERATORS,
    PREFIX_MIN,
    QUOTES,
    SPECIAL,
    Alias,
    And,
    Field,
    Near,
    Node,
    Not,
    Or,
    Sentence,
    Term,
    bare_prefix,
    positive_terms,
    terms_of,
    unparse,
)

__all__ = [
    "FIELDS",
    "Alias",
    "And",
    "Field",
    "Near",
    "Node",
    "Not",
    "Or",
    "Sentence",
    "Term",
    "alias_term",
    "parse",
    "positive_terms",
    "terms_of",
    "unparse",
]

MAX_DEPTH = 64
"""How deeply parentheses, fields and NOTs may nest; deeper queries are refused, not crashed on."""

TokenKind = Literal[
    "word", "phrase", "prefix", "alias", "field", "near", "sentence",
    "AND", "OR", "NOT", "(", ")", ",", "end",
]  # fmt: skip


@dataclass(frozen=True)
class _Token:
    kind: TokenKind
    pos: int
    words: tuple[str, ...] = ()
    name: str = ""
    distance: int = DEFAULT_NEAR


def _error(message: str, query: str, pos: int) -> QueryError:
    return QueryError(f"column {pos + 1}: {message}", query, pos)


def _tokenize(query: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(query)
    while i < n:
        c = query[i]
        if c.isspace():
            i += 1
        elif c in "(),":
            tokens.append(_Token(c, i))  # type: ignore[arg-type]
            i += 1
        elif c in QUOTES:
            close = next((j for j in range(i + 1, n) if query[j] in QUOTES), -1)
            if close < 0:
                raise _error("unterminated quote: close the phrase with '\"'", query, i)
            words = tuple(query[i + 1 : close].split())
            if not any(ch.isalnum() for w in words for ch in w):
                raise _error("the phrase has no letters or digits to look for", query, i)
            tokens.append(_Token("phrase", i, words))
            i = close + 1
        elif c in "-+" and i + 1 < n and not (query[i + 1].isspace() or query[i + 1] in "),"):
            if c == "-":
                tokens.append(_Token("NOT", i, name="-"))
            i += 1
        else:
            j = i
            while j < n and not (query[j].isspace() or query[j] in SPECIAL):
                j += 1
            word = query[i:j]
            opens = j < n and query[j] == "("
            field_match = FIELD_PREFIX.match(word)
            if field_match:
                name = field_match[1]
                if name not in FIELDS:
                    hint = get_close_matches(name.lower(), FIELDS, n=1)
                    maybe = f" (did you mean {hint[0]}:?)" if hint else ""
                    raise _error(
                        f"unknown field {name}:{maybe}; fields are "
                        + ", ".join(f"{f}:" for f in FIELDS)
                        + f'; to look for the word, quote it ("{word}")',
                        query,
                        i,
                    )
                i += len(field_match[0])
                if i >= n or query[i].isspace():
                    raise _error(
                        f"expected a word, phrase or '(' right after {name}:, like "
                        f'{name}:Microsoft or {name}:"Japan Display"',
                        query,
                        i - len(field_match[0]),
                    )
                tokens.append(_Token("field", i - len(field_match[0]), name=name))
                continue
            tokens.append(_word_token(query, word, i, opens))
            i = j
    tokens.append(_Token("end", n))
    return tokens


def _word_token(query: str, word: str, i: int, opens: bool) -> _Token:
    near = NEAR_WORD.fullmatch(word)
    if (near or word == "SENTENCE") and opens:
        if near is None:
            return _Token("sentence", i)
        return _Token("near", i, distance=int(near[1]) if near[1] else DEFAULT_NEAR)
    if near or word == "SENTENCE" or word.startswith("NEAR/"):
        raise _error(
            f"{word} is an operator: write it with its terms in parentheses, like "
            f'NEAR/5(Microsoft, Japan) or SENTENCE(Microsoft, Japan); quote it ("{word}") to '
            "look for the word",
            query,
            i,
        )
    if opens and NEAR_ANY_CASE.fullmatch(word):
        raise _error(
            f"write {word.upper()} in capitals for the operator, or quote it to look for the word",
            query,
            i,
        )
    if word in OPERATORS:
        return _Token(word, i)  # type: ignore[arg-type]
    if word.upper() in OPERATORS:
        raise _error(
            f"{word!r}: write {word.upper()} in capitals for the operator,"
            f' or put it in quotes ("{word}") to look for the word',
            query,
            i,
        )
    if word.startswith("@"):
        if not ALIAS_NAME.fullmatch(word[1:]):
            raise _error(
                "expected an alias name after @ (letters, digits, _ and -), like @microsoft",
                query,
                i,
            )
        return _Token("alias", i, name=word[1:])
    if "*" in word:
        stem = word[:-1]
        if not word.endswith("*") or "*" in stem:
            raise _error(
                "'*' goes only at the end of a word, after at least 3 letters (micro*); quote "
                "the word to look for it as written",
                query,
                i + word.index("*"),
            )
        if sum(ch.isalnum() for ch in stem) < PREFIX_MIN or not bare_prefix(stem):
            raise _error(
                f"a prefix needs at least {PREFIX_MIN} letters or digits before '*', like micro*",
                query,
                i,
            )
        return _Token("prefix", i, (stem,))
    if word in "-+":
        raise _error(f"write the word right after '{word}', like {word}Japan", query, i)
    if not any(ch.isalnum() for ch in word):
        raise _error(f"{word!r} has no letters or digits to look for", query, i)
    return _Token("word", i, (word,))


_STARTS = ("AND", "word", "phrase", "prefix", "alias", "field", "near", "sentence", "NOT", "(")


class _Parser:
    """Recursive descent: or := and (OR and)*; and := unary (AND? unary)*;
    unary := NOT unary | primary; primary := term | alias | field primary | NEAR(args) | (or)."""

    def __init__(self, query: str, aliases: Mapping[str, tuple[Term, ...]] | None) -> None:
        self.query = query
        self.aliases = aliases or {}
        self.tokens = _tokenize(query)
        self.i = 0
        self.depth = 0
        self.in_field = ""
        self.not_positions: dict[int, int] = {}  # id(Not node) -> position of its NOT

    def error(self, message: str, pos: int) -> QueryError:
        return _error(message, self.query, pos)

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
        self.stray(self.peek)
        return node

    def stray(self, token: _Token) -> None:
        if token.kind == ")":
            raise self.error("unmatched ')'", token.pos)
        if token.kind == ",":
            raise self.error(
                "',' only separates the terms of NEAR(...) or SENTENCE(...); use AND or OR",
                token.pos,
            )

    def parse_or(self) -> Node:
        children = [self.parse_and()]
        while self.peek.kind == "OR":
            self.take()
            children.append(self.parse_and())
        return _flat(Or, children)

    def parse_and(self) -> Node:
        children = [self.parse_unary()]
        while self.peek.kind in _STARTS:
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
        if token.kind in ("word", "phrase", "prefix"):
            return Term(token.words, prefix=token.kind == "prefix")
        if token.kind == "alias":
            return self.alias(token)
        if token.kind == "(":
            self.enter(token.pos)
            node = self.parse_or()
            self.depth -= 1
            self.close(token)
            return node
        if token.kind == "field":
            return self.field(token)
        if token.kind in ("near", "sentence"):
            return self.proximity(token)
        if self.i >= 2:
            previous = self.tokens[self.i - 2]
            shown = previous.kind if previous.kind != "NOT" else previous.name or "NOT"
            if previous.kind in ("AND", "OR", "NOT", "("):
                raise self.error(f"expected a word or phrase after {shown}", token.pos)
        self.stray(token)
        if token.kind == "end":
            raise self.error("expected a word or phrase at the end", token.pos)
        raise self.error(f"expected a word or phrase before {token.kind}", token.pos)

    def close(self, opening: _Token) -> None:
        if self.peek.kind == ",":
            self.stray(self.peek)
        if self.peek.kind != ")":
            raise self.error(
                f"')' expected to close the '(' at column {opening.pos + 1}", opening.pos
            )
        self.take()

    def alias(self, token: _Token) -> Node:
        terms = self.aliases.get(token.name)
        if terms is None:
            hint = get_close_matches(token.name, list(self.aliases), n=1)
            maybe = f" (did you mean @{hint[0]}?)" if hint else ""
            raise self.error(
                f"unknown alias @{token.name}{maybe}; define it under [aliases], like "
                f'{token.name} = ["...", "..."]',
                token.pos,
            )
        return Alias(token.name, terms)

    def field(self, token: _Token) -> Node:
        if self.in_field:
            raise self.error(
                f"{token.name}: inside {self.in_field}:(...); fields do not nest", token.pos
            )
        if self.peek.kind not in ("word", "phrase", "prefix", "alias", "near", "sentence", "("):
            raise self.error(
                f"expected a word, phrase or '(' right after {token.name}:, like "
                f'{token.name}:Microsoft or {token.name}:"Japan Display"',
                token.pos,
            )
        self.enter(token.pos)
        self.in_field = token.name
        child = self.parse_primary()
        self.in_field = ""
        self.depth -= 1
        return Field(token.name, child)

    def proximity(self, token: _Token) -> Node:
        opening = self.take()  # the tokenizer saw "(" right after NEAR / SENTENCE
        self.enter(opening.pos)
        args: list[Node] = []
        while True:
            start = self.peek
            arg = self.parse_or()
            if not _simple(arg):
                raise self.error(
                    "the terms of NEAR and SENTENCE are words, phrases, prefixes or @aliases, "
                    "alone or joined by OR",
                    start.pos,
                )
            args.append(arg)
            if self.peek.kind != ",":
                break
            self.take()
        self.depth -= 1
        self.close(opening)
        name = "NEAR" if token.kind == "near" else "SENTENCE"
        if len(args) < 2:
            raise self.error(f"{name} needs two or more terms separated by ','", token.pos)
        if token.kind == "near":
            return Near(tuple(args), token.distance)
        return Sentence(tuple(args))

    def enter(self, pos: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"parentheses and NOTs nest more than {MAX_DEPTH} deep", pos)


def _simple(node: Node) -> bool:
    if isinstance(node, Term | Alias):
        return True
    return isinstance(node, Or) and all(_simple(c) for c in node.children)


def _flat(kind: type[And] | type[Or], children: list[Node]) -> Node:
    if len(children) == 1:
        return children[0]
    flat: list[Node] = []
    for child in children:
        flat.extend(child.children if isinstance(child, kind) else (child,))
    return kind(tuple(flat))


def _matches_nothing_present(node: Node) -> bool:
    """Whether the node matches an article that contains none of the query's words."""
    if isinstance(node, Not):
        return not _matches_nothing_present(node.child)
    if isinstance(node, Field):
        return _matches_nothing_present(node.child)
    if isinstance(node, And):
        return all(_matches_nothing_present(c) for c in node.children)
    if isinstance(node, Or):
        return any(_matches_nothing_present(c) for c in node.children)
    return False


def _culprit(node: Node) -> Not:
    """The NOT that lets a node match an article by absence alone (the node must do so)."""
    if isinstance(node, Not):
        return node
    if isinstance(node, Field):
        return _culprit(node.child)
    assert isinstance(node, And | Or)
    return _culprit(next(c for c in node.children if _matches_nothing_present(c)))


def parse(query: str, aliases: Mapping[str, tuple[Term, ...]] | None = None) -> Node:
    """Parse a watch query; raise QueryError naming the problem and its column.

    `aliases` maps alias names to their terms (see `alias_term`); ``@name`` not in it is an error.
    """
    parser = _Parser(query, aliases)
    node = parser.parse()
    if _matches_nothing_present(node):
        pos = parser.not_positions.get(id(_culprit(node)), 0)
        raise _error(
            "NOT leaves the query nothing to look for: it would match every article without "
            "those words; add a word to look for, e.g. `Microsoft NOT Xbox`",
            query,
            pos,
        )
    return node


def alias_term(entry: str) -> Term:
    """One entry of an alias set as a term: several words are a phrase, ``word*`` a prefix.

    Raises QueryError (column in `entry`) for an entry with nothing to look for."""
    words = tuple("".join(c for c in entry if c not in QUOTES).split())
    if not any(ch.isalnum() for w in words for ch in w):
        raise _error("has no letters or digits to look for", entry, 0)
    if len(words) == 1 and words[0].endswith("*"):
        stem = words[0][:-1]
        if not bare_prefix(stem):
            raise _error(
                f"a prefix needs at least {PREFIX_MIN} letters or digits before '*', like micro*",
                entry,
                entry.index("*"),
            )
        return Term((stem,), prefix=True)
    return Term(words)
