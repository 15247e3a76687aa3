"""What workers push to `<p>:items` for ingest: JSON records, one per line of work.

{"kind": "article", "item": {...}}          an ArticleItem (article, story keys, validators)
{"kind": "checked", "article_id", "url", "status", "site"}   a re-check that ended without
                                             a new version (304, 404, 410, error, no article);
                                             article_id 0: ingest looks it up by url
{"kind": "hold", "url", "status", "wait"}    a host's 429/503 Retry-After (HostGuard)
{"kind": "source", "url", "etag", "last_modified"}   a feed's or sitemap's new validators
{"kind": "spoiled", "url"}                   a source one of whose articles met a transient
                                             fault: its validators are not saved this crawl
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from crawler.article import Article
from crawler.items import ArticleItem
from crawler.store.stories import StoryKeys


def _when(value: datetime | date | None) -> str | None:
    return None if value is None else value.isoformat()


def _parse_when(value: str | None) -> datetime | date | None:
    if value is None:
        return None
    return datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)


def item_record(item: ArticleItem) -> bytes:
    """An ArticleItem as a JSON record."""
    article = asdict(item.article)
    article["published"] = _when(item.article.published)
    article["modified"] = _when(item.article.modified)
    keys = item.story_keys
    fields = {
        "article": article,
        "site": item.site,
        "fetched_url": item.fetched_url,
        "guid": item.guid,
        "link": item.link,
        "status": item.status,
        "etag": item.etag,
        "last_modified": item.last_modified,
        "feed_only": item.feed_only,
        "story_keys": None if keys is None else asdict(keys),
    }
    return record("article", item=fields)


def record(kind: str, **fields: Any) -> bytes:
    return json.dumps({"kind": kind, **fields}, ensure_ascii=False).encode()


def item_from(fields: dict[str, Any]) -> ArticleItem:
    """The ArticleItem of an "article" record."""
    a = dict(fields["article"])
    a["published"] = _parse_when(a.get("published"))
    a["modified"] = _parse_when(a.get("modified"))
    a["authors"] = tuple(a.get("authors") or ())
    a["tags"] = tuple(a.get("tags") or ())
    keys = fields.get("story_keys")
    story = None
    if keys is not None:
        signature = keys.get("signature")
        story = StoryKeys(
            signature=None if signature is None else tuple(signature),
            body_hash=keys.get("body_hash"),
            bands=tuple(keys.get("bands") or ()),
        )
    return ArticleItem(
        article=Article(**a),
        site=fields["site"],
        fetched_url=fields["fetched_url"],
        guid=fields.get("guid"),
        link=fields.get("link"),
        status=int(fields.get("status", 200)),
        etag=fields.get("etag"),
        last_modified=fields.get("last_modified"),
        feed_only=bool(fields.get("feed_only")),
        story_keys=story,
    )
