"""Canonical URLs: one spelling per story, whatever link brought the crawler to it.

`canonical_url()` is the spelling the store keeps; `identity_key()` is what two spellings must
share to be the same page (the canonical URL without its scheme and a leading "www."), so the
known-URL check and the alias table agree that http/https, tracking and AMP variants of a stored
article are that article.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from tld import get_fld

# Query parameters that only say how a reader arrived, never which page they see. The one list:
# add a publisher's parameter here (lowercase) and both identity and canonical spelling follow.
TRACKING_PARAMETERS = frozenset(
    {
        # ad and social click ids
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
        "li_fat_id",
        "epik",
        "dicbo",  # Outbrain (publico.es)
        "oborigurl",
        # newsletters and marketing suites
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "sc_cid",
        "oly_anon_id",
        "oly_enc_id",
        "vero_conv",
        "vero_id",
        "wt_mc",  # heise and other Webtrekk users
        "wt_zmc",
        "wt.mc_id",
        "xtor",  # AT Internet (French publishers)
        "maca",  # Deutsche Welle feeds
        "ns_mchannel",
        "ns_source",
        "ns_campaign",
        "ns_linkname",
        "ns_fee",
        "guccounter",  # Yahoo/Verizon consent bounce
        "guce_referrer",
        "guce_referrer_sig",
        # feed and referral markers
        "ref",
        "ref_src",
        "ref_url",
        "referrer",
        "srcref",  # msn.com feeds
        "cmpid",
        "cmp",
        "ncid",
        "ocid",
        "icid",
        "ito",
        "ico",  # metro.co.uk
        "spm",
        "smid",
        "smtyp",
        "sr_share",
        "soc_src",
        "soc_trk",
        "taid",
        "__twitter_impression",
        "rss",
        "via",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "at_")
# Query parameters that ask for the AMP rendering of the same story.
_AMP_PARAMS = frozenset({"amp", "outputtype", "output"})
_AMP_VALUES = frozenset({"", "1", "true", "amp"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
_AMP_SUFFIX = re.compile(r"(?:/amp(/?)|\.amp)$", re.IGNORECASE)
_AMP_HTML = re.compile(r"\.amp(\.html?)$", re.IGNORECASE)
_AMP_PREFIX = re.compile(r"^/amp(?=/)", re.IGNORECASE)


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMETERS or lowered.startswith(TRACKING_PREFIXES)


def _is_amp_param(name: str, value: str) -> bool:
    return name.lower() in _AMP_PARAMS and value.lower() in _AMP_VALUES


def _strip_amp_path(path: str) -> str:
    """The article's path for an AMP path, keeping the slash style the site uses."""
    # "/x/amp/" -> "/x/" and "/x/amp" -> "/x": the slash after "amp" is the site's style
    while True:
        stripped = _AMP_HTML.sub(lambda m: m.group(1), path)
        stripped = _AMP_SUFFIX.sub(lambda m: m.group(1) or "", stripped)
        stripped = _AMP_PREFIX.sub("", stripped) or "/"
        if stripped == path:
            return path
        path = stripped


def _host(hostname: str) -> str:
    host = hostname.lower().rstrip(".")
    if host.startswith("amp.") and host.count(".") >= 2:  # amp.theguardian.com
        host = "www." + host[4:]
    return host


def _clean(url: str) -> str:
    text = url.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return text
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return text
    host = _host(parts.hostname)
    if ":" in host:  # an IPv6 literal keeps its brackets
        host = f"[{host}]"
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    if parts.username:
        credentials = parts.username + (f":{parts.password}" if parts.password else "")
        host = f"{credentials}@{host}"
    query = sorted(
        (name, value)
        for name, value in (
            # "&amp;amp;" escaped twice in a feed leaves names like "amp;utm_medium"
            (re.sub(r"^(?:amp;)+", "", name), value)
            for name, value in parse_qsl(parts.query, keep_blank_values=True)
        )
        if name and not _is_tracking(name) and not _is_amp_param(name, value)
    )
    path = _strip_amp_path(parts.path or "/")
    return urlunsplit((scheme, host, path, urlencode(query, doseq=True), ""))


def registrable_domain(url: str) -> str | None:
    """The domain a publisher registered (`bbc.co.uk` for www.bbc.co.uk), None for IPs etc."""
    found = get_fld(url, fail_silently=True)
    return found if isinstance(found, str) else None


def same_site(url: str, other: str) -> bool:
    """Whether two http(s) URLs belong to one registrable domain (or one host, for IPs)."""
    try:
        host, other_host = urlsplit(url).hostname, urlsplit(other).hostname
    except ValueError:
        return False
    if not host or not other_host:
        return False
    domain, other_domain = registrable_domain(url), registrable_domain(other)
    if domain is None or other_domain is None:
        return _host(host).removeprefix("www.") == _host(other_host).removeprefix("www.")
    return domain == other_domain


def canonical_url(url: str, html_canonical: str | None = None) -> str:
    """The normal spelling of the article at `url`; the input stripped when it is not a URL.

    Lowercases scheme and host, drops default ports, fragments and tracking parameters, sorts
    the other query parameters, maps AMP variants (`/amp/`, `/amp`, `.amp.html`, `?amp=1`,
    `?outputType=amp`, `amp.` hosts) to their article. `html_canonical` (the page's
    rel=canonical or og:url, possibly relative) is trusted when it resolves to an http(s) URL on
    the same registrable domain (or the page was served from an IP address or localhost) that
    is not the site's front page.
    """
    if html_canonical:
        resolved = absolute_http_url(html_canonical, url)
        trusted = resolved and (same_site(url, resolved) or _local(url))
        if resolved and trusted and not is_home_page(resolved):
            return _clean(resolved)
    return _clean(url)


def _local(url: str) -> bool:
    """Whether `url` is served from an address with no public name (an IP, localhost): a
    mirror or development server whose pages name their public address as canonical."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return False
    return registrable_domain(url) is None and (
        host == "localhost" or host.endswith(".localhost") or _is_ip(host)
    )


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def identity_key(url: str) -> str:
    """What every spelling of one page shares: its canonical URL without scheme, "www." and a
    trailing slash (so "/x/amp" finds the "/x/" a site serves)."""
    canonical = canonical_url(url)
    parts = urlsplit(canonical)
    if parts.scheme not in _DEFAULT_PORTS:
        return canonical
    path = parts.path.rstrip("/")
    return urlunsplit(("", parts.netloc.removeprefix("www."), path, parts.query, ""))


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
