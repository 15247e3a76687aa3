"""The crawler's tables, one owner: articles, urls, revisions, fetch_state, crawl_runs, meta.

`open_db()` (in `schema`) opens the database and applies every migration, the monitor's
included; everything that writes these tables goes through `ArticleStore` and its parts.
"""

from crawler.store.articles import ArticleStore, Known, StoredArticle, Version
from crawler.store.changes import changed_words, content_hash, reader_text
from crawler.store.fetchstate import Fetch, FetchState
from crawler.store.schema import open_db

__all__ = [
    "ArticleStore",
    "Fetch",
    "FetchState",
    "Known",
    "StoredArticle",
    "Version",
    "changed_words",
    "content_hash",
    "open_db",
    "reader_text",
]
