"""ArticleStore: articles, the URLs they are known by, and their earlier revisions.

Every article is one row keyed by its canonical URL. The `urls` table maps every other key an
article is known by (the URL it was fetched from, its feed guid) to that row, so a story met
again at another address is recognised without fetching it. When a re-fetch shows a change a
reader would see (`changes.reader_text`), the version before is kept in `revisions` with a unified
diff, the article's `revision` goes up and its `change_seq` moves past every other article's, so
the monitor, which reads articles past a watermark of `change_seq`, sees it once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database
from sqlite_utils.db import Table

from crawler.article import Article
from crawler.store.changes import content_hash, reader_text, unified_diff, word_count
from crawler.store.fetchstate import Fetch, FetchStates
from crawler.store.runs import CrawlRuns
from crawler.store.schema import open_db
from crawler.store.stories import StoryIndex, StoryKeys
from crawler.urls import identity_key


def url_keys(keys: Iterable[str | None]) -> list[str]:
    """The keys as given and, for URLs, the identity every spelling of that page shares."""
    given = [k for k in keys if k]
    found = [identity_key(k) for k in given if k.startswith(("http://", "https://"))]
    return list(dict.fromkeys([*given, *found]))


#: Full-text rows written in one statement (FTS5 flushes its pending index per statement).
FTS_CHUNK = 100
#: A re-fetch with fewer than this share of the stored words is a suspect extraction.
SUSPECT_SHARE = 1 / 3


def iso(value: datetime | date | None) -> str | None:
    return None if value is None else value.isoformat()


@dataclass(frozen=True)
class StoredArticle:
    """An article row as the monitor reads it (its current version)."""

    id: int
    url: str
    site: str
    title: str
    subtitle: str | None
    body: str
    authors: str
    tags: str
    published: str | None
    revision: int
    change_seq: int


@dataclass(frozen=True)
class Known:
    """What the crawler needs to know of a stored article to decide whether to fetch it again."""

    id: int
    url: str
    revision: int
    first_seen: str
    modified: str | None
    checked: str | None


@dataclass(frozen=True)
class Version:
    """One version of an article as a reader saw it: number 1 is the first fetch."""

    article_id: int
    number: int
    fetched: str
    title: str
    subtitle: str | None
    body: str
    diff: str | None


class ArticleStore:
    """The crawler's tables; the one place that writes SQL for them."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.fetch = FetchStates(db)
        self.runs = CrawlRuns(db)
        self.stories = StoryIndex(db)
        self._fts: list[tuple[int, str, str]] = []  # new articles not yet in articles_fts
        self._batching = False

    @classmethod
    def open(cls, path: Path | str) -> ArticleStore:
        return cls(open_db(path))

    def close(self) -> None:
        self.db.close()

    def _transaction(self) -> AbstractContextManager[object]:
        """A transaction of its own, or none inside a batch: a savepoint per save would make
        FTS5 flush its pending index each time (one tiny segment per article)."""
        return nullcontext() if self.db.conn.in_transaction else self.db.atomic()

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Group many saves in one transaction; their full-text rows go in many at a time."""
        with self.db.atomic():
            self._batching = True
            self.stories.hold()
            try:
                yield
                self._index()
                self.stories.flush()
            finally:
                self._batching = False
                self._fts.clear()  # rolled back with the batch if it failed
                self.stories.discard()

    def _index(self) -> None:
        """Add the full-text rows of new articles (the store writes them, not a trigger)."""
        while self._fts:
            chunk, self._fts = self._fts[:FTS_CHUNK], self._fts[FTS_CHUNK:]
            self.db.conn.execute(
                "INSERT INTO articles_fts (rowid, title, body) VALUES "
                + ", ".join("(?, ?, ?)" for _ in chunk),
                [value for row in chunk for value in row],
            )

    @property
    def articles(self) -> Table:
        return self.db.table("articles")

    def lookup(self, keys: Iterable[str | None]) -> Known | None:
        """The stored article any of these URLs or guids names, if any."""
        wanted = url_keys(keys)
        if not wanted:
            return None
        marks = ", ".join("?" for _ in wanted)
        rows = self.db.execute_returning_dicts(
            "SELECT a.id, a.url, a.revision, a.first_seen, a.modified, a.checked "
            f"FROM urls u JOIN articles a ON a.id = u.article_id WHERE u.key IN ({marks}) LIMIT 1",
            wanted,
        )
        return Known(**rows[0]) if rows else None

    def known(self, keys: Iterable[str | None]) -> bool:
        """Whether any of these URLs or guids already names a stored article."""
        return self.lookup(keys) is not None

    def save(
        self,
        article: Article,
        *,
        site: str,
        aliases: Iterable[str | None],
        now: datetime,
        fetch: Fetch | None = None,
        feed_only: bool = False,
        story_keys: StoryKeys | None = None,
    ) -> str:
        """Store a fetched article; returns "new", "updated", "unchanged", "duplicate" or
        "suspect".

        `feed_only`: the article is what a feed or news sitemap said of a page that could not
        be fetched; it is stored (marked so) only if the story is not stored yet, and a later
        full article replaces it as its next revision.

        The canonical URL decides identity; a known alias (fetched URL, feed guid) whose article
        has another canonical URL is the same story too. "duplicate": another canonical URL of
        the same site with the very body of a stored article (its URLs become that article's
        aliases; nothing else changes). A new article joins a story (`stories`). "suspect":
        the page came back with under a third of the stored words; it is kept out of revisions
        until a second fetch confirms it. `fetch` (validators, next check) is written in the
        same transaction.
        """
        alias_list = [a for a in aliases if a]
        keys = url_keys([article.url, *alias_list])
        digest = content_hash(article.title, article.subtitle, article.body)
        with self._transaction():
            existing = self._find(keys)
            first_seen = now
            duplicate = (
                None if existing else self.stories.duplicate_of(site, article.body, story_keys)
            )
            if duplicate is not None:
                article_id, outcome = duplicate, "duplicate"
                self.db.execute(
                    "UPDATE articles SET checked = ? WHERE id = ?", [now.isoformat(), article_id]
                )
            elif existing is None:
                made = self.stories.keys_for(article.body, story_keys)
                placed = self.stories.nearest(made)
                story = placed.story_id if placed else None
                article_id = self._insert(article, site, alias_list, digest, now, feed_only, story)
                self.stories.file(article_id, site, made, story or article_id)
                outcome = "new"
            elif feed_only:
                return "unchanged"  # never over a stored story, full or feed-only
            else:
                first_seen = datetime.fromisoformat(existing["first_seen"])
                article_id = int(existing["id"])
                outcome = self._refresh(existing, article, site, alias_list, digest, now, fetch)
                if outcome == "updated":
                    self.stories.refile(article_id, site, article.body)
            self.db.conn.execute(
                "INSERT OR IGNORE INTO urls (key, article_id) VALUES "
                + ", ".join("(?, ?)" for _ in keys),
                [v for key in keys for v in (key, article_id)],
            )
            if outcome == "new":
                self._fts.append((article_id, article.title, article.body))
                if not self._batching or len(self._fts) >= FTS_CHUNK:
                    self._index()
            if fetch is not None:
                suspect = None
                if outcome == "suspect":  # keep the old validators: the next fetch must be full
                    suspect = digest
                    fetch = replace(fetch, etag=None, last_modified=None)
                self.fetch.record(
                    fetch, article_id=article_id, first_seen=first_seen, now=now, suspect=suspect
                )
        return outcome

    def _record(self, article: Article, site: str, digest: str, now: datetime) -> dict[str, Any]:
        return {
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
            "last_changed": now.isoformat(),
            "checked": now.isoformat(),
        }

    def _insert(
        self,
        article: Article,
        site: str,
        aliases: list[str],
        digest: str,
        now: datetime,
        feed_only: bool = False,
        story_id: int | None = None,
    ) -> int:
        """Insert a new article; `story_id` None: it starts a story of its own. Its id is the
        next one, chosen here so that the row is written once, story included."""
        next_id, next_seq = self.db.conn.execute(
            "SELECT COALESCE(MAX(id), 0) + 1, "
            "(SELECT COALESCE(MAX(change_seq), 0) + 1 FROM articles) FROM articles"
        ).fetchone()
        record = self._record(article, site, digest, now) | {
            "id": next_id,
            "feed_only": int(feed_only),
            "url": article.url,
            "fetched_url": aliases[0] if aliases else article.url,
            "first_seen": now.isoformat(),
            "revision": 1,
            "change_seq": next_seq,
            "diff": None,
            "story_id": next_id if story_id is None else story_id,
        }
        columns = ", ".join(record)
        marks = ", ".join("?" for _ in record)
        cursor = self.db.conn.execute(
            f"INSERT INTO articles ({columns}) VALUES ({marks})", list(record.values())
        )
        assert isinstance(cursor.lastrowid, int)
        return cursor.lastrowid

    def _refresh(
        self,
        existing: dict[str, Any],
        article: Article,
        site: str,
        aliases: list[str],
        digest: str,
        now: datetime,
        fetch: Fetch | None,
    ) -> str:
        article_id = int(existing["id"])
        if existing["content_hash"] == digest:
            self.db.execute(
                "UPDATE articles SET checked = ? WHERE id = ?", [now.isoformat(), article_id]
            )
            return "unchanged"
        existing = self.db.execute_returning_dicts(
            "SELECT * FROM articles WHERE id = ?", [article_id]
        )[0]
        shrunk = word_count(article.body) < SUSPECT_SHARE * word_count(existing["body"])
        if shrunk and (fetch is None or self.fetch.suspect(fetch.url) != digest):
            return "suspect"
        old = reader_text(existing["title"], existing["subtitle"], existing["body"])
        new = reader_text(article.title, article.subtitle, article.body)
        number = int(existing["revision"])
        self.db.table("revisions").insert(
            {
                "article_id": article_id,
                "number": number,
                "fetched": existing["last_changed"],
                "title": existing["title"],
                "subtitle": existing["subtitle"],
                "body": existing["body"],
                "diff": existing["diff"],
            }
        )
        record = self._record(article, site, digest, now) | {
            "feed_only": 0,  # a fetched page replaces a feed-only entry
            "revision": number + 1,
            "change_seq": self._next_seq(),
            "diff": unified_diff(
                old, new, old_name=f"revision {number}", new_name=f"revision {number + 1}"
            ),
        }
        if self._fts:  # its full-text row may be among them: the trigger replaces it
            self._index()
        self.articles.update(article_id, record)
        return "updated"

    def _find(self, keys: list[str]) -> dict[str, Any] | None:
        """The stored article any key names: what the unchanged case needs, no text."""
        marks = ", ".join("?" for _ in keys)
        row = self.db.conn.execute(
            "SELECT a.id, a.content_hash, a.first_seen FROM urls u "
            f"JOIN articles a ON a.id = u.article_id WHERE u.key IN ({marks}) LIMIT 1",
            keys,
        ).fetchone()
        return None if row is None else {"id": row[0], "content_hash": row[1], "first_seen": row[2]}

    def _next_seq(self) -> int:
        row = self.db.conn.execute(
            "SELECT COALESCE(MAX(change_seq), 0) + 1 FROM articles"
        ).fetchone()
        return int(row[0])

    def changed_since(self, seq: int, *, upto: int | None = None) -> Iterator[StoredArticle]:
        """Articles inserted or changed after the watermark `seq` (to `upto`), oldest first."""
        for row in self.db.execute_returning_dicts(
            "SELECT id, url, site, title, subtitle, body, authors, tags, published, revision, "
            "change_seq FROM articles WHERE change_seq > ? AND change_seq <= ? ORDER BY change_seq",
            [seq, upto if upto is not None else self.max_seq()],
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

    def version(self, article_id: int, number: int) -> Version | None:
        """One version of an article: the current one or an earlier revision."""
        rows = self.db.execute_returning_dicts(
            "SELECT * FROM versions WHERE article_id = ? AND number = ?", [article_id, number]
        )
        return Version(**rows[0]) if rows else None

    def checked(self, article_id: int, fetch: Fetch, *, now: datetime) -> None:
        """A re-check that found nothing new (304, or a page that is no article now)."""
        with self.db.atomic():
            row = self.db.execute(
                "SELECT first_seen FROM articles WHERE id = ?", [article_id]
            ).fetchone()
            if row is None:
                return
            self.db.execute(
                "UPDATE articles SET checked = ? WHERE id = ?", [now.isoformat(), article_id]
            )
            first_seen = datetime.fromisoformat(row[0])
            self.fetch.record(fetch, article_id=article_id, first_seen=first_seen, now=now)

    def history(self, key: str) -> tuple[dict[str, Any], list[Version]] | None:
        """The article a URL or alias names and all its versions, newest first."""
        found = self.lookup([key])
        if found is None:
            return None
        article = self.db.execute_returning_dicts(
            "SELECT id, url, site, first_seen, checked, revision FROM articles WHERE id = ?",
            [found.id],
        )[0]
        versions = [
            Version(**row)
            for row in self.db.execute_returning_dicts(
                "SELECT * FROM versions WHERE article_id = ? ORDER BY number DESC", [found.id]
            )
        ]
        return article, versions

    def shown(self, pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], dict[str, Any]]:
        """For digests: each (article, revision)'s headline then, with the article's URL,
        site, authors, publication time and story."""
        out: dict[tuple[int, int], dict[str, Any]] = {}
        for article_id, number in dict.fromkeys(pairs):
            rows = self.db.execute_returning_dicts(
                "SELECT v.title, a.url, a.site, a.authors, a.published, a.story_id, a.feed_only "
                "FROM versions v "
                "JOIN articles a ON a.id = v.article_id WHERE v.article_id = ? AND v.number = ?",
                [article_id, number],
            )
            if rows:
                out[(article_id, number)] = rows[0]
        return out

    def prune(self, before: datetime) -> tuple[int, int]:
        """Drop the bodies and earlier revisions of articles first seen before `before`; their
        headline, URL and alerts stay. Returns (articles emptied, revisions dropped)."""
        cutoff = [before.isoformat()]
        with self.db.atomic():
            dropped = self.db.execute(
                "DELETE FROM revisions WHERE article_id IN "
                "(SELECT id FROM articles WHERE first_seen < ?)",
                cutoff,
            ).rowcount
            emptied = self.db.execute(
                "UPDATE articles SET body = '', diff = NULL "
                "WHERE first_seen < ? AND (body != '' OR diff IS NOT NULL)",
                cutoff,
            ).rowcount
        return emptied, dropped

    def vacuum(self) -> None:
        """Give the space of deleted rows back to the file system."""
        self.db.execute("VACUUM")

    def backup(self, target: Path) -> None:
        """A consistent, compacted copy of the whole database at `target` (replaced if there),
        made while crawls and runs go on: `VACUUM INTO` reads one snapshot, and the copy is
        written beside the target and renamed over it only once complete."""
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.partial")
        partial.unlink(missing_ok=True)
        self.db.execute("VACUUM INTO ?", [str(partial)])
        partial.replace(target)
