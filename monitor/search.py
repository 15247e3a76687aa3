"""Search the archive with the watch query language: FTS5 narrows, the real matcher confirms.

`search()` is the one code path for `newsmon search` and for backtesting a watch
(`newsmon watch test`, when it lands): the query tree becomes an FTS5 expression that finds a
superset of the articles (NOT parts are left out of it, phrases stay phrases), and every
candidate is confirmed with `monitor.matching.Matcher`, so a result is exactly what a watch with
this query would alert on. Results are stories: the newest matching article of each story,
with the sites that carried the story.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from crawler.store import ArticleStore
from crawler.store.fulltext import candidates, phrase
from monitor.excerpt import Excerpt, excerpt
from monitor.matching import Matcher, words
from monitor.query import And, Node, Not, Or, Term, parse

Span = tuple[int, int]


@dataclass(frozen=True)
class StoryHit:
    """One story that matched: its newest matching article, its sites and a snippet."""

    story: int
    article_id: int
    url: str
    site: str
    headline: str
    first_seen: str
    published: str | None
    sites: tuple[str, ...]
    terms: tuple[str, ...]
    title_marks: tuple[Span, ...]
    snippet: Excerpt


def fts_expression(node: Node) -> str | None:
    """An FTS5 expression matching every article the query can match; None: any article."""
    if isinstance(node, Term):
        key = [w for word in node.words for w in words(word)]
        return phrase(key) if key else None
    if isinstance(node, Not):
        return None  # leaving a NOT out only widens the set
    parts = [fts_expression(c) for c in node.children]
    if isinstance(node, And):
        kept = [p for p in parts if p is not None]
        return None if not kept else "(" + " AND ".join(kept) + ")"
    assert isinstance(node, Or)
    if any(p is None for p in parts):
        return None
    return "(" + " OR ".join(p for p in parts if p is not None) + ")"


def search(
    store: ArticleStore,
    query: str | Node,
    *,
    site: str | None = None,
    since: datetime | None = None,
    limit: int = 20,
) -> list[StoryHit]:
    """The stories whose articles match `query`, newest first, at most `limit`.

    A query string is parsed here (QueryError with its position when it is wrong).
    """
    node = parse(query) if isinstance(query, str) else query
    expression = fts_expression(node)
    if expression is None:  # the parser refuses such queries; never scan the archive for one
        raise ValueError(f"{query!s} leaves nothing to look for")
    matcher = Matcher([("search", node)])
    found: dict[int, StoryHit] = {}
    for article in candidates(store.db, expression, site=site, since=since):
        if article.story_id in found:
            continue
        hits = matcher.match(article.title, article.body)
        if not hits:
            continue
        hit = hits[0]
        body = [(s.start, s.end) for s in hit.spans if s.field == "body"]
        found[article.story_id] = StoryHit(
            story=article.story_id,
            article_id=article.id,
            url=article.url,
            site=article.site,
            headline=article.title,
            first_seen=article.first_seen,
            published=article.published,
            sites=(),
            terms=hit.terms,
            title_marks=tuple((s.start, s.end) for s in hit.spans if s.field == "title"),
            snippet=excerpt(article.body, body),
        )
        if len(found) >= limit:
            break
    coverage = store.stories.coverage(found)
    return [
        _with_sites(hit, [s for s, _ in coverage.get(story, [])]) for story, hit in found.items()
    ]


def _with_sites(hit: StoryHit, sites: list[str]) -> StoryHit:
    return replace(hit, sites=tuple(dict.fromkeys([hit.site, *sites])))
