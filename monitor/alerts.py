"""The match step: articles new or changed since each watch's watermark -> alerts, once each."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from crawler.store import ArticleStore
from monitor.config import Watch
from monitor.matching import Article, Matcher, snippet

#: How far back a watch seen for the first time (or whose query changed) looks.
BACKFILL = timedelta(days=1)


@dataclass(frozen=True)
class MatchResult:
    """What one match step did."""

    articles: int
    alerts: int


def _watermarks(store: ArticleStore, watches: Sequence[Watch], now: datetime) -> dict[str, int]:
    """Each watch's watermark; a new watch, or one whose query changed, starts at the backfill."""
    db = store.db
    rows = {r["name"]: r for r in db.execute_returning_dicts("SELECT * FROM watches")}
    marks: dict[str, int] = {}
    for watch in watches:
        row = rows.get(watch.name)
        if row is None or row["query"] != watch.query:
            marks[watch.name] = store.seq_before(now - BACKFILL)
            db.table("watches").upsert(
                {
                    "name": watch.name,
                    "query": watch.query,
                    "watermark": marks[watch.name],
                    "created": now.isoformat(),
                },
                pk="name",
            )
        else:
            marks[watch.name] = int(row["watermark"])
    return marks


def match_new(store: ArticleStore, watches: Sequence[Watch], *, now: datetime) -> MatchResult:
    """Match every article past the lowest watermark; raise each (watch, revision) alert once."""
    if not watches:
        return MatchResult(articles=0, alerts=0)
    db = store.db
    matcher = Matcher((w.name, w.node, w.prominence) for w in watches)
    recipients = {w.name: w.notify for w in watches}
    articles = alerts = 0
    with db.atomic():
        marks = _watermarks(store, watches, now)
        top = store.max_seq()
        for article in store.changed_since(min(marks.values())):
            if article.change_seq > top:
                break
            articles += 1
            found = Article(title=article.title, body=article.body, site=article.site)
            for hit in matcher.match(found):
                if article.change_seq <= marks[hit.watch]:
                    continue
                body_spans = [(s.start, s.end) for s in hit.spans if s.field == "body"]
                excerpt = snippet(article.body, body_spans)
                cursor = db.execute(
                    "INSERT OR IGNORE INTO alerts (watch, article_id, revision, terms, "
                    "title_marks, snippet, marks, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        hit.watch,
                        article.id,
                        article.revision,
                        json.dumps(list(hit.terms), ensure_ascii=False),
                        json.dumps([[s.start, s.end] for s in hit.spans if s.field == "title"]),
                        excerpt.text,
                        json.dumps([list(m) for m in excerpt.marks]),
                        now.isoformat(),
                    ],
                )
                if cursor.rowcount != 1:
                    continue
                alerts += 1
                for recipient in recipients[hit.watch]:
                    db.execute(
                        "INSERT OR IGNORE INTO deliveries (alert_id, recipient) VALUES (?, ?)",
                        [cursor.lastrowid, recipient],
                    )
        for name in marks:
            db.execute("UPDATE watches SET watermark = ? WHERE name = ?", [top, name])
    return MatchResult(articles=articles, alerts=alerts)
