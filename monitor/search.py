"""Search the stored archive with a query: full-text search narrows, the real matcher confirms.

`newsmon watch test` and `newsmon search` run this: the query becomes a narrowing that
every article the query could match passes (a superset: each term is looked up in the full-text
index of titles and bodies, or word by word in the standfirst, which the index does not hold;
NOT, fields the index does not hold, and terms the index splits or folds differently, such as
Chinese, Japanese or any non-ASCII word, narrow nothing), and each candidate is then matched as
`newsmon match` would.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from crawler.store import ArticleStore, StoredArticle
from crawler.store.published import AllOf, AnyOf, Narrowing, Words, newest_first
from monitor.excerpt import Excerpt, excerpt
from monitor.folding import words
from monitor.matching import Article, Hit, Matcher, Prominence
from monitor.query import Alias, Field, Node, Not, Or, Term

__all__ = ["Found", "article_of", "narrowing", "search"]

_INDEXED = ("title", "body", "lead")  # fields whose words articles_fts holds


@dataclass(frozen=True)
class Found:
    """An article the query matches: its hit, headline marks and body excerpt (as in digests)."""

    article: StoredArticle
    hit: Hit
    title_marks: tuple[tuple[int, int], ...]
    snippet: Excerpt
    story: int | None = None  # the story's id (`articles.story_id`), with `per_story`


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


def _words(term: Term) -> Narrowing | None:
    folded = words(" ".join(term.words))
    if not folded or not all(w.isascii() for w in term.words):
        return None  # the index folds non-ASCII letters its own way (ß is not ss there)
    return Words(folded, term.prefix)


def _joined(kind: type[AllOf] | type[AnyOf], parts: list[Narrowing]) -> Narrowing:
    return parts[0] if len(parts) == 1 else kind(tuple(parts))


def narrowing(node: Node) -> Narrowing | None:
    """What every article matching `node` has (a superset of them); None if nothing narrows."""
    if isinstance(node, Term | Alias | Or):
        if isinstance(node, Term):
            return _words(node)
        found = [narrowing(c) for c in (node.children if isinstance(node, Or) else node.terms)]
        if not found or any(n is None for n in found):
            return None
        return _joined(AnyOf, [n for n in found if n is not None])
    if isinstance(node, Field):
        return narrowing(node.child) if node.name in _INDEXED else None
    if isinstance(node, Not):
        return None
    kept = [n for n in map(narrowing, node.children) if n is not None]
    return _joined(AllOf, kept) if kept else None


def search(
    store: ArticleStore,
    node: Node,
    *,
    since: datetime,
    limit: int = 20,
    prominence: Prominence | None = None,
    site: str | None = None,
    per_story: bool = False,
) -> list[Found]:
    """Up to `limit` articles published since `since` that the query matches, newest first;
    only `site`'s if given; with `per_story`, only the newest article of each story."""
    matcher = Matcher([("query", node, prominence or Prominence())])
    found: list[Found] = []
    seen: set[int] = set()
    for stored in newest_first(store.db, narrowing(node), since=since, site=site):
        story = store.stories.story_of(stored.id) if per_story else None
        if story is not None and story in seen:
            continue
        hits = matcher.match(article_of(stored))
        if not hits:
            continue
        (hit,) = hits
        body = [(s.start, s.end) for s in hit.spans if s.field == "body"]
        title = tuple((s.start, s.end) for s in hit.spans if s.field == "title")
        found.append(Found(stored, hit, title, excerpt(stored.body, body), story))
        if story is not None:
            seen.add(story)
        if len(found) >= limit:
            break
    return found
