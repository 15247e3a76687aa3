"""Every table of the newsmon database and the one `open_db()` that migrates it.

The schema of every table lives here, the monitor's included, so that whoever opens a database
first (the crawl subprocess, the CLI, a test) applies every migration in one order: the crawler's
set, then the monitor's. Writing to a table is the business of its owner only:

- `crawler.store`: articles, urls, revisions, fetch_state, crawl_runs, meta;
- `monitor.ledger`: watches, alerts, deliveries, digests.

Both migration sets keep the names of release 0.1, so a database written by it is migrated in
place.
"""

from __future__ import annotations

from pathlib import Path

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from crawler.store.changes import content_hash
from crawler.urls import identity_key

crawler_migrations = Migrations("newsmon.crawler")
monitor_migrations = Migrations("newsmon.monitor")


@crawler_migrations()
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


@crawler_migrations()
def m002_revisions_and_fetch_state(db: Database) -> None:
    articles = db.table("articles")
    articles.add_column("checked", str)  # when the page was last fetched, changed or not
    articles.add_column("diff", str)  # unified diff of this version against the one before
    db.execute("UPDATE articles SET checked = last_changed")
    # 0.1 hashed the raw headline and body; hash the reader text, as every later save does.
    for row in db.execute_returning_dicts("SELECT id, title, subtitle, body FROM articles"):
        db.execute(
            "UPDATE articles SET content_hash = ? WHERE id = ?",
            [content_hash(row["title"], row["subtitle"], row["body"]), row["id"]],
        )
    db.table("revisions").create(
        {
            "id": int,
            "article_id": int,
            "number": int,
            "fetched": str,
            "title": str,
            "subtitle": str,
            "body": str,
            "diff": str,
        },
        pk="id",
        not_null={"article_id", "number", "fetched", "title", "body"},
        foreign_keys=[("article_id", "articles", "id")],
    )
    db.table("revisions").create_index(["article_id", "number"], unique=True)
    db.table("fetch_state").create(
        {
            "url": str,
            "article_id": int,
            "etag": str,
            "last_modified": str,
            "status": int,
            "checked": str,
            "next_check": str,
            "checks": int,
            "suspect": str,
        },
        pk="url",
        foreign_keys=[("article_id", "articles", "id")],
    )
    db.table("fetch_state").create_index(["article_id"])
    db.table("meta").create({"key": str, "value": str}, pk="key")
    # Every version a reader could have seen: the current one (articles) and earlier ones.
    db.create_view(
        "versions",
        "SELECT id AS article_id, revision AS number, last_changed AS fetched, title, subtitle, "
        "body, diff FROM articles "
        "UNION ALL SELECT article_id, number, fetched, title, subtitle, body, diff FROM revisions",
    )


@crawler_migrations()
def m003_fts_written_by_the_store(db: Database) -> None:
    # sqlite-utils' insert trigger made FTS5 flush its pending index on every single-row insert
    # (a statement savepoint per statement), and its update trigger re-indexed the whole body
    # whenever any column changed, `checked` included. The store now adds the FTS rows of new
    # articles itself, many per statement; edits of headline or body re-index by trigger.
    db.execute("DROP TRIGGER IF EXISTS articles_ai")
    db.execute("DROP TRIGGER IF EXISTS articles_au")
    db.execute(
        "CREATE TRIGGER articles_au AFTER UPDATE OF title, body ON articles BEGIN "
        "INSERT INTO articles_fts (articles_fts, rowid, title, body) "
        "VALUES ('delete', old.rowid, old.title, old.body); "
        "INSERT INTO articles_fts (rowid, title, body) VALUES (new.rowid, new.title, new.body); "
        "END"
    )


#: crawl_runs counts failures by kind (`<kind>_errors`): cannot connect, an HTTP error status,
#: no answer in time, a redirect loop, a non-HTML answer for an article, a page over the size
#: limit, a feed or sitemap that cannot be parsed. See crawler.problems.
ERROR_KINDS = (
    "connect",
    "http",
    "timeout",
    "redirect_loop",
    "not_html",
    "too_large",
    "unreadable",
)


@crawler_migrations()
def m004_crawl_run_health(db: Database) -> None:
    """What source health needs of each crawl of a site: did it work, how it failed, and how
    many of its new articles came with a date and an author."""
    runs = db.table("crawl_runs")
    runs.add_column("ok", int, not_null_default=1)
    runs.add_column("error", str)  # the first problem of the site in that run, one line
    for kind in ERROR_KINDS:
        runs.add_column(f"{kind}_errors", int, not_null_default=0)
    runs.add_column("new_dated", int)  # NULL before this migration: unknown
    runs.add_column("new_authored", int)
    # Runs of release 0.1: one that read nothing and had errors did not work.
    db.execute("UPDATE crawl_runs SET ok = 0 WHERE errors > 0 AND new + updated + known = 0")
    runs.create_index(["site", "finished"])


@crawler_migrations()
def m005_url_identity(db: Database) -> None:
    # The known-URL check and the alias table share one identity (crawler.urls.identity_key):
    # every URL an article is known by also files the key its http/https, tracking and AMP
    # variants share.
    rows = db.execute(
        "SELECT key, article_id FROM urls UNION ALL SELECT url, id FROM articles"
    ).fetchall()
    for key, article_id in rows:
        if key.startswith(("http://", "https://")):
            db.execute(
                "INSERT OR IGNORE INTO urls (key, article_id) VALUES (?, ?)",
                [identity_key(key), article_id],
            )


