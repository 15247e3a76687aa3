"""ArticleItem: the crawler's one output contract."""

from __future__ import annotations

from dataclasses import dataclass

from crawler.article import Article
from crawler.store.stories import StoryKeys


@dataclass(frozen=True)
class ArticleItem:
    """An extracted article with where the crawl found it."""

    article: Article
    site: str
    fetched_url: str
    guid: str | None = None
    link: str | None = None  # the URL as the feed gave it (fetch state is kept under it)
    status: int = 200
    etag: str | None = None
    last_modified: str | None = None
    feed_only: bool = False  # the feed entry's title, summary and date: the page failed
    story_keys: StoryKeys | None = None  # made beside extraction, so the writer need not
