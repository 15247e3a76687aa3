"""The match step: articles new or changed since each watch's watermark -> alerts, once each.

A watch alerts once per article, on the first revision that matches it. A watch with
`on_change = true` also alerts on a later revision ("updated") when it matches that revision and
either did not match the one before or the headline changed; an edit that changes nothing the
watch looks at raises nothing.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from crawler.store import ArticleStore, StoredArticle, changed_words, reader_text
from monitor.config import Watch
from monitor.ledger import Ledger, NewAlert
from monitor.matching import Article, Hit, Matcher, snippet

#: How far back a watch seen for the first time (or whose query changed) looks.
BACKFILL = timedelta(days=1)


@dataclass(frozen=True)
class MatchResult:
    """What one match step did."""

    articles: int
    alerts: int


def _watermarks(
    store: ArticleStore, ledger: Ledger, watches: Sequence[Watch], now: datetime
) -> dict[str, int]:
    """Each watch's watermark; a new watch, or one whose query changed, starts at the backfill."""
    known = ledger.watches()
    marks: dict[str, int] = {}
    for watch in watches:
        state = known.get(watch.name)
        if state is None or state.query != watch.query:
            marks[watch.name] = store.seq_before(now - BACKFILL)
            ledger.reset_watch(watch.name, watch.query, marks[watch.name], now)
        else:
            marks[watch.name] = state.watermark
    return marks


def _alert(article: StoredArticle, hit: Hit, kind: str, diff: str | None) -> NewAlert:
    body_spans = [(s.start, s.end) for s in hit.spans if s.field == "body"]
    excerpt = snippet(article.body, body_spans)
    return NewAlert(
        watch=hit.watch,
        article_id=article.id,
        revision=article.revision,
        terms=tuple(hit.terms),
        title_marks=tuple((s.start, s.end) for s in hit.spans if s.field == "title"),
        snippet=excerpt.text,
        marks=tuple(excerpt.marks),
        kind=kind,
        diff=diff,
    )


def _edit(store: ArticleStore, matcher: Matcher, article: StoredArticle, watch: str) -> str | None:
    """The changed words if this revision is news to a watch that matched before, else None."""
    before = store.version(article.id, article.revision - 1)
    if before is None:
        return None
    matched_before = any(h.watch == watch for h in matcher.match(before.title, before.body))
    if matched_before and before.title == article.title:
        return None
    old = reader_text(before.title, before.subtitle, before.body)
    new = reader_text(article.title, article.subtitle, article.body)
    return changed_words(old, new)


def match_new(store: ArticleStore, watches: Sequence[Watch], *, now: datetime) -> MatchResult:
    """Match every article past the lowest watermark; raise each alert once."""
    if not watches:
        return MatchResult(articles=0, alerts=0)
    ledger = Ledger(store.db)
    matcher = Matcher((w.name, w.node, w.prominence) for w in watches)
    by_name = {w.name: w for w in watches}
    articles = alerts = 0
    with store.db.atomic():
        marks = _watermarks(store, ledger, watches, now)
        top = store.max_seq()
        for article in store.changed_since(min(marks.values()), upto=top):
            articles += 1
            found = Article(
                title=article.title,
                body=article.body,
                subtitle=article.subtitle or "",
                site=article.site,
                authors=tuple(json.loads(article.authors or "[]")),
                tags=tuple(json.loads(article.tags or "[]")),
            )
            for hit in matcher.match(found):
                watch = by_name[hit.watch]
                if article.change_seq <= marks[watch.name]:
                    continue
                last = ledger.last_alerted(watch.name, article.id)
                if last is None:
                    alert = _alert(article, hit, "new", None)
                elif watch.on_change and article.revision > last:
                    diff = _edit(store, matcher, article, watch.name)
                    if diff is None:
                        continue
                    alert = _alert(article, hit, "updated", diff)
                else:
                    continue
                alerts += ledger.raise_alert(alert, watch.notify, now)
        ledger.advance(marks, top)
    return MatchResult(articles=articles, alerts=alerts)
