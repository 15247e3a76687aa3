"""Matching benchmark: newsmon's matcher beside a regex per term and a bare automaton, in one run.

    python bench/match.py                    # 1,000 and 10 watches over 2,000 articles, + match
    python bench/match.py --no-store         # skip the `newsmon match` run over 10,000 articles
    python bench/match.py --corpus /path/to/corpus

Articles are real titles, authors and bodies from the shared corpus (fundus, wcxb-dev articles,
aeb), cycled to 2,000. Watches have the shape users write: companies and countries with alias
sets, phrases, NOT clauses, some NEAR, SENTENCE, prefixes and fields. Beside newsmon's matcher:

- regex: one compiled, case-insensitive, whole-word regex per distinct term of the watches,
  searched over each article's text (on the first 100 articles: it is slow);
- floor: one bare pass of a pyahocorasick automaton of the watches' distinct terms, folded and
  padded (`` japan ``, `` data centre ``, `` chip``), over the same texts already folded (their
  words, one space apart), doing nothing with what it finds; beside it, for comparison, the same
  pass with the matcher's engine (ahocorasick-rs, a DFA) over the same texts and terms.

Each figure is the best of seven rounds that time the matcher (1,000 and 10 watches), the floor
and the matcher's stages in turn, in CPU time of this process (the machine is shared). Ratios
are newsmon / anchor.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import ahocorasick
import ahocorasick_rs

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.article import Article as CrawledArticle  # noqa: E402
from crawler.store import ArticleStore  # noqa: E402
from monitor.folding import fold_segment  # noqa: E402
from monitor.matching import Article, Matcher  # noqa: E402
from monitor.query import Node, Term, alias_term, parse, terms_of  # noqa: E402
from monitor.scan import Scan, segments  # noqa: E402

COMPANIES = {
    "microsoft": ["Microsoft", "MSFT", "Azure", "マイクロソフト"],
    "apple": ["Apple", "AAPL", "iPhone", "Tim Cook"],
    "google": ["Google", "Alphabet", "GOOGL", "Sundar Pichai"],
    "amazon": ["Amazon", "AWS", "Amazon Web Services"],
    "meta": ["Meta Platforms", "Facebook", "Instagram", "WhatsApp"],
    "nvidia": ["Nvidia", "NVDA", "GeForce", "Jensen Huang"],
    "openai": ["OpenAI", "ChatGPT", "Sam Altman"],
    "samsung": ["Samsung", "Galaxy", "삼성"],
    "intel": ["Intel", "INTC", "Core Ultra"],
    "amd": ["AMD", "Ryzen", "Radeon"],
    "tesla": ["Tesla", "TSLA", "Elon Musk"],
    "sony": ["Sony", "PlayStation", "ソニー"],
    "huawei": ["Huawei", "华为"],
    "tsmc": ["TSMC", "Taiwan Semiconductor"],
    "ibm": ["IBM", "Red Hat"],
    "oracle": ["Oracle", "Larry Ellison"],
    "netflix": ["Netflix", "NFLX"],
    "spotify": ["Spotify"],
    "uber": ["Uber"],
    "x": ["Twitter", "xAI"],
    "anthropic": ["Anthropic", "Claude"],
    "siemens": ["Siemens"],
    "sap": ["SAP", "S/4HANA"],
    "qualcomm": ["Qualcomm", "Snapdragon"],
    "arm": ["Arm Holdings", "Cortex"],
    "cisco": ["Cisco", "Webex"],
    "adobe": ["Adobe", "Photoshop"],
    "salesforce": ["Salesforce", "Slack"],
    "bytedance": ["ByteDance", "TikTok", "字节跳动"],
    "alibaba": ["Alibaba", "Aliyun", "阿里巴巴"],
}
COUNTRIES = {
    "japan": ["Japan", "Japanese", "Tokyo", "日本"],
    "china": ["China", "Chinese", "Beijing", "中国"],
    "germany": ["Germany", "German", "Berlin", "Deutschland"],
    "france": ["France", "French", "Paris"],
    "uk": ["United Kingdom", "Britain", "British", "London"],
    "us": ["United States", "US", "American", "Washington"],
    "india": ["India", "Indian", "Delhi", "Bengaluru"],
    "korea": ["South Korea", "Korean", "Seoul"],
    "taiwan": ["Taiwan", "Taiwanese", "Taipei"],
    "eu": ["European Union", "EU", "Brussels", "European Commission"],
    "brazil": ["Brazil", "Brazilian"],
    "canada": ["Canada", "Canadian", "Ottawa"],
    "australia": ["Australia", "Australian", "Sydney"],
    "russia": ["Russia", "Russian", "Moscow"],
    "israel": ["Israel", "Israeli"],
    "ukraine": ["Ukraine", "Ukrainian", "Kyiv"],
    "spain": ["Spain", "Spanish", "Madrid"],
    "italy": ["Italy", "Italian", "Rome"],
    "netherlands": ["Netherlands", "Dutch", "Amsterdam"],
    "sweden": ["Sweden", "Swedish", "Stockholm"],
}
TOPICS = [
    "AI", "cloud", "data centre", "data center", "chip*", "semiconduct*", "antitrust",
    "privacy", "layoffs", "acquisition", "earnings", "regulation", "lawsuit", "security breach",
    "ransomware", "smartphone*", "electric vehicle*", "quantum", "satellite*", "robot*",
    "open source", "investment", "tariff*", "subsid*", "battery", "5G", "streaming",
]  # fmt: skip
# Names watched without an alias set: more companies, products and people.
NAMES = [
    "Dell", "HP", "Lenovo", "Asus", "Acer", "Xiaomi", "Oppo", "Vivo", "OnePlus", "Nokia",
    "Ericsson", "Motorola", "Broadcom", "Micron", "SK Hynix", "Western Digital", "Seagate",
    "ASML", "Infineon", "STMicroelectronics", "NXP", "Texas Instruments", "GlobalFoundries",
    "Rapidus", "SoftBank", "Rakuten", "Fujitsu", "NEC", "Hitachi", "Panasonic", "Toshiba",
    "Nintendo", "Sega", "Bandai Namco", "Ubisoft", "Electronic Arts", "Activision", "Valve",
    "Epic Games", "Roblox", "Unity", "Zoom", "Dropbox", "Atlassian", "Shopify", "Stripe",
    "PayPal", "Block", "Coinbase", "Binance", "Robinhood", "Airbnb", "Lyft", "DoorDash",
    "Snowflake", "Databricks", "Palantir", "CrowdStrike", "Palo Alto Networks", "Fortinet",
    "Cloudflare", "Akamai", "Fastly", "Okta", "VMware", "Broadcom VMware", "Nutanix",
    "ServiceNow", "Workday", "Intuit", "Autodesk", "Figma", "Canva", "Notion", "GitHub",
    "GitLab", "Hugging Face", "Mistral", "Cohere", "Perplexity", "DeepMind", "Midjourney",
    "Stability AI", "Inflection", "Character.AI", "Scale AI", "Rivian", "Lucid", "BYD", "NIO",
    "Xpeng", "Waymo", "Cruise", "Zoox", "SpaceX", "Starlink", "Blue Origin", "Rocket Lab",
    "OneWeb", "Boeing", "Airbus", "Lockheed Martin", "Raytheon", "Dyson", "Philips", "Bosch",
    "Continental", "Volkswagen", "BMW", "Mercedes-Benz", "Stellantis", "Renault", "Toyota",
    "Honda", "Hyundai", "Kia", "Foxconn", "Pegatron", "MediaTek", "Realtek", "Tencent",
    "Baidu", "JD.com", "Pinduoduo", "Temu", "Shein", "Meituan", "Kuaishou", "Weibo",
    "Yandex", "Kaspersky", "Telegram", "Signal", "Mozilla", "Firefox", "Opera", "Brave",
    "DuckDuckGo", "Wikipedia", "Reddit", "Pinterest", "Snap", "Discord", "Twitch", "YouTube",
    "Vision Pro", "Pixel", "Surface", "Xbox", "Copilot", "Gemini", "Llama", "Windows 11",
    "macOS", "Android", "iOS", "Linux", "Kubernetes", "Rust", "Python", "WebAssembly",
    "Satya Nadella", "Mark Zuckerberg", "Jeff Bezos", "Andy Jassy", "Lisa Su", "Pat Gelsinger",
    "Demis Hassabis", "Dario Amodei", "Mustafa Suleyman", "Margrethe Vestager", "Lina Khan",
]  # fmt: skip
EXCLUDE = ["Display", "sponsored", "deal of the day", "coupon", "horoscope", "recipe"]


def quote(text: str) -> str:
    return text if " " not in text else f'"{text}"'


def watches(n: int, seed: int = 1) -> list[tuple[str, str]]:
    """`n` (name, query) pairs of realistic shape, the same for a given seed."""
    rnd = random.Random(seed)
    companies, countries = sorted(COMPANIES), sorted(COUNTRIES)
    out: list[tuple[str, str]] = []
    for i in range(n):
        c, k = rnd.choice(companies), rnd.choice(countries)
        topic, other = quote(rnd.choice(TOPICS)), quote(rnd.choice(TOPICS))
        exclude = quote(rnd.choice(EXCLUDE))
        shape = rnd.random()
        if shape < 0.30:
            query = f"@{c} AND @{k}"
        elif shape < 0.45:
            query = f"{quote(rnd.choice(NAMES))} ({topic} OR {other}) -{exclude}"
        elif shape < 0.55:
            query = f"NEAR/5(@{c}, @{k})"
        elif shape < 0.62:
            query = f"SENTENCE(@{c}, {topic})"
        elif shape < 0.72:
            query = f"title:@{c} OR lead:(@{k} {topic})"
        elif shape < 0.82:
            query = f'{quote(rnd.choice(NAMES))} {topic} NOT "{rnd.choice(EXCLUDE)}"'
        elif shape < 0.92:
            query = f"@{k} AND ({topic} OR {other}) NOT @{c}"
        elif shape < 0.96:
            query = f"lead:@{c} NEAR(@{k}, {topic})"
        else:
            query = f"NEAR/3({quote(rnd.choice(NAMES))}, {quote(rnd.choice(NAMES))})"
        out.append((f"watch {i}", query))
    return out


def aliases() -> dict[str, tuple[Term, ...]]:
    table = {**COMPANIES, **COUNTRIES}
    return {name: tuple(alias_term(e) for e in entries) for name, entries in table.items()}


def load_articles(corpus: Path, n: int) -> list[Article]:
    found: list[Article] = []
    for name in ("fundus", "wcxb-dev"):
        for line in (corpus / name / "gold.jsonl").read_text(encoding="utf-8").split("\n"):
            if not line.strip():
                continue
            row = json.loads(line)
            if row.get("page_type", "article") != "article" or not row.get("body"):
                continue
            found.append(
                Article(
                    title=row.get("title") or "",
                    body=row["body"],
                    site=urlsplit(row.get("url") or "").hostname or "",
                    authors=tuple(row.get("authors") or ()),
                )
            )
    aeb = json.loads((corpus / "aeb" / "ground-truth.json").read_text(encoding="utf-8"))
    for row in aeb.values():
        body = row["articleBody"]
        site = urlsplit(row["url"]).hostname or ""
        found.append(Article(title=body[:80].rsplit(" ", 1)[0], body=body, site=site))
    return [found[i % len(found)] for i in range(n)]


ROUNDS = 7


def best_of_each(works: Sequence[Callable[[], object]]) -> list[float]:
    """One timing of each piece of work, in turn."""
    return [best_of(1, work) for work in works]


def best_of(runs: int, work: Callable[[], object]) -> float:
    """The least CPU time of this process over `runs` runs: time spent waiting for a core of
    the shared machine is not counted."""
    times = []
    for _ in range(runs):
        start = time.process_time()
        work()
        times.append(time.process_time() - start)
    return min(times)


def regex_of(term: Term) -> re.Pattern[str]:
    parts = [re.escape(w) for w in term.words]
    tail = r"\w*" if term.prefix else r"(?!\w)"
    return re.compile(r"(?<!\w)" + r"\W+".join(parts) + tail, re.IGNORECASE)


def all_terms(nodes: Iterable[Node]) -> list[Term]:
    return list(dict.fromkeys(t for node in nodes for t in terms_of(node)))


def collapsed(text: str) -> str:
    """The folded words of a text, one space between each and around them (`` w1 w2 ``)."""
    return " " + " ".join(fold_segment(text).text.split()) + " "


def text_of(article: Article) -> str:
    return "\n".join((article.title, article.subtitle, article.body))


def matcher_run(matcher: Matcher, articles: Sequence[Article]) -> Callable[[], int]:
    def run() -> int:
        return sum(len(matcher.match(a)) for a in articles)

    return run


def store_run(articles: Sequence[Article], queries: list[tuple[str, str]]) -> float:
    """Wall time of `newsmon match` over a fresh store of the articles with these watches."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        store = ArticleStore.open(root / "newsmon.db")
        now = datetime.now(UTC)
        with store.db.atomic():
            for number, a in enumerate(articles):
                url = f"https://{a.site or 'example.com'}/story/{number}"
                # a last paragraph of its own: the store keeps one copy of a site's identical
                # bodies, and the corpus is cycled (the lead and the watches' terms unchanged)
                body = f"{a.body}\n\n(Report {number})"
                item = CrawledArticle(url=url, title=a.title or "untitled", body=body)
                store.save(item, site="bench", aliases=[url], now=now)
        store.close()
        lines = ["[aliases]"]
        for name, entries in {**COMPANIES, **COUNTRIES}.items():
            lines.append(f"{name} = {json.dumps(entries, ensure_ascii=False)}")
        for name, query in queries:
            lines += ["[[watch]]", f'name = "{name}"', f"query = '{query}'"]
            lines.append('notify = ["bench@example.com"]')
        (root / "newsmon.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        cli = "from monitor.cli import main; main()"
        # -v: the command prints its summary line only on a terminal otherwise
        command = [sys.executable, "-c", cli, "--config", str(root / "newsmon.toml"), "-v"]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(
            [*command, "match"], capture_output=True, text=True, cwd=ROOT, env=dict(os.environ)
        )
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode != 0:
            raise SystemExit(f"newsmon match failed: {done.stderr}")
        cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        print(f"  newsmon match output: {done.stdout.strip()} ({cpu:.1f} s of CPU)")
        return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--watches", type=int, default=1000)
    parser.add_argument("--regex-articles", type=int, default=100)
    parser.add_argument("--no-store", action="store_true")
    args = parser.parse_args()
    if not (args.corpus / "fundus" / "gold.jsonl").exists():
        print(f"no corpus at {args.corpus}; nothing to measure")
        return
    articles = load_articles(args.corpus, args.articles)
    table = aliases()
    queries = watches(args.watches)
    nodes = [(name, parse(query, table)) for name, query in queries]
    n = len(articles)
    words = sum(len(text_of(a).split()) for a in articles) / n
    print(f"{n} articles ({words:.0f} words each on average), {len(nodes)} watches")

    build = time.perf_counter()
    big = Matcher(nodes)
    build = time.perf_counter() - build
    small = Matcher(nodes[:10])
    hits = matcher_run(big, articles)()
    print(f"  compiled {len(big.keys)} distinct keys in {build * 1000:.0f} ms; {hits} hits")

    automaton = ahocorasick.Automaton()
    for kid, key in enumerate(big.keys):
        automaton.add_word(key, kid)
    automaton.make_automaton()
    # The floor's texts are folded as before the matcher kept runs of spaces: its words, one
    # space between each, so that the term keys (phrases too) are found by the bare pass.
    folded = [[collapsed(t) for t in (a.title, a.subtitle, a.body)] for a in articles]

    def floor() -> None:
        scan = automaton.iter
        for texts in folded:
            for text in texts:
                for _ in scan(text):
                    pass

    # The engine the matcher uses (ahocorasick-rs) in the same bare pass over the same texts with
    # the same keys: what the floor would be with it.
    engine = ahocorasick_rs.AhoCorasick(
        big.keys,
        matchkind=ahocorasick_rs.MatchKind.Standard,
        implementation=ahocorasick_rs.Implementation.DFA,
    )

    def engine_floor() -> None:
        scan = engine.find_matches_as_indexes
        for texts in folded:
            for text in texts:
                for _ in scan(text, True):
                    pass

    looked_in = big._compiler.looked_in  # the fields the watches look in, as match() folds

    def folding() -> None:
        for a in articles:
            segments(a, looked_in)

    # Where the matcher's time goes, stage by stage (its private steps, for this table only):
    # its own automaton's bare pass over its folded fields, finding every term's occurrences
    # (that pass and the phrase words around each anchor), evaluating the triggered watches.
    scans = [Scan(segments(a, looked_in), a) for a in articles]
    own = big._automaton.find_matches_as_indexes if big._automaton else None
    own_bytes = big._bytes_automaton.find_matches_as_indexes if big._bytes_automaton else None

    def bare() -> None:
        for scan in scans:
            for segment in scan.segments:
                text = segment.folded.text
                if text.isascii():  # as the matcher searches: ASCII text as bytes
                    found = own_bytes(text.encode("ascii"), True) if own_bytes else ()
                else:
                    found = own(text, True) if own else ()
                for _ in found:
                    pass

    def finding() -> None:
        for scan in scans:
            big._find(Scan(scan.segments, scan.article))

    found = [Scan(scan.segments, scan.article) for scan in scans]
    for scan in found:
        big._find(scan)

    def evaluating() -> None:
        for scan in found:
            again = Scan(scan.segments, scan.article)
            again.found, again.where = scan.found, scan.where
            big._evaluate(again)

    # Rounds of all of them, interleaved, so that a burst of load on the shared machine falls on
    # every figure alike; each figure is its best round.
    works = [matcher_run(big, articles), matcher_run(small, articles), floor, engine_floor]
    works += [folding, bare, finding, evaluating]
    rounds = [best_of_each(works) for _ in range(ROUNDS)]
    best = [min(times) for times in zip(*rounds, strict=True)]
    t_big, t_small, t_floor, t_engine, t_fold, t_bare, t_find, t_eval = (t / n for t in best)

    regexes = [regex_of(t) for t in all_terms(node for _, node in nodes)]
    sample = [text_of(a) for a in articles[: args.regex_articles]]

    def regex() -> None:
        for text in sample:
            for pattern in regexes:
                pattern.search(text)

    t_regex = best_of(1, regex) / len(sample)

    ms = 1000
    print()
    print(f"| per article | {len(nodes)} watches | ratio |")
    print("|---|---|---|")
    print(f"| newsmon matcher | {t_big * ms:.3f} ms | 1 |")
    print(f"| (a) regex per term ({len(regexes)} regexes) | {t_regex * ms:.3f} ms "
          f"| newsmon / regex = {t_big / t_regex:.3f} |")  # fmt: skip
    print(f"| (b) floor: bare automaton pass | {t_floor * ms:.3f} ms "
          f"| newsmon / floor = {t_big / t_floor:.1f} |")  # fmt: skip
    print(f"| the same pass, the matcher's engine (ahocorasick-rs) | {t_engine * ms:.3f} ms "
          f"| newsmon / that pass = {t_big / t_engine:.1f} |")  # fmt: skip
    print(f"| of which folding the text | {t_fold * ms:.3f} ms | |")
    print(f"| newsmon matcher, 10 watches | {t_small * ms:.3f} ms "
          f"| {len(nodes)} / 10 watches = {t_big / t_small:.2f} |")  # fmt: skip
    print()
    print(f"| where the matcher's time goes ({len(nodes)} watches) | per article | / floor |")
    print("|---|---|---|")
    stages = [
        ("folding every field (`monitor.scan.segments`)", t_fold),
        ("finding the terms: its automaton's pass and phrases around anchors", t_find),
        ("  of which the bare pass of its automaton over its folded text", t_bare),
        ("evaluating the triggered watches, mapping hits back", t_eval),
    ]
    for label, t in stages:
        print(f"| {label} | {t * 1e6:.1f} µs | {t / t_floor:.2f} |")
    if not args.no_store:
        print()
        store_articles = load_articles(args.corpus, 10_000)
        wall = store_run(store_articles, queries[:100])
        print(f"`newsmon match`, 10,000 stored articles, 100 watches: {wall:.1f} s wall")


if __name__ == "__main__":
    main()
