"""parse_feed over the shared corpus of real feeds, when it is present (skipped otherwise).

The corpus lives beside the repository (`../shared/corpus/feeds`) and is never copied into it.
Its SOURCES.md gives each feed's item count and first item date, written by people outside this
project; the rows it marks PARSE ERROR are the broken-on-purpose files, with our own expectations.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.discovery import FeedError, parse_date, parse_feed

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "feeds"
if not (CORPUS / "SOURCES.md").is_file():
    pytest.skip(f"feed corpus not found at {CORPUS}", allow_module_level=True)

# Files SOURCES.md could not parse, and what parse_feed makes of them.
BROKEN_ON_PURPOSE: dict[str, int | str] = {
    "feedjira__AmazonWebServicesBlog.xml": 10,  # newline before <?xml
    "feedjira__TechCrunch.xml": 20,  # newline before <?xml
    "feedjira__InvalidDateFormat.xml": 2,  # truncated: no </rss>
    "rssparser__uolNoticias.rss": 15,  # ISO-8859-1 bytes without a declaration
    "feedjira__TechCrunchFirstEntry.xml": "HTML fragment, not a feed",  # an item's description
}


def _sources() -> dict[str, tuple[str, str]]:
    """file name -> (items, first item date) from SOURCES.md's table."""
    lines: list[str] = []
    for line in (CORPUS / "SOURCES.md").read_text(encoding="utf-8").split("\n"):
        if lines and lines[-1].startswith("|") and not line.startswith("|") and line.strip():
            lines[-1] += " " + line  # a cell with a newline in it (one date has one)
        else:
            lines.append(line)
    rows = {}
    for line in lines:
        cells = [cell.strip() for cell in line.split("|")]
        if len(cells) > 6 and cells[1].startswith("rss_atom/"):
            rows[cells[1].removeprefix("rss_atom/")] = (cells[4], cells[5])
    return rows


SOURCES = _sources()
FILES = sorted(path.name for path in (CORPUS / "rss_atom").iterdir())


def test_every_feed_is_listed() -> None:
    assert sorted(SOURCES) == FILES


@pytest.mark.parametrize("name", FILES)
def test_entry_count(name: str) -> None:
    body = (CORPUS / "rss_atom" / name).read_bytes()
    expected: int | str = BROKEN_ON_PURPOSE.get(name) or int(SOURCES[name][0])
    if isinstance(expected, str):
        with pytest.raises(FeedError, match=expected):
            parse_feed(body, f"https://feeds.example.com/{name}")
        return
    entries = parse_feed(body, f"https://feeds.example.com/{name}")
    assert len(entries) == expected
    assert all(entry.title for entry in entries)


@pytest.mark.parametrize("name", [name for name in FILES if SOURCES[name][1]])
def test_first_entry_date(name: str) -> None:
    expected = parse_date(SOURCES[name][1])
    assert expected is not None
    first = parse_feed((CORPUS / "rss_atom" / name).read_bytes(), "https://feeds.example.com/")[0]
    assert expected in (first.published, first.updated)
    assert first.published is None or first.published.tzinfo is not None


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("miniflux__encoding_ISO-8859-1.xml", "Red Dead Redemption 2: Hinweise auf PC-Umsetzung"),
        ("miniflux__encoding_WINDOWS-1251.xml", "Цитата #17703"),
        ("rssparser__uolNoticias.rss", "Ibope: Bolsonaro perde de Haddad, Ciro e Alckmin em"),
        ("miniflux__rdf_UTF8.xml", "OLED-TVs: Vorsichtsmaßnahmen gegen Einbrennen"),
    ],
)
def test_encodings(name: str, title: str) -> None:
    first = parse_feed((CORPUS / "rss_atom" / name).read_bytes(), "https://feeds.example.com/")[0]
    assert first.title is not None and first.title.startswith(title)
    assert "\ufffd" not in first.title


def test_undeclared_latin1_keeps_its_accents() -> None:
    body = (CORPUS / "rss_atom" / "rssparser__uolNoticias.rss").read_bytes()
    assert "simulações de 2º turno" in (parse_feed(body, "https://uol.example/")[0].title or "")
