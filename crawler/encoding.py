"""Turn a page's bytes into text, trusting declared charsets only as far as the bytes agree.

The pieces that do not depend on what the bytes are (byte-order marks, charset labels, strict
decoding) are shared with the feed reader, which weighs declarations differently.
"""

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
# Codecs that documents declare without meaning it: browsers read them as windows-1252.
_READ_AS_WINDOWS_1252 = frozenset({"iso8859-1", "ascii"})


def decode_bom(data: bytes) -> str | None:
    """The text after a byte-order mark, in the encoding the mark names; None without a mark."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, errors="replace")
    return None


def header_charset(content_type: str | None) -> str | None:
    """The charset label of a Content-Type header value (`text/html; charset=...`), if any."""
    match = _HEADER_CHARSET.search(content_type) if content_type else None
    return match.group(1) if match else None


def charset_codecs(label: str) -> list[str]:
    """The Python codecs to try, in order, for a declared charset label; [] when unknown.

    ISO-8859-1 and ASCII labels are tried as windows-1252 first, as browsers read them.
    """
    try:
        codec = codecs.lookup(label.strip()).name
    except LookupError:
        return []
    return ["cp1252", codec] if codec in _READ_AS_WINDOWS_1252 else [codec]


def decode_strict(data: bytes, codec: str) -> str | None:
    """`data` decoded with `codec`, None if the bytes do not fit it or the codec is unknown."""
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _content_type(headers: Mapping[str, str] | None) -> str | None:
    return next((v for k, v in (headers or {}).items() if k.lower() == "content-type"), None)


def _meta_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:_PREAMBLE])
    return match.group(1).decode("ascii", "ignore") if match else None


def decode_html(data: bytes, headers: Mapping[str, str] | None = None) -> str:
    """Decode a page: BOM, then valid UTF-8, then the declared charset, then sniffing.

    Bytes that are valid UTF-8 and not plain ASCII are read as UTF-8 whatever the page
    declares: a single-byte charset almost never produces valid multi-byte sequences by chance,
    while servers that label UTF-8 pages as ISO-8859-1 are common. Never raises.
    """
    text = decode_bom(data)
    if text is not None:
        return text
    header = charset_codecs(label) if (label := header_charset(_content_type(headers))) else []
    if header and header[0].startswith(("utf-16", "utf-32")):  # a page cannot declare these
        text = decode_strict(data, header[0])
        if text is not None:
            return text
    meta = charset_codecs(label) if (label := _meta_charset(data)) else []
    utf8 = decode_strict(data, "utf-8")
    if utf8 is not None:
        return utf8
    for declared in (*header, *meta):
        if not declared.startswith("utf"):
            text = decode_strict(data, declared)
            if text is not None:
                return text
    best = charset_normalizer.from_bytes(data[: 64 * 1024]).best()
    if best is not None and best.encoding:
        text = decode_strict(data, best.encoding)
        if text is not None:
            return text
    return data.decode("cp1252", errors="replace")
