"""The match step: articles new or changed since each watch's watermark -> alerts, once each.

A watch alerts once per article, on the first revision that matches it. A watch with
`on_change = true` also alerts on a later revision ("updated") when it matches that revision and
either did not match the one before or the headline changed; an edit that changes nothing the
watch looks at raises nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from crawler.store import ArticleStore, StoredArticle, changed_words, reader_text
from crawler.store.published import published_since
from monitor.config import Watch
from monitor.excerpt import excerpt
from monitor.ledger import Ledger, NewAlert
from monitor.matching import Hit, Matcher
from monitor.search import article_of

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
    start: int | None = None  # the same for every new watch: look it up once
    for watch in watches:
        state = known.get(watch.name)
        if state is None or state.query != watch.definition:
            if start is None:
                start = store.seq_before(now - BACKFILL)
            marks[watch.name] = start
            ledger.reset_watch(watch.name, watch.definition, marks[watch.name], now)
        else:
            marks[watch.name] = state.watermark
    return marks


def _alert(article: StoredArticle, hit: Hit, kind: str, diff: str | None) -> NewAlert:
    body_spans = [(s.start, s.end) for s in hit.spans if s.field == "body"]
    cut = excerpt(article.body, body_spans)
    return NewAlert(
        watch=hit.watch,
        article_id=article.id,
        revision=article.revision,
        terms=tuple(hit.terms),
        title_marks=tuple((s.start, s.end) for s in hit.spans if s.field == "title"),
        snippet=cut.text,
        marks=tuple(cut.marks),
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


def match_new(
    store: ArticleStore,
    watches: Sequence[Watch],
    *,
    now: datetime,
    backfill: timedelta | None = None,
) -> MatchResult:
    """Match every article past the lowest watermark; raise each alert once.

    With `backfill`, every watch also looks at the articles published in that span before `now`
    (first stored, where a page gives no date) that its watermark had passed: a new watch gets
    the alerts it would have raised, and no watch gets an alert it already raised."""
    if not watches:
        return MatchResult(articles=0, alerts=0)
    ledger = Ledger(store.db)
    matcher = Matcher((w.name, w.node, w.prominence) for w in watches)
    by_name = {w.name: w for w in watches}
    seen: set[int] = set()
    alerts = 0
    with store.db.atomic():
        marks = _watermarks(store, ledger, watches, now)
        top = store.max_seq()
        for article in store.changed_since(min(marks.values()), upto=top):
            seen.add(article.id)
            for hit in matcher.match(article_of(article)):
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
        if backfill is not None:
            for article in published_since(store.db, now - backfill, upto=top):
                if article.change_seq > max(marks.values()):
                    continue  # every watch saw it above
                seen.add(article.id)
                for hit in matcher.match(article_of(article)):
                    watch = by_name[hit.watch]
                    if article.change_seq > marks[watch.name]:
                        continue  # this watch saw it above
                    if ledger.last_alerted(watch.name, article.id) is None:
                        alert = _alert(article, hit, "new", None)
                        alerts += ledger.raise_alert(alert, watch.notify, now)
        ledger.advance(marks, top)
    return MatchResult(articles=len(seen), alerts=alerts)
