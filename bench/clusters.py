"""Story clusters: precision and recall on labelled pairs of real bodies, and insert cost.

    python bench/clusters.py                 # score bench/cluster_pairs.json (about 30 s)
    python bench/clusters.py --build         # re-select the pairs (writes cluster_pairs.json)
    python bench/clusters.py --cost 1000,10000,100000   # clustering cost per insert by store size

The pairs are built from the gold bodies of the shared corpus (fundus, aeb, wcxb-dev articles)
at run time; `cluster_pairs.json` holds only corpus ids, the kind and a seed, never text. Kinds:

- syndicated: the same body under another site's furniture: a credit line before it, a
  copyright line after it, and in every second pair only the first 80% of its paragraphs;
- rewritten: lightly rewritten wire copy, by `rewrite()` with the pair's seed: a new lede
  sentence, each sentence dropped with p=0.2 (at least one kept), 8% of the words replaced by
  another word of the same text, each remaining sentence kept in order, a closing line;
- same_topic: two different corpus articles that share the most content words (Jaccard of the
  sets of words of 5+ letters, greedily the best pairs); pairs whose shingle Jaccard is above
  0.5 (possibly one story at two publishers) are left out of the set;
- unrelated: two different corpus articles drawn at random.

Each pair is scored by saving both articles, on two sites, into a fresh store through
`ArticleStore.save()` and reading whether they got one `story_id`. Goals (issue 11): precision
>= 0.97, recall >= 0.90 on syndicated and rewritten pairs, same_topic merged <= 3%.

`--cost` fills a store with generated articles (250 random words; 12% name Microsoft, 12% Japan)
through the same save path and, at each size, times the clustering step (`StoryIndex.keys_for`,
`.nearest` and `.file`) of 200 more inserts beside two anchors: computing the same 200 fingerprints
alone (work that does not depend on the store: the ratio to it should stay flat whatever the
machine's load) and a comparison of the new signature with every stored signature (the scan LSH
avoids; timed on 2,000 and scaled); and `monitor.search.search()` (what `newsmon search "Microsoft
AND Japan"` runs) beside a bare FTS5 query for
the 20 newest articles holding both words (no matcher, no stories), median of 5, same run.
Goals: clustering flat within 2x from 1k to 100k; search under 200 ms at 100k.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import tempfile
import time
from array import array
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.article import Article  # noqa: E402
from crawler.store import ArticleStore  # noqa: E402
from crawler.store.stories import shingles, signature, similarity, words  # noqa: E402
from monitor.query import parse  # noqa: E402
from monitor.search import search  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
PAIRS = Path(__file__).resolve().parent / "cluster_pairs.json"
NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MIN_WORDS = 150
#: What a save does to cluster an insert (its keys, its nearest story, its index rows).
CLUSTERING = ("keys_for", "nearest", "file")
# Pairs the content-word selection found that are, read by eye, independent reports of one
# event (not "same topic, different story"): scored apart as same_event, in no goal.
SAME_EVENT = frozenset(
    {
        (
            "aeb:9cb8224b660f36c932823ab613fb76a07928fcbc41956c4c1f96f4ecab9202aa",
            "aeb:ac1bfdd4c510f679c58f1b62101630d40fda20a16703235ae0f56b65a465e423",
        ),
        (
            "aeb:6ebac05f637ece8aa57c298a2a5e3a8047f546f855d0f29cc683cea60ce85c85",
            "aeb:7a457a4f71735c17b8b34fafc88835d225cf879b2d812311857a64cfc891eee9",
        ),
        (
            "aeb:51374560f40088e227f0053ff1bb0b8525d10a8d7bfbff1cd6033f42347fd85b",
            "aeb:f8ff621a0b9b7646cc0d57d37416feabba2bf78ef5dd0bfc5b080f9f97bbe584",
        ),
        ("wcxb-dev:dev/0331", "wcxb-dev:dev/0333"),
        (
            "aeb:9eef8162bbb67b0bd73792313b91b87dc9304f43f85f479e67e71c166417451e",
            "aeb:a078b3656adc0295d0e37bd4f599342f4a0894da2451e0ef3038ac045434fef3",
        ),
        (
            "aeb:c7e39ac49fa1235f5d50f83bf2444248bd3aa4e6df044377916c812dd109ba23",
            "aeb:dc7ccccc1f34eb2928cb238739aaf18c712d59d8d34b41acfb29178aeba65356",
        ),
        (
            "aeb:7bb1ca90354313840329d2f569ea9fb3a582df2aa0a5e3669f8fc567eb6ea61b",
            "aeb:bd673bd7988144f0ab7b9c5e19fed140fb5aaa30d8894cb045b72d3b79a7dc54",
        ),
        (
            "aeb:c50845a7158af12ee75acea301a3ea0dad1e848d6b9dbdb43ba7f2d825b2528b",
            "aeb:d1c57d7821e5a5b27fb468c59489601bb2a042b1c05221166e3221d2b5dc217f",
        ),
        (
            "aeb:8b194530308204139d9c8f7d495a26b117c78756ac1802cfc3c0a8bfdf2c0d50",
            "aeb:ea25dd7edff4d27973600f35728f20aed5a3eedcc23257d9c3afc3d3e840c3de",
        ),
    }
)
COUNTS = {"syndicated": 100, "rewritten": 100, "same_topic": 80, "unrelated": 100}
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def load_bodies(corpus: Path) -> dict[str, str]:
    """Corpus id -> gold body, for article pages with at least MIN_WORDS words."""
    bodies: dict[str, str] = {}
    for name in ("fundus", "wcxb-dev"):
        for line in (corpus / name / "gold.jsonl").read_text(encoding="utf-8").split("\n"):
            if line.strip():
                row = json.loads(line)
                if row.get("page_type", "article") == "article" and row.get("body"):
                    bodies[f"{name}:{row['id']}"] = row["body"]
    truth = json.loads((corpus / "aeb" / "ground-truth.json").read_text(encoding="utf-8"))
    for key, row in truth.items():
        if row.get("articleBody"):
            bodies[f"aeb:{key}"] = row["articleBody"]
    return {k: v for k, v in sorted(bodies.items()) if len(words(v)) >= MIN_WORDS}


def syndicate(body: str, seed: int) -> str:
    paragraphs = [p for p in body.split("\n") if p.strip()]
    if seed % 2:
        paragraphs = paragraphs[: max(1, round(len(paragraphs) * 0.8))]
    return "\n".join(
        [
            "This story originally appeared on a partner site and is republished here.",
            *paragraphs,
            "Copyright 2026. All rights reserved. Distributed by a news agency.",
        ]
    )


def rewrite(body: str, seed: int) -> str:
    rng = random.Random(seed)
    sentences = [s for s in _SENTENCE.split(body.replace("\n", " ")) if s.strip()]
    kept = [s for s in sentences if rng.random() >= 0.2] or sentences[:1]
    vocabulary = words(body)
    out = []
    for sentence in kept:
        tokens = sentence.split(" ")
        out.append(" ".join(rng.choice(vocabulary) if rng.random() < 0.08 else t for t in tokens))
    lede = "Here is what we know so far about the latest developments in this story."
    return " ".join([lede, *out, "Follow us for more news like this."])


def second_text(kind: str, body: str, other: str, seed: int) -> str:
    if kind == "syndicated":
        return syndicate(body, seed)
    if kind == "rewritten":
        return rewrite(body, seed)
    return other


def jaccard(a: set[object], b: set[object]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def build(bodies: dict[str, str]) -> list[dict[str, object]]:
    rng = random.Random(11)
    ids = list(bodies)
    pairs: list[dict[str, object]] = []
    for kind in ("syndicated", "rewritten"):
        for seed, key in enumerate(rng.sample(ids, COUNTS[kind])):
            pairs.append({"kind": kind, "a": key, "b": key, "seed": seed})
    content = {k: {w for w in words(v) if len(w) >= 5} for k, v in bodies.items()}
    grams = {k: shingles(words(v)) for k, v in bodies.items()}
    scored = sorted(
        (
            (jaccard(content[a], content[b]), a, b)  # type: ignore[arg-type]
            for i, a in enumerate(ids)
            for b in ids[i + 1 :]
        ),
        reverse=True,
    )
    used: set[str] = set()
    left_out = 0
    for _, a, b in scored:
        if len([p for p in pairs if str(p["kind"]).startswith("same_")]) >= COUNTS["same_topic"]:
            break
        if a in used or b in used:
            continue
        if jaccard(grams[a], grams[b]) > 0.5:  # type: ignore[arg-type]
            left_out += 1
            continue
        used |= {a, b}
        kind = "same_event" if (a, b) in SAME_EVENT else "same_topic"
        pairs.append({"kind": kind, "a": a, "b": b, "seed": 0})
    print(f"same_topic: {left_out} candidate pairs left out as possibly one story")
    for seed in range(COUNTS["unrelated"]):
        a, b = rng.sample(ids, 2)
        pairs.append({"kind": "unrelated", "a": a, "b": b, "seed": seed})
    return pairs


def merged(first: str, second: str) -> bool:
    with tempfile.TemporaryDirectory() as tmp:
        store = ArticleStore.open(Path(tmp) / "pair.db")
        store.save(
            Article(url="https://one.example/a", title="A", body=first),
            site="one",
            aliases=[],
            now=NOW,
        )
        store.save(
            Article(url="https://two.example/b", title="B", body=second),
            site="two",
            aliases=[],
            now=NOW,
        )
        stories = {row["story_id"] for row in store.articles.rows}
        store.close()
    return len(stories) == 1


def score(bodies: dict[str, str], pairs: list[dict[str, object]]) -> None:
    tally: dict[str, list[int]] = {}
    missing = 0
    for pair in pairs:
        kind, a, b, seed = str(pair["kind"]), str(pair["a"]), str(pair["b"]), int(pair["seed"])  # type: ignore[call-overload]
        if a not in bodies or b not in bodies:
            missing += 1
            continue
        result = merged(bodies[a], second_text(kind, bodies[a], bodies[b], seed))
        tally.setdefault(kind, []).append(int(result))
    positive = ("syndicated", "rewritten")
    tp = sum(sum(v) for k, v in tally.items() if k in positive)
    fp = sum(sum(v) for k, v in tally.items() if k in ("same_topic", "unrelated"))
    print(f"{sum(len(v) for v in tally.values())} labelled pairs ({missing} missing)")
    for kind, results in tally.items():
        print(f"  {kind:<11} {len(results):>4} pairs, merged {sum(results) / len(results):.3f}")
    print(f"precision {tp / max(1, tp + fp):.3f} (goal >= 0.97)")
    for kind in positive:
        results = tally.get(kind, [])
        print(f"recall {kind:<11} {sum(results) / max(1, len(results)):.3f} (goal >= 0.90)")
    same = tally.get("same_topic", [])
    print(f"same_topic merged {sum(same) / max(1, len(same)):.3f} (goal <= 0.03)")


def _median(run: Callable[[], object], times: int = 5) -> float:
    spans = []
    for _ in range(times):
        start = time.perf_counter()
        run()
        spans.append(time.perf_counter() - start)
    return statistics.median(spans)


def cost(sizes: list[int]) -> None:
    rng = random.Random(5)
    syllables = [s + v for s in "kmrtnslvbdgz" for v in "aeiou"]
    vocab = ["".join(rng.choices(syllables, k=3)) for _ in range(20000)]

    topical = ["microsoft", "japan"]

    def body() -> str:
        # about 12% of the bodies name Microsoft, 12% Japan, 1.5% both
        text = rng.choices(vocab, k=250)
        for word in topical:
            if rng.random() < 0.12:
                text[rng.randrange(250)] = word
        return " ".join(text)

    with tempfile.TemporaryDirectory() as tmp:
        store = ArticleStore.open(Path(tmp) / "cost.db")
        stored = 0
        spent = [0.0]

        def timed(method: Any) -> Any:
            def call(*args: Any, **kwargs: Any) -> Any:
                start = time.perf_counter()
                try:
                    return method(*args, **kwargs)
                finally:
                    spent[0] += time.perf_counter() - start

            return call

        for size in sorted(sizes):
            with store.batch():
                while stored < size:
                    store.save(
                        Article(url=f"https://s.example/{stored}", title="t", body=body()),
                        site="s",
                        aliases=[],
                        now=NOW,
                    )
                    stored += 1
            probes = [body() for _ in range(200)]
            start = time.perf_counter()
            sigs = [signature(p) for p in probes]
            fingerprint = (time.perf_counter() - start) / len(probes)
            spent[0] = 0.0
            for name in CLUSTERING:
                setattr(store.stories, name, timed(getattr(store.stories, name)))
            for i, text in enumerate(probes):
                url = f"https://probe.example/{size}/{i}"
                store.save(Article(url=url, title="t", body=text), site="p", aliases=[], now=NOW)
            for name in CLUSTERING:
                delattr(store.stories, name)
            stored += len(probes)
            ours = spent[0] / len(probes)
            stored_sigs = [
                tuple(array("Q", blob))
                for (blob,) in store.db.execute(
                    "SELECT signature FROM story_index WHERE signature IS NOT NULL LIMIT 2000"
                ).fetchall()
            ]
            start = time.perf_counter()
            for sig in sigs[:20]:
                assert sig is not None
                for other in stored_sigs:
                    similarity(sig, other)
            per_sig = (time.perf_counter() - start) / (20 * max(1, len(stored_sigs)))
            scan = per_sig * size
            print(
                f"{size:>7} stored: clustering {ours * 1000:.2f} ms per insert; anchors: "
                f"fingerprint alone {fingerprint * 1000:.2f} ms (ratio {ours / fingerprint:.2f}), "
                f"full scan {scan * 1000:.2f} ms (ratio {ours / scan:.3f})"
            )
            query = parse("Microsoft AND Japan")
            searched = _median(
                lambda: search(store, query, since=EPOCH, limit=20, per_story=True)  # noqa: B023
            )
            bare = _median(
                lambda: store.db.execute(
                    "SELECT a.id, a.title, a.body FROM articles a WHERE a.id IN (SELECT rowid "
                    "FROM articles_fts WHERE articles_fts MATCH 'microsoft AND japan') "
                    "ORDER BY a.first_seen DESC LIMIT 20"
                ).fetchall()
            )
            print(
                f"{size:>7} stored: search 'Microsoft AND Japan' {searched * 1000:.1f} ms, "
                f"anchor bare FTS5 query {bare * 1000:.1f} ms, ratio {searched / bare:.2f}"
            )
        store.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", action="store_true", help="re-select the labelled pairs")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--cost", help="store sizes for the insert-cost run, e.g. 1000,10000")
    args = parser.parse_args()
    if args.cost:
        cost([int(s) for s in args.cost.split(",")])
        return 0
    if not (args.corpus / "fundus" / "gold.jsonl").exists():
        print(f"no corpus at {args.corpus}; nothing to measure")
        return 0
    bodies = load_bodies(args.corpus)
    if args.build:
        pairs = build(bodies)
        PAIRS.write_text(json.dumps(pairs, indent=0) + "\n", encoding="utf-8")
        print(f"wrote {len(pairs)} pairs to {PAIRS}")
    score(bodies, json.loads(PAIRS.read_text(encoding="utf-8")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
