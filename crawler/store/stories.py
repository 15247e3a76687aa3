"""Story clusters: articles on any site that carry the same story share a `story_id`.

A body is reduced to its set of 3-word shingles and that set to a MinHash signature (`PERMS`
values, one-permutation hashing in pure Python, stable across processes). Locality-sensitive
hashing cuts the signature into `BANDS` bands of `ROWS` values; each band is one bucket key in
`story_bands`, indexed, so a new article finds the stored ones that share a bucket with a few
index lookups, whatever the size of the store. A candidate joins the story when the signatures
agree on at least `THRESHOLD` of their values (the estimated Jaccard similarity of the shingle
sets). The story of an article is the id of the first article of the story, so the earliest
article leads it.

The same table keeps a hash of each body, so an identical body (at least `DUPLICATE_WORDS`
words) under another canonical URL of the same site is recognised as the same article.

`bench/clusters.py` measures precision and recall of these settings on labelled pairs.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain, repeat
from operator import itemgetter

from sqlite_utils import Database

SHINGLE = 3  # words per shingle
PERMS = 128  # MinHash values per signature
BANDS = 42  # LSH bands ...
ROWS = 3  # ... of this many values each (BANDS * ROWS <= PERMS)
THRESHOLD = 0.3  # estimated Jaccard at or above which two bodies carry the same story
MIN_WORDS = 40  # shorter bodies get a story of their own
DUPLICATE_WORDS = 50  # an identical body this long on the same site is the same article
MAX_CANDIDATES = 50  # candidates compared per insert, most shared buckets first
BAND_CHUNK = 500  # held band rows written in one statement

_BIN_BITS = PERMS.bit_length() - 1  # PERMS is a power of two: the top bits pick the bin
_VALUE_BITS = 64 - _BIN_BITS
_VALUE_MASK = (1 << _VALUE_BITS) - 1
_WORD = re.compile(r"\w+")
Link = tuple[str, str]  # (site, url)


@functools.lru_cache(maxsize=4)  # one save reads the same body for its hash and its signature
def words(text: str) -> tuple[str, ...]:
    """Lowercased \\w+ words after NFKC, the unit of every comparison here."""
    return tuple(_WORD.findall(unicodedata.normalize("NFKC", text).casefold()))


def shingles(tokens: Sequence[str]) -> set[int]:
    """The 64-bit hashes of the text's `SHINGLE`-word shingles."""
    grams = (" ".join(tokens[i : i + SHINGLE]) for i in range(max(1, len(tokens) - SHINGLE + 1)))
    return {int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest()) for g in grams if g}


def signature(text: str) -> tuple[int, ...] | None:
    """The MinHash signature of a body, None when it has under `MIN_WORDS` words.

    One-permutation MinHash: one hash per shingle, its top bits pick one of `PERMS` bins, each
    bin keeps its least value; an empty bin borrows the value of the next filled bin to its
    right, marked with the distance (rotation densification, Shrivastava and Li 2014). One pass
    over the shingles instead of `PERMS`, with the same estimate of the Jaccard similarity.
    """
    tokens = words(text)
    if len(tokens) < MIN_WORDS:
        return None
    bins: list[int | None] = [None] * PERMS
    for hashed in shingles(tokens):
        slot, least = hashed >> _VALUE_BITS, hashed & _VALUE_MASK
        current = bins[slot]
        if current is None or least < current:
            bins[slot] = least
    filled = [i for i, v in enumerate(bins) if v is not None]
    out: list[int] = []
    for i, value in enumerate(bins):
        if value is not None:
            out.append(value)
            continue
        donor = next((j for j in filled if j > i), filled[0])
        donated = bins[donor]
        assert donated is not None
        out.append((((donor - i) % PERMS) << _VALUE_BITS) | donated)
    return tuple(out)


def similarity(one: Sequence[int], other: Sequence[int]) -> float:
    """The estimated Jaccard similarity of two signatures: the share of equal values."""
    return sum(1 for x, y in zip(one, other, strict=True) if x == y) / len(one)


def buckets(sig: Sequence[int]) -> list[int]:
    """One signed 64-bit bucket key per band (band number included, so bands never collide)."""
    keys = []
    for band in range(BANDS):
        values = sig[band * ROWS : (band + 1) * ROWS]
        data = band.to_bytes(2) + b"".join(v.to_bytes(8) for v in values)
        key = int.from_bytes(hashlib.blake2b(data, digest_size=8).digest())
        keys.append(key - (1 << 64) if key >= 1 << 63 else key)
    return keys


def body_hash(text: str) -> str | None:
    """The hash of a body's words, None when it has under `DUPLICATE_WORDS` words."""
    tokens = words(text)
    if len(tokens) < DUPLICATE_WORDS:
        return None
    return hashlib.blake2b(" ".join(tokens).encode(), digest_size=16).hexdigest()


