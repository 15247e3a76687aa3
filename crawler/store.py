"""ArticleStore: the crawler's tables in the one SQLite file (articles, their URLs, crawl runs).

Every article is one row keyed by its canonical URL. The `urls` table maps every other key an
article is known by (the URL it was fetched from, its feed guid) to that row, so a story met
again at another address, or at the same feed entry served from another host, is recognised
without fetching it. `change_seq` grows by one for every insert or change of an article; the
monitor reads articles past a watermark of it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database
from sqlite_utils.db import Table
from sqlite_utils.migrations import Migrations

from crawler.article import Article

migrations = Migrations("newsmon.crawler")


@migrations()
def m001_articles(db: Database) -> None:
    db.table("articles").create(
        {
            "id": int,
            "url": str,
            "site": str,
            "title": str,
            "subtitle": str,
            "authors": str,
            "published": str,
            "modified": str,
            "language": str,
            "section": str,
            "tags": str,
            "image": str,
            "body": str,
            "content_hash": str,
            "fetched_url": str,
            "first_seen": str,
            "last_changed": str,
            "revision": int,
            "change_seq": int,
        },
        pk="id",
        not_null={"url", "site", "title", "body", "first_seen", "revision", "change_seq"},
    )
    db.table("articles").create_index(["url"], unique=True)
    db.table("articles").create_index(["change_seq"])
    db.table("urls").create(
        {"key": str, "article_id": int},
        pk="key",
        foreign_keys=[("article_id", "articles", "id")],
    )
    db.table("crawl_runs").create(
        {
            "id": int,
            "run": str,
            "site": str,
            "started": str,
            "finished": str,
            "requests": int,
            "new": int,
            "updated": int,
            "known": int,
            "errors": int,
            "duration": float,
        },
        pk="id",
    )
    db.table("crawl_runs").create_index(["run"])
    db.table("articles").enable_fts(["title", "body"], create_triggers=True)


def open_db(path: Path | str) -> Database:
    """Open the newsmon database: WAL, a busy timeout, foreign keys, migrations applied."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = Database(path)
    db.execute("PRAGMA busy_timeout = 10000")
    db.enable_wal()
    db.execute("PRAGMA foreign_keys = ON")
    migrations.apply(db)
    return db


def content_hash(article: Article) -> str:
    """A hash of what a reader sees: the headline and the body."""
    return hashlib.sha256(f"{article.title}\n\n{article.body}".encode()).hexdigest()


def iso(value: datetime | date | None) -> str | None:
    return None if value is None else value.isoformat()


@dataclass(frozen=True)
class StoredArticle:
    """An article row as the monitor reads it."""

    id: int
    url: str
    site: str
    title: str
    body: str
    published: str | None
    revision: int
    change_seq: int


class ArticleStore:
    """The crawler's view of the database."""

    def __init__(self, db: Database) -> None:
        self.db = db

    @classmethod
    def open(cls, path: Path | str) -> ArticleStore:
        return cls(open_db(path))

    def close(self) -> None:
        self.db.close()

    @property
    def articles(self) -> Table:
        return self.db.table("articles")

    def known(self, keys: Iterable[str | None]) -> bool:
        """Whether any of these URLs or guids already names a stored article."""
        wanted = [k for k in keys if k]
        if not wanted:
            return False
        marks = ", ".join("?" for _ in wanted)
        row = self.db.execute(f"SELECT 1 FROM urls WHERE key IN ({marks}) LIMIT 1", wanted)
        return row.fetchone() is not None

    def save(
        self, article: Article, *, site: str, aliases: Iterable[str | None], now: datetime
    ) -> str:
        """Store an article; returns "new", "updated" or "unchanged".

        The canonical URL decides identity; a known alias (fetched URL, feed guid) whose
        article has another canonical URL is the same story too.
        """
        keys = [article.url, *(a for a in aliases if a)]
        digest = content_hash(article)
        with self.db.atomic():
            existing = self._find(keys)
            seq = self._next_seq()
            record: dict[str, Any] = {
                "url": article.url,
                "site": site,
                "title": article.title,
                "subtitle": article.subtitle,
                "authors": json.dumps(list(article.authors), ensure_ascii=False),
                "published": iso(article.published),
                "modified": iso(article.modified),
                "language": article.language,
                "section": article.section,
                "tags": json.dumps(list(article.tags), ensure_ascii=False),
                "image": article.image,
                "body": article.body,
                "content_hash": digest,
                "fetched_url": next((a for a in aliases if a), article.url),
                "last_changed": now.isoformat(),
            }
            if existing is None:
                record |= {"first_seen": now.isoformat(), "revision": 1, "change_seq": seq}
                article_id = self.articles.insert(record).last_pk
                outcome = "new"
            elif existing["content_hash"] == digest:
                article_id = existing["id"]
                outcome = "unchanged"
            else:
                article_id = existing["id"]
                record["url"] = existing["url"]
                record |= {"revision": existing["revision"] + 1, "change_seq": seq}
                self.articles.update(article_id, record)
                outcome = "updated"
            for key in keys:
                self.db.execute(
                    "INSERT OR IGNORE INTO urls (key, article_id) VALUES (?, ?)", [key, article_id]
                )
        return outcome

    def _find(self, keys: list[str]) -> dict[str, Any] | None:
        marks = ", ".join("?" for _ in keys)
        rows = self.db.execute_returning_dicts(
            "SELECT a.* FROM articles a JOIN urls u ON u.article_id = a.id "
            f"WHERE u.key IN ({marks}) LIMIT 1",
            keys,
        )
        if rows:
            return rows[0]
        rows = self.db.execute_returning_dicts("SELECT * FROM articles WHERE url = ?", [keys[0]])
        return rows[0] if rows else None

    def _next_seq(self) -> int:
        row = self.db.execute("SELECT COALESCE(MAX(change_seq), 0) + 1 FROM articles").fetchone()
        return int(row[0])

    def changed_since(self, seq: int) -> Iterator[StoredArticle]:
        """Articles inserted or changed after the watermark `seq`, oldest change first."""
        for row in self.db.execute_returning_dicts(
            "SELECT id, url, site, title, body, published, revision, change_seq FROM articles "
            "WHERE change_seq > ? ORDER BY change_seq",
            [seq],
        ):
            yield StoredArticle(**row)

    def max_seq(self) -> int:
        return self._next_seq() - 1

    def seq_before(self, when: datetime) -> int:
        """The highest change_seq of articles last changed before `when`."""
        row = self.db.execute(
            "SELECT COALESCE(MAX(change_seq), 0) FROM articles WHERE last_changed < ?",
            [when.isoformat()],
        ).fetchone()
        return int(row[0])

    def record_run(self, row: dict[str, Any]) -> None:
        self.db.table("crawl_runs").insert(row)

    def runs(self, run: str) -> list[dict[str, Any]]:
        return self.db.execute_returning_dicts(
            "SELECT * FROM crawl_runs WHERE run = ? ORDER BY id", [run]
        )
