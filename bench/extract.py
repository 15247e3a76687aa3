"""Extraction benchmark: newsmon against trafilatura on the shared corpus, in one run.

    python bench/extract.py                      # every set, both extractors
    python bench/extract.py --sets wcxb-dev      # one set (comma-separated for several)
    python bench/extract.py --jobs 2             # pages spread over two processes
    python bench/extract.py --worst 10           # also newsmon's 10 worst pages per field
    python bench/extract.py --half even          # tune on one half of the pages ...
    python bench/extract.py --half odd           # ... and check on the other
    python bench/extract.py --by-type            # also pages taken as articles, per page type
    python bench/extract.py --corpus /path/to/corpus --no-anchor

Scoring follows the corpus README (the article-extraction-benchmark's method): bodies as
multisets of 4-token shingles over `\\w+` tokens, precision averaged over pages where something
was extracted, recall over pages with gold text, F1 of the two means. Titles are compared after
NFKC, case folding and keeping `\\w+` tokens; authors by Jaccard of normalised name sets; dates by
calendar day. Bodies, titles, authors and dates are scored on article pages (on wcxb-dev, whose
pages have a type, the `article` ones; authors and dates where the gold has them); article
detection on every page of a set with page types: an extractor that returns nothing for a page
says it is not an article.
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
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
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
    page_type: str = "article"


@dataclass(frozen=True)
class Result:
    """What one extractor returned for one page, and how long it took."""

    found: bool
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
    detection: Counter[str] = field(default_factory=Counter)  # tp, fp, fn, tn
    misses: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)  # id, gold, got
    typed: bool = False  # the set's pages have types: detection is scored
    by_type: Counter[tuple[str, bool]] = field(default_factory=Counter)  # (type, found): pages


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


def load_wcxb(folder: Path) -> list[Page]:
    """wcxb-dev: fundus's fields plus a page type; authors and date are null where unknown."""
    text = (folder / "gold.jsonl").read_text(encoding="utf-8")
    pages = []
    for line in text.split("\n"):
        if not line.strip():
            continue
        item = json.loads(line)
        raw = gzip.decompress((folder / item["html"]).read_bytes())
        article = item["page_type"] == "article"
        gold_date = item.get("date") or ""
        authors = item.get("authors")
        pages.append(
            Page(
                folder.name,
                item["id"],
                item.get("url") or "",
                decode(raw),
                item.get("body") or "",
                title=item.get("title") if article else None,
                authors=tuple(authors) if article and authors is not None else None,
                day=gold_date[:10] if article and gold_date else None,
                page_type=item["page_type"],
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
            return Result(False, "", None, (), None, seconds)
        return Result(
            True,
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
        doc: Any = trafilatura.bare_extraction(page.html, url=page.url or None, with_metadata=True)
        seconds = time.perf_counter() - start
        if doc is None:
            return Result(False, "", None, (), None, seconds)
        author = getattr(doc, "author", None) or ""
        authors = tuple(a.strip() for a in author.split(";") if a.strip())
        return Result(
            True,
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
    """Add one page's figures: detection on every page, the fields on article pages."""
    article = page.page_type == "article"
    score.detection[("t" if result.found == article else "f") + ("p" if result.found else "n")] += 1
    score.by_type[(page.page_type, result.found)] += 1
    score.seconds.append(result.seconds)
    if not result.found and article:
        _miss(score, "detection", page, "article", "none")
    elif result.found and not article:
        _miss(score, "detection", page, page.page_type, "article")
    if not article:
        return
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
        right = norm_words(page.title) == norm_words(result.title or "")
        score.title.append(float(right))
        if not right:
            _miss(score, "title", page, page.title, result.title or "")
    if page.authors is not None:
        share = jaccard(page.authors, result.authors)
        score.authors.append(share)
        if share < 1:
            _miss(score, "authors", page, "; ".join(page.authors), "; ".join(result.authors))
    if page.day is not None:
        score.day.append(float(page.day == result.day))
        if page.day != result.day:
            _miss(score, "date", page, page.day, result.day or "")


def _miss(score: Score, name: str, page: Page, gold: str, got: str) -> None:
    score.misses.setdefault(name, []).append((page.id, gold, got))


def _guarded(
    run: Callable[[Page], Result], page: Page, errors: dict[str, list[str]], name: str
) -> Result:
    """Run one extractor on one page; an exception scores as an empty result and is counted."""
    start = time.perf_counter()
    try:
        return run(page)
    except Exception as e:
        errors.setdefault(name, []).append(f"{page.id}: {type(e).__name__}: {e}")
        return Result(False, "", None, (), None, time.perf_counter() - start)


def mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else float("nan")


def f1(s: Score) -> tuple[float, float, float]:
    p, r = mean(s.precision), mean(s.recall)
    return (2 * p * r / (p + r) if p + r else 0.0), p, r


def detection(s: Score) -> tuple[float, float]:
    """Precision and recall of "returns an article" against the page types."""
    tp, fp, fn = s.detection["tp"], s.detection["fp"], s.detection["fn"]
    return (tp / (tp + fp) if tp + fp else float("nan")), (tp / (tp + fn) if tp + fn else 0.0)


# -- report ---------------------------------------------------------------------------------------


def report(scores: dict[str, dict[str, Score]], corpora: list[str]) -> None:
    names = list(scores)
    rows: list[tuple[str, list[str]]] = []

    def row(label: str, value: Callable[[Score], float]) -> None:
        rows.append((label, [f"{value(scores[n][corpus]):.3f}" for n in names]))

    for corpus in corpora:
        first = scores[names[0]][corpus]
        articles = len(first.pages)
        for label, index in (("F1", 0), ("precision", 1), ("recall", 2)):
            row(f"{corpus} body {label} ({articles} articles)", lambda s, i=index: f1(s)[i])
        if first.title:
            row(f"{corpus} title", lambda s: mean(s.title))
        if first.authors:
            row(f"{corpus} authors (Jaccard, {len(first.authors)})", lambda s: mean(s.authors))
        if first.day:
            row(f"{corpus} date (day, {len(first.day)})", lambda s: mean(s.day))
        if first.typed:
            row(f"{corpus} detection precision", lambda s: detection(s)[0])
            row(f"{corpus} detection recall", lambda s: detection(s)[1])
        ms = [1000 * mean(scores[n][corpus].seconds) for n in names]
        rows.append((f"{corpus} ms per page", [f"{m:.1f}" for m in ms]))
    ms_all = {n: 1000 * mean([t for c in corpora for t in scores[n][c].seconds]) for n in names}
    rows.append(("ms per page", [f"{ms_all[n]:.1f}" for n in names]))
    width = max(len(r[0]) for r in rows) + 2
    print(f"{'':<{width}}" + "".join(f"{n:>15}" for n in names))
    for label, cells in rows:
        print(f"{label:<{width}}" + "".join(f"{c:>15}" for c in cells))
    if len(names) == 2 and ms_all[names[1]]:
        print(f"time ratio {names[0]}/{names[1]}: {ms_all[names[0]] / ms_all[names[1]]:.2f}")


def report_types(scores: dict[str, dict[str, Score]], corpora: list[str]) -> None:
    """Per page type of each typed set: its pages, and how many each extractor took as articles."""
    names = list(scores)
    for corpus in corpora:
        if not scores[names[0]][corpus].typed:
            continue
        counts = scores[names[0]][corpus].by_type
        types = sorted({t for t, _ in counts}, key=lambda t: (t != "article", t))
        print(f"\n{corpus} pages taken as articles, per page type:")
        print(f"  {'type':<15}{'pages':>7}" + "".join(f"{n:>15}" for n in names))
        for page_type in types:
            total = counts[(page_type, True)] + counts[(page_type, False)]
            taken = [scores[n][corpus].by_type[(page_type, True)] for n in names]
            print(f"  {page_type:<15}{total:>7}" + "".join(f"{t:>15}" for t in taken))


def report_worst(score: Score, name: str, corpus: str, count: int) -> None:
    print(f"\nworst {name} bodies on {corpus} (F1 P R id):")
    for f, p, r, page_id in sorted(score.pages)[:count]:
        print(f"  {f:.3f} {p:.3f} {r:.3f} {page_id}")
    for field_name, misses in score.misses.items():
        print(f"\n{name} {field_name} misses on {corpus}: {len(misses)} (id: gold | got)")
        for page_id, gold, got in misses[:count]:
            print(f"  {page_id}: {gold[:70]!r} | {got[:70]!r}")


LOADERS: dict[str, Callable[[Path], list[Page]]] = {
    "aeb": load_aeb,
    "fundus": load_fundus,
    "wcxb-dev": load_wcxb,
}


def _sets(text: str) -> list[str]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in LOADERS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown set {', '.join(unknown) or text!r}; choose from {', '.join(LOADERS)}"
        )
    return names


def _jobs(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"--jobs takes a whole number of processes, not {text!r}")
    return int(text)


_EXTRACTORS: list[tuple[str, Callable[[Page], Result]]] = []


def _load_extractors(anchor: bool) -> None:
    """Load the extractors (worker processes forked later inherit them)."""
    _EXTRACTORS[:] = [newsmon_extractor()]
    if anchor:
        _EXTRACTORS.append(trafilatura_extractor())


def _run_page(job: tuple[int, Page]) -> list[tuple[str, Result, str | None]]:
    """Every extractor on one page: its result, and the error it raised if it did.

    The extractors share libraries that load lazily (htmldate, dateparser's languages, lxml);
    the first to meet a new kind of page pays for the loading. They take turns going first, page
    by page, so neither is charged for the other's share.
    """
    number, page = job
    order = _EXTRACTORS if number % 2 == 0 else _EXTRACTORS[::-1]
    out: dict[str, tuple[str, Result, str | None]] = {}
    for name, run in order:
        errors: dict[str, list[str]] = {}
        result = _guarded(run, page, errors, name)
        out[name] = (name, result, errors[name][0] if errors else None)
    return [out[name] for name, _ in _EXTRACTORS]


@contextmanager
def _pool(jobs: int) -> Iterator[Any]:
    """Worker processes forked from this one, so they start with its warm caches; None for one
    job."""
    if jobs <= 1:
        yield None
        return
    import multiprocessing

    pool = multiprocessing.get_context("fork").Pool(jobs)
    try:
        yield pool
    finally:
        pool.close()
        pool.join()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--corpus", type=Path, default=ROOT.parent / "shared" / "corpus", help="corpus folder"
    )
    parser.add_argument(
        "--sets",
        type=_sets,
        default=list(LOADERS),
        help=f"comma-separated sets to score (default: all of {', '.join(LOADERS)})",
    )
    parser.add_argument("--half", choices=["even", "odd"], help="score every other page")
    parser.add_argument("--no-anchor", action="store_true", help="skip trafilatura")
    parser.add_argument(
        "--jobs", type=_jobs, default=1, help="processes to spread the pages over (default 1)"
    )
    parser.add_argument(
        "--worst", type=int, default=0, help="list newsmon's N worst pages per field and set"
    )
    parser.add_argument(
        "--by-type",
        action="store_true",
        help="also count the pages taken as articles per page type (sets with page types)",
    )
    args = parser.parse_args(argv)

    corpora = [c for c in args.sets if (args.corpus / c).is_dir()]
    if not corpora:
        print(f"corpus not found under {args.corpus}; nothing to benchmark (use --corpus)")
        return 0
    anchor = not args.no_anchor
    _load_extractors(anchor)
    names = [name for name, _ in _EXTRACTORS]
    scores: dict[str, dict[str, Score]] = {name: {} for name in names}
    errors: dict[str, list[str]] = {}
    for corpus in corpora:
        pages = LOADERS[corpus](args.corpus / corpus)
        if args.half:
            pages = pages[args.half == "odd" :: 2]
        typed = any(page.page_type != "article" for page in pages)
        for name in names:
            scores[name][corpus] = Score(typed=typed)
        _run_page((0, pages[0]))  # warm caches and imports outside the clock, before forking
        jobs = list(enumerate(pages))
        with _pool(args.jobs) as pool:
            results = pool.imap(_run_page, jobs, 8) if pool else map(_run_page, jobs)
            for page, outcome in zip(pages, results, strict=True):
                for name, result, error in outcome:
                    score(scores[name][corpus], page, result)
                    if error:
                        errors.setdefault(name, []).append(error)
        print(f"{corpus}: {len(pages)} pages", file=sys.stderr)
    report(scores, corpora)
    if args.by_type:
        report_types(scores, corpora)
    for name, messages in errors.items():
        print(f"{name} raised on {len(messages)} pages, first: {messages[0]}")
    if args.worst:
        for corpus in corpora:
            report_worst(scores[names[0]][corpus], names[0], corpus, args.worst)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
