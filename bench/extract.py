"""Extraction benchmark: newsmon against trafilatura on the shared corpus, in one run.

    python bench/extract.py                   # both corpora, both extractors
    python bench/extract.py --worst 10        # also list the 10 worst newsmon bodies per corpus
    python bench/extract.py --half even       # tune on one half of the pages ...
    python bench/extract.py --half odd        # ... and check on the other
    python bench/extract.py --corpus /path/to/corpus --no-anchor

Scoring follows the corpus README (the article-extraction-benchmark's method): bodies as
multisets of 4-token shingles over `\\w+` tokens, precision averaged over pages where something
was extracted, recall over pages with gold text, F1 of the two means. Titles are compared after
NFKC, case folding and keeping `\\w+` tokens; authors by Jaccard of normalised name sets; dates by
calendar day.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_TOKEN = re.compile(r"\w+")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)


@dataclass(frozen=True)
class Page:
    """One corpus page with its gold values (None where the corpus has no gold)."""

    corpus: str
    id: str
    url: str
    html: str
    body: str
    title: str | None = None
    authors: tuple[str, ...] | None = None
    day: str | None = None


@dataclass(frozen=True)
class Result:
    """What one extractor returned for one page, and how long it took."""

    body: str
    title: str | None
    authors: tuple[str, ...]
    day: str | None
    seconds: float


@dataclass
class Score:
    """Per-page figures for one extractor on one corpus."""

    precision: list[float] = field(default_factory=list)
    recall: list[float] = field(default_factory=list)
    title: list[float] = field(default_factory=list)
    authors: list[float] = field(default_factory=list)
    day: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    pages: list[tuple[float, float, float, str]] = field(default_factory=list)  # f1, p, r, id


# -- corpus ---------------------------------------------------------------------------------------


def decode(raw: bytes) -> str:
    """Decode a saved page as a browser would: BOM, then UTF-8, then the declared charset."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    match = _META_CHARSET.search(raw[:4096])
    if match:
        try:
            return raw.decode(match.group(1).decode("ascii"), errors="replace")
        except LookupError:
            pass
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    return str(best) if best is not None else raw.decode("cp1252", errors="replace")


def load_aeb(folder: Path) -> list[Page]:
    gold = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id, item in sorted(gold.items()):
        raw = gzip.decompress((folder / "html" / f"{page_id}.html.gz").read_bytes())
        pages.append(Page("aeb", page_id, item["url"], decode(raw), item.get("articleBody") or ""))
    return pages


def load_fundus(folder: Path) -> list[Page]:
    text = (folder / "gold.jsonl").read_text(encoding="utf-8")
    pages = []
    for line in text.split("\n"):  # not splitlines(): bodies hold U+2028
        if not line.strip():
            continue
        item = json.loads(line)
        raw = gzip.decompress((folder / item["html"]).read_bytes())
        gold_date = item.get("date")
        pages.append(
            Page(
                "fundus",
                item["id"],
                item["url"],
                decode(raw),
                item.get("body") or "",
                title=item.get("title"),
                authors=tuple(item.get("authors") or ()),
                day=str(gold_date)[:10] if gold_date else None,
            )
        )
    return pages


# -- extractors -----------------------------------------------------------------------------------


def _day(value: object) -> str | None:
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    if isinstance(value, str) and re.match(r"\d{4}-\d\d-\d\d", value):
        return value[:10]
    return None


def newsmon_extractor() -> tuple[str, Callable[[Page], Result]]:
    """The project's extract_article."""
    from crawler.extract import extract_article

    def run(page: Page) -> Result:
        start = time.perf_counter()
        article = extract_article(page.html, page.url)
        seconds = time.perf_counter() - start
        if article is None:
            return Result("", None, (), None, seconds)
        return Result(
            article.body,
            article.title,
            tuple(article.authors),
            _day(article.published),
            seconds,
        )

    return "newsmon", run


def trafilatura_extractor() -> tuple[str, Callable[[Page], Result]]:
    import trafilatura

    def run(page: Page) -> Result:
        start = time.perf_counter()
        doc: Any = trafilatura.bare_extraction(page.html, url=page.url, with_metadata=True)
        seconds = time.perf_counter() - start
        if doc is None:
            return Result("", None, (), None, seconds)
        author = getattr(doc, "author", None) or ""
        authors = tuple(a.strip() for a in author.split(";") if a.strip())
        return Result(
            getattr(doc, "text", None) or "",
            getattr(doc, "title", None),
            authors,
            _day(getattr(doc, "date", None)),
            seconds,
        )

    return "trafilatura", run


# -- scoring --------------------------------------------------------------------------------------


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens)


def body_counts(gold: str, found: str) -> tuple[int, int, int]:
    """Shingle tp, fp and fn (the README scales them to sum 1; that does not change P or R)."""
    want, got = shingles(gold), shingles(found)
    tp = sum((want & got).values())
    return tp, sum(got.values()) - tp, sum(want.values()) - tp


def norm_words(text: str) -> str:
    return " ".join(_TOKEN.findall(unicodedata.normalize("NFKC", text).casefold()))