@crawler_migrations()
def m006_stories(db: Database) -> None:
    # Story clusters (crawler.store.stories): each article points at the first article of its
    # story. Articles stored before this migration are each a story of their own.
    db.execute("ALTER TABLE articles ADD COLUMN story_id INTEGER REFERENCES articles(id)")
    db.execute("UPDATE articles SET story_id = id")
    db.table("articles").create_index(["story_id"])
    db.table("story_index").create(
        {"article_id": int, "site": str, "body_hash": str, "signature": bytes},
        pk="article_id",
        foreign_keys=[("article_id", "articles", "id")],
    )
    db.table("story_index").create_index(["body_hash"])
    db.execute(
        "CREATE TABLE story_bands (bucket INTEGER NOT NULL, "
        "article_id INTEGER NOT NULL REFERENCES articles(id), PRIMARY KEY (bucket, article_id)) "
        "WITHOUT ROWID"
    )
    # One row per story for sqlite-utils and Datasette: its lead (earliest) article's headline.
    db.create_view(
        "stories",
        "SELECT s.story_id AS story, lead.title AS headline, lead.url AS url, "
        "MIN(s.first_seen) AS first_seen, COUNT(*) AS articles, "
        "json_group_array(DISTINCT s.site) AS sites "
        "FROM articles s JOIN articles lead ON lead.id = s.story_id GROUP BY s.story_id",
    )


@crawler_migrations()
def m007_subtitle_index(db: Database) -> None:
    # Search narrows standfirsts (not in articles_fts) by reading this index, not every row.
    db.table("articles").create_index(["subtitle"])


@crawler_migrations()
def m008_feed_only(db: Database) -> None:
    # 1: stored from its feed or news-sitemap entry (title, summary, date) because the page could
    # not be fetched or was no article; a later full fetch of the page clears it.
    db.table("articles").add_column("feed_only", int, not_null_default=0)


@crawler_migrations()
def m009_run_counts_and_change_index(db: Database) -> None:
    runs = db.table("crawl_runs")
    runs.add_column("feed_only", int, not_null_default=0)  # stored from the entry alone
    runs.add_column("not_modified", int, not_null_default=0)  # feeds and sitemaps answered 304
    runs.add_column("duplicates", int, not_null_default=0)  # same body at another URL
    # a new watch's backfill asks for the last change_seq before a time
    db.table("articles").create_index(["last_changed"])


@crawler_migrations()
def m010_urls_keyed_by_key(db: Database) -> None:
    # The alias table is only ever read by key: one B-tree keyed by it, not a rowid table beside
    # an index of its keys (a second page to read for every known-URL lookup in a big store,
    # and a second insert for every key).
    db.execute(
        "CREATE TABLE urls_by_key (key TEXT PRIMARY KEY, "
        "article_id INTEGER REFERENCES articles(id)) WITHOUT ROWID"
    )
    db.execute(
        "INSERT OR IGNORE INTO urls_by_key (key, article_id) "
        "SELECT key, article_id FROM urls WHERE key IS NOT NULL"
    )
    db.execute("DROP TABLE urls")
    db.execute("ALTER TABLE urls_by_key RENAME TO urls")


@monitor_migrations()
def m001_alerts(db: Database) -> None:
    db.table("watches").create(
        {"name": str, "query": str, "watermark": int, "created": str}, pk="name"
    )
    db.table("alerts").create(
        {
            "id": int,
            "watch": str,
            "article_id": int,
            "revision": int,
            "terms": str,
            "title_marks": str,
            "snippet": str,
            "marks": str,
            "created": str,
        },
        pk="id",
        foreign_keys=[("article_id", "articles", "id")],
    )
    db.table("alerts").create_index(["watch", "article_id", "revision"], unique=True)
    db.table("digests").create(
        {
            "id": int,
            "recipient": str,
            "cadence": str,
            "state": str,
            "message_id": str,
            "created": str,
            "sent": str,
            "location": str,
            "alerts": int,
            "error": str,
        },
        pk="id",
    )
    db.table("deliveries").create(
        {"alert_id": int, "recipient": str, "digest_id": int},
        pk=("alert_id", "recipient"),
        foreign_keys=[("alert_id", "alerts", "id"), ("digest_id", "digests", "id")],
    )
    db.table("deliveries").create_index(["recipient", "digest_id"])


@monitor_migrations()
def m002_alert_kinds(db: Database) -> None:
    alerts = db.table("alerts")
    alerts.add_column("kind", str, not_null_default="new")  # "new" or "updated" (an edit)
    alerts.add_column("diff", str)  # for "updated": the words removed and added


@monitor_migrations()
def m003_delivery_states(db: Database) -> None:
    deliveries = db.table("deliveries")
    # pending (digest_id: the unsent digest carrying it, if any), sent, failed (given up after
    # permanent refusals), dropped (recipient or watch removed, or forgotten)
    deliveries.add_column("state", str, not_null_default="pending")
    deliveries.add_column("error", str)
    db.execute("UPDATE deliveries SET state = 'sent' WHERE digest_id IS NOT NULL")
    deliveries.create_index(["recipient", "state"])
    digests = db.table("digests")
    digests.add_column("message", bytes)  # as rendered: a retry re-sends exactly this
    digests.add_column("attempts", int, not_null_default=0)  # permanent refusals so far


def open_db(path: Path | str) -> Database:
    """Open the newsmon database: WAL, a busy timeout, foreign keys, every migration applied."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = Database(path)
    db.execute("PRAGMA busy_timeout = 10000")
    db.enable_wal()
    # In WAL mode NORMAL loses no committed transaction on a process crash, only on power loss.
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA cache_size = -65536")  # 64 MiB: the URL and story indexes stay warm
    db.execute("PRAGMA foreign_keys = ON")
    crawler_migrations.apply(db)
    monitor_migrations.apply(db)
    return db
