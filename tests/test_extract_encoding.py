"""Bytes to text: headers, BOMs, meta declarations, and pages that declare the wrong charset."""

from __future__ import annotations

import codecs

import pytest

from crawler.encoding import decode_html
from crawler.extract import extract_article

TITLE = "Zürich öffnet den Bahnhofsplatz für Radfahrer \u2013 endlich"


def document(charset_meta: str = "") -> str:
    text = "<p>" + "Die Stadt hat die Sperrung nach drei Jahren Bauzeit aufgehoben. " * 6 + "</p>"
    return (
        f"<html><head>{charset_meta}<title>{TITLE}</title></head>"
        f"<body><article><h1>{TITLE}</h1>{text}</article></body></html>"
    )


def title_of(data: bytes, headers: dict[str, str] | None = None) -> str | None:
    article = extract_article(data, "https://z.example/stadt/bahnhofsplatz-offen", headers=headers)
    return article.title if article else None


def test_utf8_declared_as_latin1_in_the_header_is_not_mojibake() -> None:
    data = document().encode("utf-8")
    assert title_of(data, {"Content-Type": "text/html; charset=ISO-8859-1"}) == TITLE


def test_utf8_declared_as_latin1_in_a_meta_tag_is_not_mojibake() -> None:
    data = document('<meta charset="iso-8859-1">').encode("utf-8")
    assert title_of(data) == TITLE


def test_header_charset_is_used_for_non_utf8_bytes() -> None:
    text = document().replace("\u2013", "-")
    data = text.encode("iso-8859-1")
    assert title_of(data, {"content-type": "text/html;charset=iso-8859-1"}) == TITLE.replace(
        "\u2013", "-"
    )


def test_meta_http_equiv_charset() -> None:
    meta = '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
    assert title_of(document(meta).encode("cp1252")) == TITLE


def test_cyrillic_page_with_a_meta_charset() -> None:
    title = "Новый мост через Неву откроют весной"
    html = document('<meta charset="windows-1251">').replace(TITLE, title)
    assert title_of(html.encode("cp1251")) == title


@pytest.mark.parametrize(
    ("bom", "codec"),
    [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le")],
)
def test_byte_order_mark_wins(bom: bytes, codec: str) -> None:
    data = bom + document('<meta charset="iso-8859-1">').encode(codec)
    assert title_of(data, {"Content-Type": "text/html; charset=iso-8859-1"}) == TITLE


def test_undeclared_legacy_bytes_are_sniffed() -> None:
    text = document().replace("\u2013", "-") * 3
    decoded = decode_html(text.encode("cp1252"))
    assert "Zürich öffnet" in decoded


def test_the_header_charset_outranks_the_meta_tag() -> None:
    title = "Новый мост через Неву откроют весной"
    html = document('<meta charset="iso-8859-5">').replace(TITLE, title)
    headers = {"Content-Type": "text/html; charset=windows-1251"}
    assert title_of(html.encode("cp1251"), headers) == title
