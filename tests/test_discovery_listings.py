"""Article links on listing pages: the bundled demo site, hand-made cases, real home pages."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest

from crawler.discovery import find_article_links, find_feed_links, looks_like_article

DEMO = Path(__file__).resolve().parents[1] / "monitor" / "demo_site"
HOME = "http://127.0.0.1:8000/"


def demo_home_without_feed() -> str:
    html = (DEMO / "index.html").read_text(encoding="utf-8")
    html = re.sub(r"<link[^>]*rel=\"alternate\"[^>]*>", "", html)
    html = re.sub(r"<a[^>]*href=\"/feed\.xml\"[^>]*>.*?</a>", "", html, flags=re.S)
    assert not find_feed_links(html, HOME)
    return html


def test_demo_site_without_feed_yields_its_stories_and_no_sections() -> None:
    entries = find_article_links(demo_home_without_feed(), HOME)
    stories = sorted(
        p.parent.relative_to(DEMO).as_posix() for p in DEMO.glob("2024/*/*/*/index.html")
    )
    assert sorted(e.link.removeprefix(HOME).rstrip("/") for e in entries) == stories
    assert all(e.source == "listing" for e in entries)
    titled = {e.link.removeprefix(HOME): e.title for e in entries}
    assert titled["2024/04/10/microsoft-japan-ai-cloud-investment/"]  # the headline's text


def test_article_pattern_replaces_the_default_rule() -> None:
    entries = find_article_links(demo_home_without_feed(), HOME, pattern=r"/category/[a-z]+/$")
    assert {e.link.removeprefix(HOME) for e in entries} == {
        f"category/{p.name}/" for p in (DEMO / "category").iterdir()
    }


@pytest.mark.parametrize(
    ("link", "text", "expected"),
    [
        ("https://n.example/2024/06/11/pi-shares-jump/", None, True),  # dated
        ("https://n.example/tech/2024/jun/11/pi-shares-jump", None, True),  # month name
        ("https://n.example/20240611/pi-shares/", None, True),
        ("https://n.example/news/Linux-7-0-Released-12345", None, True),  # numeric id
        ("https://n.example/tech/890785/cheap-laptop", None, True),
        ("https://n.example/raspberry-pi-shares-jump-in-london", "Raspberry Pi shares jump", True),
        ("https://n.example/ai-artificial-intelligence", "AI", False),  # a section's slug
        ("https://n.example/policy-news-and-insights/", "Policy", False),
        ("https://n.example/tag/raspberry-pi-shares-jump/", "Pi shares jump on day one", False),
        ("https://n.example/author/greta-holm/", None, False),
        ("https://n.example/category/chips/", None, False),
        ("https://n.example/page/2/", None, False),
        ("https://n.example/news/?page=3", None, False),
        ("https://n.example/2024/06/", None, False),  # a month's archive
        ("https://n.example/forums/node/1618157", "2 Comments", False),
        ("https://n.example/2024/06/11/chart.png", None, False),
        ("https://elsewhere.example/2024/06/11/pi-shares-jump/", None, False),  # off site
        ("https://blog.n.example/2024/06/11/pi-shares-jump/", None, True),  # own subdomain
    ],
)
def test_default_rule(link: str, text: str | None, expected: bool) -> None:
    assert looks_like_article(link, "https://www.n.example/", text) is expected


CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "wcxb-dev" / "html"

# Real home pages (saved 2026) and links checked by hand on them.
HOMES = [
    (
        "2968.html.gz",
        "https://arstechnica.com/",
        "https://arstechnica.com/science/2026/03/hunting-for-elusive-ghost-elephants/",
        ["https://arstechnica.com/page/2/", "https://arstechnica.com/tech-policy/"],
    ),
    (
        "2969.html.gz",
        "https://www.theverge.com/",
        "https://www.theverge.com/tech/890785/macbook-neo-slay-spire-2-pokopia-installer",
        [
            "https://www.theverge.com/ai-artificial-intelligence",
            "https://www.theverge.com/decoder-podcast-with-nilay-patel",
        ],
    ),
    (
        "2970.html.gz",
        "https://techcrunch.com/",
        "https://techcrunch.com/2026/03/06/osha-probing-fatality-at-rivian-warehouse/",
        ["https://techcrunch.com/category/artificial-intelligence/", "https://techcrunch.com/"],
    ),
    (
        "3030.html.gz",
        "https://www.phoronix.com/",
        "https://www.phoronix.com/news/AMD-GAIA-0.16",
        ["https://www.phoronix.com/forums/node/1618157"],
    ),
]


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"page corpus not found at {CORPUS}")
@pytest.mark.parametrize(("name", "home", "story", "not_stories"), HOMES)
def test_real_home_pages(name: str, home: str, story: str, not_stories: list[str]) -> None:
    entries = find_article_links(gzip.decompress((CORPUS / name).read_bytes()), home)
    links = [e.link for e in entries]
    assert story in links
    assert not set(not_stories) & set(links)
    assert len(links) >= 20
    assert not any(re.search(r"/(tag|author|category|page)/", link) for link in links)
