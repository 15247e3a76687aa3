"""Canonical URLs: one spelling per story, whatever link brought the crawler to it."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

# Query parameters that only say how a reader arrived, never which page they see.
_TRACKING_EXACT = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "ref",
        "ref_src",
        "ref_url",
        "referrer",
        "cmpid",
        "cmp",
        "ncid",
        "ocid",
        "icid",
        "spm",
        "smid",
        "smtyp",
        "sr_share",
        "soc_src",
        "soc_trk",
        "taid",
        "at_medium",
        "at_campaign",
        "at_custom1",
        "at_custom2",
        "at_custom3",
        "at_custom4",
        "__twitter_impression",
        "rss",
        "via",
    }
)
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "oly_", "vero_")
# Query parameters that ask for the AMP rendering of the same story.
_AMP_PARAMS = frozenset({"amp", "outputtype", "output"})
_AMP_VALUES = frozenset({"", "1", "true", "amp"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
_AMP_SUFFIX = re.compile(r"(?:/amp/?|\.amp)$", re.IGNORECASE)
_AMP_HTML = re.compile(r"\.amp\.html?$", re.IGNORECASE)
_AMP_PREFIX = re.compile(r"^/amp(?=/)", re.IGNORECASE)


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in _TRACKING_EXACT or lowered.startswith(_TRACKING_PREFIXES)


def _is_amp_param(name: str, value: str) -> bool:
    return name.lower() in _AMP_PARAMS and value.lower() in _AMP_VALUES


def _strip_amp_path(path: str) -> str:
    if _AMP_HTML.search(path):
        return _AMP_HTML.sub(".html", path)
    stripped = _AMP_SUFFIX.sub("", path)
    stripped = _AMP_PREFIX.sub("", stripped)
    return stripped or "/"


def canonical_url(url: str) -> str:
    """The normal spelling of `url`; returns the input stripped when it is not a URL.

    Lowercases scheme and host, drops default ports, fragments, tracking parameters and
    obvious AMP markers, keeps every other query parameter in its order.
    """
    text = url.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return text
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return text
    host = parts.hostname.lower().rstrip(".")
    if ":" in host:  # an IPv6 literal keeps its brackets
        host = f"[{host}]"
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    if parts.username:
        credentials = parts.username + (f":{parts.password}" if parts.password else "")
        host = f"{credentials}@{host}"
    query = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if not _is_tracking(name) and not _is_amp_param(name, value)
    ]
    path = _strip_amp_path(parts.path or "/")
    return urlunsplit((scheme, host, path, urlencode(query, doseq=True), ""))


def absolute_http_url(href: str, base: str) -> str | None:
    """`href` resolved against `base` when the result is an http(s) URL with a host."""
    try:
        resolved = urljoin(base, href.strip())
        parts = urlsplit(resolved)
    except ValueError:
        return None
    if parts.scheme.lower() not in _DEFAULT_PORTS or not parts.hostname:
        return None
    return resolved


def is_home_page(url: str) -> bool:
    """True when `url` is a site's front page: no path beyond "/" (or a bare index file)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    path = parts.path.strip("/").lower()
    return path in {"", "index.html", "index.htm", "index.php", "home"} and not parts.query
