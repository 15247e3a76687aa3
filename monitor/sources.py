"""`newsmon discover` and `newsmon sites`: what newsmon finds at an address, and the catalog.

Neither needs a config file. `discover` fetches a URL (or reads a file), sniffs what it is and
prints one JSON object per article link found; `sites` prints the built-in catalog.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from crawler.discovery import FeedEntry, FeedError, NothingFound, discover
from crawler.sites import Site, load_catalog
from monitor.config import CrawlConfig
from monitor.errors import NewsmonError


class DiscoverError(NewsmonError):
    """What `newsmon discover` was given cannot be fetched or read, or lists nothing."""


@dataclass(frozen=True)
class Fetched:
    """The bytes at an address, with the URL they came from (after redirects)."""

    body: bytes
    url: str
    content_type: str | None


def fetch(address: str, *, crawl: CrawlConfig | None = None) -> Fetched:
    """The bytes of a URL (one polite GET, newsmon's User-Agent, the size cap) or of a file."""
    limits = crawl or CrawlConfig()
    if not address.lower().startswith(("http://", "https://")):
        path = Path(address)
        try:
            return Fetched(path.read_bytes(), path.resolve().as_uri(), None)
        except OSError as e:
            raise DiscoverError(
                f"{address}: cannot read the file ({e.strerror or e}); "
                "give a path to a saved feed, sitemap or page, or an http(s) URL"
            ) from e
    request = urllib.request.Request(address, headers={"User-Agent": limits.user_agent()})
    try:
        with urllib.request.urlopen(request, timeout=limits.timeout) as response:
            body = response.read(limits.max_page_size + 1)
            if len(body) > limits.max_page_size:
                raise DiscoverError(f"{address}: larger than {limits.max_page_size} bytes")
            if response.headers.get("Content-Encoding", "").lower() == "gzip":
                import gzip

                body = gzip.decompress(body)
            return Fetched(body, response.geturl(), response.headers.get("Content-Type"))
    except urllib.error.HTTPError as e:
        e.close()  # an HTTPError is a response too: its socket is ours to close
        raise DiscoverError(f"{address}: the server answered HTTP {e.code} {e.reason}") from e
    except (urllib.error.URLError, TimeoutError, OSError) as e:
        reason = getattr(e, "reason", e)
        raise DiscoverError(f"{address}: cannot be fetched: {reason}") from e


def discover_lines(fetched: Fetched, *, pattern: str | None = None) -> Iterator[str]:
    """One JSON object per entry found: url, title, published, modified, source (+ keywords)."""
    try:
        entries = discover(
            fetched.body, fetched.url, content_type=fetched.content_type, pattern=pattern
        )
    except (FeedError, NothingFound) as e:
        raise DiscoverError(str(e)) from e
    if not entries:
        raise DiscoverError(
            f"{fetched.url}: no article links found (no feed entries, sitemap URLs, feed links "
            "or links that look like articles); on a listing page, try --pattern REGEX"
        )
    for entry in entries:
        yield json.dumps(entry_json(entry), ensure_ascii=False)


def entry_json(entry: FeedEntry) -> dict[str, object]:
    def iso(value: datetime | None) -> str | None:
        return value.isoformat() if value else None

    line: dict[str, object] = {
        "url": entry.link,
        "title": entry.title,
        "published": iso(entry.published),
        "modified": iso(entry.updated),
        "source": entry.source,
    }
    if entry.keywords:
        line["keywords"] = list(entry.keywords)
    return line


def catalog_lines() -> Iterator[str]:
    """One line per catalog site: name, home, sources."""
    sites = sorted(load_catalog().values(), key=lambda site: site.name)
    width = max(len(site.name) for site in sites)
    for site in sites:
        yield f"{site.name:<{width}}  {site.home}  {describe_sources(site)}"


def describe_sources(site: Site) -> str:
    parts = [f"feed {url}" for url in site.feeds]
    parts += [f"sitemap {url}" for url in site.sitemaps]
    parts += [f"listing {url}" for url in site.listings]
    if site.article_pattern:
        parts.append(f"articles matching {site.article_pattern}")
    return ", ".join(parts) or "discovered from home"
