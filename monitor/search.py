"""Search the stored archive with a query: full-text search narrows, the real matcher confirms.

`newsmon watch test` runs this (and `newsmon search` will): the query's terms become an FTS5
query over titles and bodies that every article the query could match satisfies (a superset:
NOT, fields the index does not hold, and terms the index splits differently, such as Chinese or
Japanese, narrow nothing), and each candidate is then matched as `newsmon match` would.
One gap: articles_fts holds titles and bodies but not standfirsts, so an article whose only
mention is in its standfirst is missed whenever the query narrows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from crawler.store import ArticleStore, StoredArticle
from crawler.store.published import newest_first
from monitor.excerpt import Excerpt, excerpt
from monitor.folding import words
from monitor.matching import Article, Hit, Matcher, Prominence
from monitor.query import Alias, And, Field, Near, Node, Not, Or, Sentence, Term

__all__ = ["Found", "article_of", "fts_query", "search"]

_INDEXED = ("title", "body", "lead")  # fields whose words articles_fts holds


@dataclass(frozen=True)
class Found:
    """An article the query matches: its hit, headline marks and body excerpt (as in digests)."""

    article: StoredArticle
    hit: Hit
    title_marks: tuple[tuple[int, int], ...]
    snippet: Excerpt


def article_of(stored: StoredArticle) -> Article:
    """What the matcher reads of a stored article."""
    return Article(
        title=stored.title,
        body=stored.body,
        subtitle=stored.subtitle or "",
        site=stored.site,
        authors=tuple(json.loads(stored.authors or "[]")),
        tags=tuple(json.loads(stored.tags or "[]")),
    )


def _term(term: Term) -> str | None:
    folded = words(" ".join(term.words))
    if not folded or not all(w.isascii() for w in term.words):
        return None  # the index folds non-ASCII letters its own way (ß is not ss there)
    return '"' + " ".join(folded) + '"' + ("*" if term.prefix else "")


def _all(parts: list[str | None], joiner: str) -> str | None:
    if not parts or any(p is None for p in parts):
        return None
    kept = [p for p in parts if p is not None]
    return kept[0] if len(kept) == 1 else "(" + f" {joiner} ".join(kept) + ")"


def fts_query(node: Node) -> str | None:
    """An FTS5 query that every article matching `node` matches; None if nothing narrows."""
    if isinstance(node, Term):
        return _term(node)
    if isinstance(node, Alias):
        return _all([_term(t) for t in node.terms], "OR")
    if isinstance(node, Field):
        return fts_query(node.child) if node.name in _INDEXED else None
    if isinstance(node, Not):
        return None
    if isinstance(node, Or):
        return _all([fts_query(c) for c in node.children], "OR")
    assert isinstance(node, And | Near | Sentence)
    narrowing = [q for q in map(fts_query, node.children) if q is not None]
    return _all(list(narrowing), "AND") if narrowing else None


def search(
    store: ArticleStore,
    node: Node,
    *,
    since: datetime,
    limit: int = 20,
    prominence: Prominence | None = None,
) -> list[Found]:
    """Up to `limit` articles published since `since` that the query matches, newest first."""
    matcher = Matcher([("query", node, prominence or Prominence())])
    found: list[Found] = []
    for stored in newest_first(store.db, fts_query(node), since=since):
        hits = matcher.match(article_of(stored))
        if not hits:
            continue
        (hit,) = hits
        body = [(s.start, s.end) for s in hit.spans if s.field == "body"]
        title = tuple((s.start, s.end) for s in hit.spans if s.field == "title")
        found.append(Found(stored, hit, title, excerpt(stored.body, body)))
        if len(found) >= limit:
            break
    return found
