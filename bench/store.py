"""Store benchmark: ingest through ArticleStore against a bare sqlite-utils insert_all, one run.

    python bench/store.py               # 100,000 generated articles (3-8 KB bodies)
    python bench/store.py --n 20000     # fewer, for a quick look

Both sides write into a database made by the same `open_db()` (same tables, indexes and
triggers). The anchor is `insert_all` of the very rows the store writes (articles, their
full-text rows, their urls, and their story index and LSH band rows), in one transaction,
computed beforehand. A second anchor line inserts the article and url rows into the schema of
release 0.1, where sqlite-utils' FTS triggers indexed each row (it has no story tables). newsmon
goes through its public API: `ArticleStore.save()` per article (dedupe by URL and alias,
content hash, revision check, story placement, FTS) inside `ArticleStore.batch()`, the bulk
path, 1,000 articles a batch (the crawl's pipeline saves each article in a transaction of its
own, so a killed crawl loses at most the page in hand).

The three take turns, 1,000 articles each (the anchors' transactions stay open from their first
turn to their commit, which is timed), so that the load of a shared machine falls on all of them
alike; the ratio is of wall-clock rates, and the CPU time of each side is printed beside it.

Then it times the known-URL lookup and the revision check (an unchanged re-save) in a store of
1,000 articles and in the full one, taking turns between the two (medians of 500 lookups and
200 checks each, both stores fresh from a checkpoint), and re-fetches 10,000 stored articles of
which 10% changed. The time spent in the story index (LSH lookups, same-site duplicates, band
rows) is clocked and shown on its own line; the story keys (MinHash signature, body hash) are
made where the crawl extracts, in its worker processes, so like the anchor's rows they are made
before the clock starts and timed apart.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from array import array
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlite_utils import Database  # noqa: E402

from crawler.article import Article  # noqa: E402
from crawler.store import ArticleStore, content_hash, open_db  # noqa: E402
from crawler.store.schema import m001_articles  # noqa: E402
from crawler.store.stories import story_keys  # noqa: E402
from crawler.urls import identity_key  # noqa: E402

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
SYLLABLES = [s + v for s in "kmrtnslvbdgz" for v in "aeiou"]


def vocabulary(rng: random.Random, size: int = 6000) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 4))))
    return sorted(words)


def make_articles(n: int, seed: int = 7) -> list[Article]:
    rng = random.Random(seed)
    vocab = vocabulary(rng)
    out = []
    for i in range(n):
        target = rng.randint(3000, 8000)
        paragraphs, size = [], 0
        while size < target:
            para = " ".join(rng.choices(vocab, k=rng.randint(30, 90))).capitalize() + "."
            paragraphs.append(para)
            size += len(para) + 1
        title = " ".join(rng.choices(vocab, k=rng.randint(6, 12))).capitalize()
        out.append(
            Article(
                url=f"https://site{i % 50}.example/{2026 - i % 3}/story-{i}/",
                title=title,
                body="\n".join(paragraphs),
                authors=(f"Author {i % 97}",),
                published=NOW - timedelta(minutes=i),
                language="en",
                tags=("tech",),
            )
        )
    return out


def bare_rows(articles: list[Article]) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """The rows ArticleStore writes for these articles, ready for insert_all (the url rows:
    the URL, its identity key and the guid; the story index rows are made in the bench)."""
    rows, urls = [], []
    for seq, a in enumerate(articles, 1):
        rows.append(
            {
                "id": seq,
                "url": a.url,
                "site": "bench",
                "title": a.title,
                "subtitle": a.subtitle,
                "authors": json.dumps(list(a.authors)),
                "published": a.published.isoformat() if a.published else None,
                "modified": None,
                "language": a.language,
                "section": None,
                "tags": json.dumps(list(a.tags)),
                "image": None,
                "body": a.body,
                "content_hash": content_hash(a.title, a.subtitle, a.body),
                "fetched_url": a.url,
                "first_seen": NOW.isoformat(),
                "last_changed": NOW.isoformat(),
                "checked": NOW.isoformat(),
                "revision": 1,
                "change_seq": seq,
                "diff": None,
            }
        )
        urls.append({"key": a.url, "article_id": seq})
        urls.append({"key": identity_key(a.url), "article_id": seq})
        urls.append({"key": f"guid:{seq}", "article_id": seq})
    return rows, urls


class Clock:
    """Wall and CPU seconds of the calls made through it, added up."""

    def __init__(self) -> None:
        self.wall = 0.0
        self.cpu = 0.0

    def __call__(self, fn: Callable[[], object]) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        self.wall += time.perf_counter() - wall
        self.cpu += time.process_time() - cpu


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def probes(
    stores: tuple[ArticleStore, ArticleStore], samples: tuple[list[Article], list[Article]]
) -> list[tuple[float, float]]:
    """Median µs of a known-URL lookup and of a revision check (an unchanged re-save) in each
    store. The stores take turns, a few calls each, so that a change in the machine's load
    during the measurement falls on both alike."""
    lookups: list[list[float]] = [[], []]
    checks: list[list[float]] = [[], []]
    for turn in range(20):
        for side, store in enumerate(stores):
            for a in samples[side][turn * 25 : (turn + 1) * 25]:
                start = time.perf_counter()
                store.lookup([a.url])
                lookups[side].append(time.perf_counter() - start)
            for a in samples[side][turn * 10 : (turn + 1) * 10]:
                start = time.perf_counter()
                store.save(a, site="bench", aliases=[], now=NOW)
                checks[side].append(time.perf_counter() - start)
    return [
        (statistics.median(lookups[side]) * 1e6, statistics.median(checks[side]) * 1e6)
        for side in (0, 1)
    ]


def _clocked(method: Callable[..., Any], total: list[float]) -> Callable[..., Any]:
    """`method`, adding the time of each call to total[0]."""

    def call(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return method(*args, **kwargs)
        finally:
            total[0] += time.perf_counter() - start

    return call


#: Articles a round: the store saves them in one `batch()`, the anchors insert their rows.
ROUND = 1000
#: The story index's methods the ingest calls, clocked apart.
STORY_CALLS = ("keys_for", "duplicate_of", "nearest", "file", "flush")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="articles to ingest")
    args = parser.parse_args()
    n = args.n
    print(f"generating {n:,} articles ...", flush=True)
    articles = make_articles(n)
    kb = sum(len(a.body) for a in articles) / n / 1000
    rng = random.Random(1)

    with tempfile.TemporaryDirectory() as tmp:
        bare_db = open_db(Path(tmp) / "bare.db")
        rows, urls = bare_rows(articles)
        # the crawl makes each body's story keys where it extracts (crawler/pool.py), like the
        # anchor's rows they are made before the clock starts, and timed on their own
        keys_start = time.perf_counter()
        keys = [story_keys(a.body) for a in articles]
        keys_s = time.perf_counter() - keys_start

        fts = [{"rowid": r["id"], "title": r["title"], "body": r["body"]} for r in rows]
        index = [
            {
                "article_id": r["id"],
                "site": "bench",
                "body_hash": k.body_hash,
                "signature": None if k.signature is None else array("Q", k.signature).tobytes(),
            }
            for r, k in zip(rows, keys, strict=True)
        ]
        bands = [
            [
                {"bucket": bucket, "article_id": r["id"]}
                for bucket in (k.bands if k.signature is not None else ())
            ]
            for r, k in zip(rows, keys, strict=True)
        ]
        # the schema of release 0.1, where sqlite-utils' triggers kept the FTS index
        old_db = Database(Path(tmp) / "old.db")
        m001_articles(old_db)
        old_rows = [{k: v for k, v in r.items() if k not in ("checked", "diff")} for r in rows]

        def bare(lo: int, hi: int) -> None:
            bare_db.table("articles").insert_all(rows[lo:hi], batch_size=200)
            bare_db.table("articles_fts").insert_all(fts[lo:hi], batch_size=200)
            bare_db.table("urls").insert_all(urls[3 * lo : 3 * hi], batch_size=500)
            bare_db.table("story_index").insert_all(index[lo:hi], batch_size=200)
            bare_db.table("story_bands").insert_all(
                [b for one in bands[lo:hi] for b in one], batch_size=500
            )

        def bare_old(lo: int, hi: int) -> None:
            old_db.table("articles").insert_all(old_rows[lo:hi], batch_size=200)
            old_db.table("urls").insert_all(urls[3 * lo : 3 * hi], batch_size=500)

        store = ArticleStore.open(Path(tmp) / "store.db")

        def ingest(target: ArticleStore, lo: int, hi: int) -> None:
            with target.batch():
                for i in range(lo, hi):
                    target.save(
                        articles[i],
                        site="bench",
                        aliases=[f"guid:{i + 1}"],
                        now=NOW,
                        story_keys=keys[i],
                    )

        # The three take turns, a round of ROUND articles each, so that the load of a shared
        # machine falls on all alike: each anchor's rows go in one transaction open from its
        # first round to its last (its commit is timed), newsmon saves each round in a batch.
        bare_clock, old_clock, store_clock = Clock(), Clock(), Clock()
        clustering = [0.0]  # time inside the story index during the ingest (issue 11's work)
        for name in STORY_CALLS:
            setattr(store.stories, name, _clocked(getattr(store.stories, name), clustering))
        for db, clock in ((bare_db, bare_clock), (old_db, old_clock)):
            clock(partial(db.execute, "BEGIN"))
        for lo in range(0, n, ROUND):
            hi = min(n, lo + ROUND)
            bare_clock(partial(bare, lo, hi))
            old_clock(partial(bare_old, lo, hi))
            store_clock(partial(ingest, store, lo, hi))
        for db, clock in ((bare_db, bare_clock), (old_db, old_clock)):
            clock(partial(db.execute, "COMMIT"))
        for name in STORY_CALLS:
            delattr(store.stories, name)
        bare_db.close()
        old_db.close()

        # the known-URL lookup and the revision check in a store of the first 1,000 articles
        # beside the full one, both fresh from a checkpoint
        first = min(1000, n)
        small = ArticleStore.open(Path(tmp) / "small.db")
        ingest(small, 0, first)
        for one in (small, store):
            one.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        (small_lookup, small_check), (large_lookup, large_check) = probes(
            (small, store), (rng.choices(articles[:first], k=500), rng.sample(articles, 500))
        )
        small.close()

        refetch = rng.sample(articles, min(10_000, n))
        changed = set(rng.sample(range(len(refetch)), len(refetch) // 10))
        before = store.db.table("revisions").count
        outcomes: dict[str, int] = {}

        def recheck() -> None:
            with store.batch():
                for k, a in enumerate(refetch):
                    if k in changed:
                        a = Article(
                            url=a.url, title=a.title, body=a.body + "\nA correction was added."
                        )
                    result = store.save(a, site="bench", aliases=[], now=NOW + timedelta(hours=1))
                    outcomes[result] = outcomes.get(result, 0) + 1

        recheck_s = timed(recheck)
        written = store.db.table("revisions").count - before
        store.close()

    store_rate, bare_rate, old_rate = n / store_clock.wall, n / bare_clock.wall, n / old_clock.wall
    print(f"\n{n:,} articles, {kb:.1f} KB bodies on average, in rounds of {ROUND:,}")
    print(f"{'':34}{'newsmon':>12}{'bare insert_all':>18}{'ratio':>8}")
    ratio = store_rate / bare_rate
    print(f"{'ingest, articles/s':34}{store_rate:12,.0f}{bare_rate:18,.0f}{ratio:8.2f}")
    print(f"{'ingest, ms an article':34}{1000 / store_rate:12.3f}{1000 / bare_rate:18.3f}")
    print(
        f"{'  CPU time, ms an article':34}{store_clock.cpu / n * 1000:12.3f}"
        f"{bare_clock.cpu / n * 1000:18.3f}{bare_clock.cpu / store_clock.cpu:8.2f}"
    )
    print(
        f"{'  of which the story index':34}{clustering[0] / n * 1000:12.3f}"
        "   ms an article (LSH lookups, same-site duplicate check, band rows)"
    )
    print(
        f"{'  story keys, made at extraction':34}{n / keys_s:12,.0f}"
        f"{'':18}{'':8}   ({keys_s / n * 1000:.3f} ms an article, in the crawl's workers)"
    )
    print(
        f"{'  anchor with 0.1 FTS triggers':34}{'':12}{old_rate:18,.0f}{store_rate / old_rate:8.2f}"
    )
    print(f"\n{'':34}{'at ' + format(first, ','):>12}{'at ' + format(n, ','):>18}{'ratio':>8}")
    for label, a, b in (
        ("known-URL lookup, µs (median)", small_lookup, large_lookup),
        ("revision check, µs (median)", small_check, large_check),
    ):
        print(f"{label:34}{a:12.1f}{b:18.1f}{b / a:8.2f}")
    print(
        f"\nre-fetch of {len(refetch):,} stored articles, {len(changed):,} changed: "
        f"{written:,} revisions written, outcomes {dict(sorted(outcomes.items()))}, "
        f"{recheck_s:.2f} s ({len(refetch) / recheck_s:,.0f} articles/s)"
    )
    print(
        "goals: ingest ratio >= 0.8:",
        "met" if ratio >= 0.8 else "not met",
        "| lookup and check within 1.5x:",
        "met" if max(large_lookup / small_lookup, large_check / small_check) <= 1.5 else "not met",
        "| revisions == changed:",
        "met" if written == len(changed) else "NOT met",
    )


if __name__ == "__main__":
    main()