def jaccard(gold: Iterable[str], found: Iterable[str]) -> float:
    a = {norm_words(x) for x in gold} - {""}
    b = {norm_words(x) for x in found} - {""}
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def score(score: Score, page: Page, result: Result) -> None:
    tp, fp, fn = body_counts(page.body, result.body)
    p = tp / (tp + fp) if tp + fp else None
    r = tp / (tp + fn) if tp + fn else None
    if p is not None:
        score.precision.append(p)
    if r is not None and page.body.strip():
        score.recall.append(r)
    pp, rr = p or 0.0, r or 0.0
    score.pages.append((2 * pp * rr / (pp + rr) if pp + rr else 0.0, pp, rr, page.id))
    if page.title is not None:
        score.title.append(float(norm_words(page.title) == norm_words(result.title or "")))
    if page.authors is not None:
        score.authors.append(jaccard(page.authors, result.authors))
    if page.day is not None:
        score.day.append(float(page.day == result.day))
    score.seconds.append(result.seconds)


def _guarded(
    run: Callable[[Page], Result], page: Page, errors: dict[str, list[str]], name: str
) -> Result:
    """Run one extractor on one page; an exception scores as an empty result and is counted."""
    start = time.perf_counter()
    try:
        return run(page)
    except Exception as e:
        errors.setdefault(name, []).append(f"{page.id}: {type(e).__name__}: {e}")
        return Result("", None, (), None, time.perf_counter() - start)


def mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else float("nan")


def f1(s: Score) -> tuple[float, float, float]:
    p, r = mean(s.precision), mean(s.recall)
    return (2 * p * r / (p + r) if p + r else 0.0), p, r


# -- report ---------------------------------------------------------------------------------------


def report(scores: dict[str, dict[str, Score]], corpora: list[str]) -> None:
    names = list(scores)
    rows: list[tuple[str, list[str]]] = []
    for corpus in corpora:
        for label, index in (("F1", 0), ("precision", 1), ("recall", 2)):
            rows.append(
                (f"{corpus} body {label}", [f"{f1(scores[n][corpus])[index]:.3f}" for n in names])
            )
    if "fundus" in corpora:
        rows.append(("fundus title", [f"{mean(scores[n]['fundus'].title):.3f}" for n in names]))
        rows.append(
            (
                "fundus authors (Jaccard)",
                [f"{mean(scores[n]['fundus'].authors):.3f}" for n in names],
            )
        )
        rows.append(("fundus date (day)", [f"{mean(scores[n]['fundus'].day):.3f}" for n in names]))
    ms = {n: 1000 * mean([t for c in corpora for t in scores[n][c].seconds]) for n in names}
    rows.append(("ms per page", [f"{ms[n]:.1f}" for n in names]))
    width = max(len(r[0]) for r in rows) + 2
    print(f"{'':<{width}}" + "".join(f"{n:>15}" for n in names))
    for label, cells in rows:
        print(f"{label:<{width}}" + "".join(f"{c:>15}" for c in cells))
    if len(names) == 2 and ms[names[1]]:
        print(f"time ratio {names[0]}/{names[1]}: {ms[names[0]] / ms[names[1]]:.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--corpus", type=Path, default=ROOT.parent / "shared" / "corpus", help="corpus folder"
    )
    parser.add_argument("--only", choices=["aeb", "fundus"], help="score one corpus")
    parser.add_argument("--half", choices=["even", "odd"], help="score every other page")
    parser.add_argument("--no-anchor", action="store_true", help="skip trafilatura")
    parser.add_argument("--worst", type=int, default=0, help="list the N worst newsmon bodies")
    args = parser.parse_args(argv)

    loaders = {"aeb": load_aeb, "fundus": load_fundus}
    corpora = [c for c in loaders if args.only in (None, c) and (args.corpus / c).is_dir()]
    if not corpora:
        print(f"corpus not found under {args.corpus}; nothing to benchmark (use --corpus)")
        return 0
    extractors = [newsmon_extractor()]
    if not args.no_anchor:
        extractors.append(trafilatura_extractor())
    scores: dict[str, dict[str, Score]] = {name: {} for name, _ in extractors}
    errors: dict[str, list[str]] = {}
    for corpus in corpora:
        pages = loaders[corpus](args.corpus / corpus)
        if args.half:
            pages = pages[args.half == "odd" :: 2]
        for name, run in extractors:
            _guarded(run, pages[0], errors, name)  # warm caches and imports outside the clock
            errors.pop(name, None)
            scores[name][corpus] = Score()
            for page in pages:
                score(scores[name][corpus], page, _guarded(run, page, errors, name))
        print(f"{corpus}: {len(pages)} pages", file=sys.stderr)
    report(scores, corpora)
    for name, messages in errors.items():
        print(f"{name} raised on {len(messages)} pages, first: {messages[0]}")
    if args.worst:
        first = extractors[0][0]
        for corpus in corpora:
            print(f"\nworst {first} bodies on {corpus} (F1 P R id):")
            for f, p, r, page_id in sorted(scores[first][corpus].pages)[: args.worst]:
                print(f"  {f:.3f} {p:.3f} {r:.3f} {page_id}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
