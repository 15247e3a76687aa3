"""Turn a page's bytes into text, trusting declared charsets only as far as the bytes agree."""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping

import charset_normalizer

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.IGNORECASE)
_PREAMBLE = 4096
# Labels that pages declare without meaning it: browsers read them as windows-1252.
_WINDOWS_1252_ALIASES = frozenset({"iso-8859-1", "latin-1", "latin1", "ascii", "us-ascii"})


def _codec(label: str) -> str | None:
    """The Python codec for a declared charset label, None when unknown."""
    lowered = label.strip().lower()
    if lowered in _WINDOWS_1252_ALIASES:
        return "cp1252"
    try:
        return codecs.lookup(lowered).name
    except LookupError:
        return None


def _header_charset(headers: Mapping[str, str] | None) -> str | None:
    if not headers:
        return None
    for name, value in headers.items():
        if name.lower() == "content-type":
            match = _HEADER_CHARSET.search(value)
            if match:
                return _codec(match.group(1))
    return None


def _meta_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:_PREAMBLE])
    return _codec(match.group(1).decode("ascii", "ignore")) if match else None


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_html(data: bytes, headers: Mapping[str, str] | None = None) -> str:
    """Decode a page: BOM, then valid UTF-8, then the declared charset, then sniffing.

    Bytes that are valid UTF-8 and not plain ASCII are read as UTF-8 whatever the page
    declares: a single-byte charset almost never produces valid multi-byte sequences by chance,
    while servers that label UTF-8 pages as ISO-8859-1 are common. Never raises.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, errors="replace")
    header = _header_charset(headers)
    if header and header.startswith(("utf-16", "utf-32")):  # a page cannot declare these itself
        text = _strict(data, header)
        if text is not None:
            return text
    declarations = (header, _meta_charset(data))
    utf8 = _strict(data, "utf-8")
    if utf8 is not None:
        return utf8
    for declared in declarations:
        if declared and not declared.startswith("utf"):
            text = _strict(data, declared)
            if text is not None:
                return text
    best = charset_normalizer.from_bytes(data[: 64 * 1024]).best()
    if best is not None and best.encoding:
        text = _strict(data, best.encoding)
        if text is not None:
            return text
    return data.decode("cp1252", errors="replace")