@dataclass(frozen=True)
class StoryKeys:
    """What the story index needs of a body: its signature and its duplicate hash. A pure
    function of the text, so the crawl computes it where it extracts, off the single writer."""

    signature: tuple[int, ...] | None
    body_hash: str | None
    bands: tuple[int, ...] = ()  # the signature's LSH bucket keys


def story_keys(body: str) -> StoryKeys:
    sig = signature(body)
    return StoryKeys(sig, body_hash(body), tuple(buckets(sig)) if sig is not None else ())


def _pack(sig: Sequence[int]) -> bytes:
    return array("Q", sig).tobytes()


def _unpack(blob: bytes) -> tuple[int, ...]:
    values = array("Q")
    values.frombytes(blob)
    return tuple(values)


@dataclass(frozen=True)
class Placed:
    """Where an inserted article went: its story and the article it was most like, if any."""

    story_id: int
    like: int | None
    score: float


class StoryIndex:
    """The story tables (`story_index`, `story_bands`) and `articles.story_id`; one owner.

    Inside `ArticleStore.batch()` the band rows of new articles are held in memory and written
    when the batch ends, sorted by bucket, many to a statement (random inserts into the big
    band index were the larger part of its cost); articles of the same batch find each other
    through the held rows, so a story is placed the same way whether or not it was batched.
    """

    def __init__(self, db: Database) -> None:
        self.db = db
        self._holding = False
        self._held: dict[int, int] = {}  # bucket -> the first article whose band row waits
        self._held_more: dict[int, list[int]] = {}  # bucket -> later ones (rare)
        self._held_rows: list[tuple[int, int]] = []  # (bucket, article), as written
        self._held_articles: dict[int, tuple[tuple[int, ...], int]] = {}  # -> (signature, story)

    def hold(self) -> None:
        """Keep band rows in memory until `flush()` (the caller's transaction is open)."""
        self._holding = True

    def flush(self) -> None:
        """Write the held band rows, in bucket order, and stop holding."""
        rows = sorted(self._held_rows, key=itemgetter(0))  # by bucket: the index in order
        for start in range(0, len(rows), BAND_CHUNK):
            chunk = rows[start : start + BAND_CHUNK]
            self.db.conn.execute(
                "INSERT INTO story_bands (bucket, article_id) VALUES "
                + ", ".join("(?, ?)" for _ in chunk),
                list(chain.from_iterable(chunk)),
            )
        self.discard()

    def discard(self) -> None:
        """Forget held band rows (their transaction was rolled back) and stop holding."""
        self._holding = False
        self._held.clear()
        self._held_more.clear()
        self._held_rows.clear()
        self._held_articles.clear()

    def duplicate_of(self, site: str, body: str, keys: StoryKeys | None = None) -> int | None:
        """The stored article of `site` with this very body (at least `DUPLICATE_WORDS` words)."""
        digest = keys.body_hash if keys else body_hash(body)
        if digest is None:
            return None
        row = self.db.conn.execute(
            "SELECT article_id FROM story_index WHERE body_hash = ? AND site = ? LIMIT 1",
            [digest, site],
        ).fetchone()
        return None if row is None else int(row[0])

    def keys_for(self, body: str, keys: StoryKeys | None = None) -> StoryKeys:
        """The story keys of a body: `keys` if the crawl made them already, else made here."""
        return keys or story_keys(body)

    def nearest(self, keys: StoryKeys, *, exclude: int | None = None) -> Placed | None:
        """The story a body with these keys joins, None if it starts one of its own: the stored
        article most like it among those sharing a band, if alike enough. Its cost is bounded
        by the band count, whatever the size of the store."""
        sig = keys.signature
        if sig is None:
            return None
        bands = list(keys.bands) or buckets(sig)
        # how many bands each article shares with this body, in the table and among the held
        # rows (an article is in one or the other, never both)
        counts: dict[int, int] = {}
        for (other,) in self.db.conn.execute(
            f"SELECT article_id FROM story_bands WHERE bucket IN ({', '.join('?' * len(bands))})",
            bands,
        ):
            counts[other] = counts.get(other, 0) + 1
        if self._held:
            held, more = self._held, self._held_more
            for bucket in bands:
                first = held.get(bucket)
                if first is not None:
                    for other in (first, *more.get(bucket, ())):
                        counts[other] = counts.get(other, 0) + 1
        if exclude is not None:
            counts.pop(exclude, None)
        if not counts:
            return None
        # the most shared first, the earliest among equals
        ranked = sorted(counts, key=lambda other: (-counts[other], other))[:MAX_CANDIDATES]
        stored = [other for other in ranked if other not in self._held_articles]
        found: dict[int, tuple[Sequence[int], int]] = {}
        if stored:
            for other, blob, story in self.db.conn.execute(
                "SELECT s.article_id, s.signature, a.story_id FROM story_index s "
                "JOIN articles a ON a.id = s.article_id "
                f"WHERE s.article_id IN ({', '.join('?' * len(stored))})",
                stored,
            ):
                if blob is not None:
                    found[int(other)] = (_unpack(blob), int(story or other))
        best: Placed | None = None
        for other in ranked:
            candidate = self._held_articles.get(other) or found.get(other)
            if candidate is None:
                continue
            score = similarity(sig, candidate[0])
            if score >= THRESHOLD and (best is None or score > best.score):
                best = Placed(candidate[1], other, score)
        return best

    def file(self, article_id: int, site: str, keys: StoryKeys, story_id: int) -> None:
        """Index a new article (already in `articles`, in story `story_id`): its duplicate hash,
        signature and band rows."""
        sig = keys.signature
        if sig is not None:
            bands = list(keys.bands) or buckets(sig)
            if self._holding:
                held = self._held
                if held.keys().isdisjoint(bands):
                    held.update(zip(bands, repeat(article_id)))
                else:  # a bucket another held article has too
                    for bucket in bands:
                        if held.setdefault(bucket, article_id) != article_id:
                            self._held_more.setdefault(bucket, []).append(article_id)
                self._held_rows.extend(zip(bands, repeat(article_id)))
                self._held_articles[article_id] = (sig, story_id)
            else:
                self.db.conn.execute(
                    "INSERT INTO story_bands (bucket, article_id) VALUES "
                    + ", ".join("(?, ?)" for _ in bands),
                    [v for key in bands for v in (key, article_id)],
                )
        self.db.conn.execute(
            "INSERT INTO story_index (article_id, site, body_hash, signature) VALUES (?, ?, ?, ?)",
            [article_id, site, keys.body_hash, None if sig is None else _pack(sig)],
        )

    def place(self, article_id: int, site: str, body: str, keys: StoryKeys | None = None) -> Placed:
        """File an article already inserted without its story and set its story.
        `keys`: its story keys if the crawl made them already (`story_keys(body)`).
        (`ArticleStore.save` finds the story first and inserts the article with it.)"""
        made = self.keys_for(body, keys)
        placed = self.nearest(made, exclude=article_id) or Placed(article_id, None, 0.0)
        self.file(article_id, site, made, placed.story_id)
        self.db.conn.execute(
            "UPDATE articles SET story_id = ? WHERE id = ?", [placed.story_id, article_id]
        )
        return placed

    def refile(self, article_id: int, site: str, body: str) -> None:
        """File an edited article's new text (its story stays): later copies of the new text
        are found, and a duplicate of it is recognised."""
        if self._held:  # its old band rows may be among them
            self.flush()
            self.hold()
        row = self.db.execute(
            "SELECT signature FROM story_index WHERE article_id = ?", [article_id]
        ).fetchone()
        if row is not None and row[0] is not None:
            for key in buckets(_unpack(row[0])):
                self.db.execute(
                    "DELETE FROM story_bands WHERE bucket = ? AND article_id = ?", [key, article_id]
                )
        sig = signature(body)
        if sig is not None:
            keys = buckets(sig)
            self.db.execute(
                "INSERT OR IGNORE INTO story_bands (bucket, article_id) VALUES "
                + ", ".join("(?, ?)" for _ in keys),
                [v for key in keys for v in (key, article_id)],
            )
        self.db.execute(
            "INSERT OR REPLACE INTO story_index (article_id, site, body_hash, signature) "
            "VALUES (?, ?, ?, ?)",
            [article_id, site, body_hash(body), None if sig is None else _pack(sig)],
        )

    def coverage(self, story_ids: Iterable[int], *, limit: int = 10) -> dict[int, list[Link]]:
        """(site, url) of the articles of each story, oldest first, at most `limit` each."""
        out: dict[int, list[Link]] = {}
        for story_id in dict.fromkeys(story_ids):
            rows = self.db.execute(
                "SELECT site, url FROM articles WHERE story_id = ? ORDER BY id LIMIT ?",
                [story_id, limit],
            ).fetchall()
            out[story_id] = [(str(site), str(url)) for site, url in rows]
        return out

    def story_of(self, article_id: int) -> int:
        """The story an article belongs to (its own id if it has none yet)."""
        row = self.db.execute(
            "SELECT COALESCE(story_id, id) FROM articles WHERE id = ?", [article_id]
        ).fetchone()
        return article_id if row is None else int(row[0])

    def members(self, story_id: int) -> list[int]:
        """The articles of a story, oldest first."""
        return [
            int(r[0])
            for r in self.db.execute(
                "SELECT id FROM articles WHERE story_id = ? ORDER BY id", [story_id]
            ).fetchall()
        ]
