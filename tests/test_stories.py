"""One story, one record: URL identity in the store, duplicates, story clusters, the view."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.article import Article
from crawler.store import ArticleStore
from crawler.store.stories import BANDS
from monitor.alerts import match_new
from monitor.config import parse_config
from monitor.delivery import send_digests
from monitor.runner import delivery_plan

NOW = datetime(2024, 4, 2, 9, 0, tzinfo=UTC)

WIRE = (
    "Microsoft will invest 2.9 billion dollars over the next two years to expand its "
    "hyperscale cloud computing and artificial intelligence infrastructure in Japan, the "
    "company said on Wednesday. The investment is the largest the company has made in the "
    "country in its 46 year history there. Microsoft also plans to open an artificial "
    "intelligence and robotics lab in Tokyo and to train three million people in Japan in "
    "artificial intelligence skills over the next three years. The announcement came as "
    "Prime Minister Fumio Kishida began an official visit to the United States, where he is "
    "expected to meet President Joe Biden and business leaders in Washington."
)
# The same wire copy as another site runs it: new first sentence, a sentence dropped, a few
# words changed, its own closing line.
REWRITE = (
    "Redmond is putting billions into Japan. Microsoft will invest 2.9 billion dollars over "
    "the next two years to expand its hyperscale cloud computing and artificial intelligence "
    "infrastructure in Japan, the company announced on Wednesday. The investment is the "
    "biggest the company has made in the country in its 46 year history there. Microsoft also "
    "plans to open an artificial intelligence and robotics lab in Tokyo and to train three "
    "million people in Japan in artificial intelligence skills over the next three years. "
    "Follow us for more news on cloud computing."
)
# Same company, same country, same week: another story.
OTHER = (
    "Sony said on Tuesday that it will build a new image sensor plant in Kumamoto in southern "
    "Japan, with production starting in 2026 at the earliest. The electronics group did not "
    "give a figure for the investment, but analysts in Tokyo estimate it at several hundred "
    "billion yen. The plant will make sensors for smartphones and cars, a market where demand "
    "is expected to grow as vehicles carry more cameras. Microsoft and other cloud companies "
    "are also expanding in Japan, drawn by government subsidies and a weak yen that makes "
    "local construction and labour cheaper for foreign investors this year."
)


def article(url: str, body: str, title: str = "Microsoft invests in Japan") -> Article:
    return Article(url=url, title=title, body=body)


@pytest.fixture
def store(tmp_path: Path) -> ArticleStore:
    return ArticleStore.open(tmp_path / "news.db")


@pytest.mark.parametrize(
    "variant",
    [
        "http://www.mspoweruser.com/microsoft-japan/",
        "https://mspoweruser.com/microsoft-japan/?utm_source=rss&utm_medium=rss",
        "https://mspoweruser.com/microsoft-japan/amp/",
        "https://amp.mspoweruser.com/microsoft-japan/#respond",
    ],
)
def test_variants_of_a_stored_article_are_known(store: ArticleStore, variant: str) -> None:
    url = "https://mspoweruser.com/microsoft-japan/"
    store.save(article(url, WIRE), site="mspoweruser", aliases=[url], now=NOW)
    known = store.lookup([variant])
    assert known is not None and known.url == url


def test_a_variant_fetched_anyway_is_the_same_article(store: ArticleStore) -> None:
    url = "https://mspoweruser.com/microsoft-japan/"
    store.save(article(url, WIRE), site="mspoweruser", aliases=[url], now=NOW)
    variant = "http://mspoweruser.com/microsoft-japan/amp"
    assert store.save(article(variant, WIRE), site="mspoweruser", aliases=[], now=NOW) == (
        "unchanged"
    )
    assert store.articles.count == 1


def test_identical_body_at_another_url_of_the_site_is_an_alias(store: ArticleStore) -> None:
    first = "https://mspoweruser.com/microsoft-japan/"
    second = "https://mspoweruser.com/news/2024/04/microsoft-japan-investment/"
    store.save(article(first, WIRE), site="mspoweruser", aliases=[], now=NOW)
    seq = store.max_seq()
    outcome = store.save(article(second, WIRE), site="mspoweruser", aliases=[], now=NOW)
    assert outcome == "duplicate"
    assert store.articles.count == 1
    assert store.max_seq() == seq  # the monitor sees nothing new: no second alert
    known = store.lookup([second])
    assert known is not None and known.url == first


def test_identical_body_on_another_site_is_another_article_of_the_story(
    store: ArticleStore,
) -> None:
    store.save(article("https://a.example/x", WIRE), site="a", aliases=[], now=NOW)
    assert store.save(article("https://b.example/y", WIRE), site="b", aliases=[], now=NOW) == "new"
    ids = [r["story_id"] for r in store.articles.rows]
    assert len(ids) == 2 and len(set(ids)) == 1


def test_a_copy_of_an_edited_article_is_a_duplicate_of_its_new_text(store: ArticleStore) -> None:
    store.save(article("https://a.example/x", OTHER), site="a", aliases=[], now=NOW)
    store.save(article("https://a.example/x", WIRE), site="a", aliases=[], now=NOW)  # edited
    assert store.save(article("https://a.example/y", WIRE), site="a", aliases=[], now=NOW) == (
        "duplicate"
    )
    assert store.save(article("https://a.example/z", OTHER), site="a", aliases=[], now=NOW) == (
        "new"
    )


def test_short_identical_bodies_are_not_duplicates(store: ArticleStore) -> None:
    short = "Microsoft invests in Japan. " * 3
    store.save(article("https://a.example/x", short), site="a", aliases=[], now=NOW)
    assert store.save(article("https://a.example/y", short), site="a", aliases=[], now=NOW) == "new"


def test_rewritten_wire_copy_joins_the_story_of_the_first(store: ArticleStore) -> None:
    store.save(article("https://a.example/x", WIRE), site="a", aliases=[], now=NOW)
    store.save(
        article("https://c.example/z", OTHER, "Sony builds plant"), site="c", aliases=[], now=NOW
    )
    store.save(article("https://b.example/y", REWRITE), site="b", aliases=[], now=NOW)
    story = {r["url"]: r["story_id"] for r in store.articles.rows}
    first = next(store.articles.rows_where("url = ?", ["https://a.example/x"]))["id"]
    assert story["https://b.example/y"] == story["https://a.example/x"] == first
    assert story["https://c.example/z"] != first


def stories_of(store: ArticleStore) -> dict[str, int]:
    return {r["url"]: r["story_id"] for r in store.articles.rows}


def band_rows(store: ArticleStore, url: str) -> int:
    row = store.db.execute(
        "SELECT COUNT(*) FROM story_bands b JOIN articles a ON a.id = b.article_id WHERE a.url = ?",
        [url],
    ).fetchone()
    return int(row[0])


def test_articles_saved_in_one_batch_join_each_others_stories(store: ArticleStore) -> None:
    with store.batch():
        store.save(article("https://a.example/x", WIRE), site="a", aliases=[], now=NOW)
        store.save(article("https://c.example/z", OTHER, "Sony"), site="c", aliases=[], now=NOW)
        store.save(article("https://b.example/y", REWRITE), site="b", aliases=[], now=NOW)
        store.save(article("https://e.example/v", REWRITE), site="e", aliases=[], now=NOW)
        assert store.db.table("story_bands").count == 0  # held until the batch ends
    story = stories_of(store)
    assert story["https://b.example/y"] == story["https://a.example/x"]
    assert story["https://e.example/v"] == story["https://a.example/x"]
    assert story["https://c.example/z"] != story["https://a.example/x"]
    assert all(band_rows(store, url) == BANDS for url in story)
    # and a later copy, saved on its own, finds them in the table
    store.save(article("https://d.example/w", REWRITE), site="d", aliases=[], now=NOW)
    assert stories_of(store)["https://d.example/w"] == story["https://a.example/x"]


def test_an_article_edited_in_the_batch_that_stored_it_is_filed_under_its_new_text(
    store: ArticleStore,
) -> None:
    with store.batch():
        store.save(article("https://a.example/x", OTHER), site="a", aliases=[], now=NOW)
        assert store.save(article("https://a.example/x", WIRE), site="a", aliases=[], now=NOW) == (
            "updated"
        )
        copy = article("https://a.example/y", WIRE)
        assert store.save(copy, site="a", aliases=[], now=NOW) == "duplicate"
        store.save(article("https://b.example/y", REWRITE), site="b", aliases=[], now=NOW)
        store.save(article("https://c.example/z", OTHER, "Sony"), site="c", aliases=[], now=NOW)
    story = stories_of(store)
    assert story["https://b.example/y"] == story["https://a.example/x"]  # the new text
    assert story["https://c.example/z"] != story["https://a.example/x"]  # not the old one
    assert band_rows(store, "https://a.example/x") == BANDS  # the old text's rows are gone
    # its full-text row is the new text's too
    store.db.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")
    found = store.db.execute(
        "SELECT a.url FROM articles_fts f JOIN articles a ON a.id = f.rowid "
        "WHERE articles_fts MATCH 'kumamoto' ORDER BY a.url"
    ).fetchall()
    assert found == [("https://c.example/z",)]


def test_a_failed_batch_leaves_no_story_rows(store: ArticleStore) -> None:
    with pytest.raises(RuntimeError), store.batch():
        store.save(article("https://a.example/x", WIRE), site="a", aliases=[], now=NOW)
        raise RuntimeError("the crawl stopped")
    assert store.articles.count == 0
    assert store.db.table("story_bands").count == 0
    assert store.save(article("https://a.example/x", WIRE), site="a", aliases=[], now=NOW) == "new"
    store.save(article("https://b.example/y", REWRITE), site="b", aliases=[], now=NOW)
    story = stories_of(store)
    assert story["https://b.example/y"] == story["https://a.example/x"]
    assert band_rows(store, "https://a.example/x") == BANDS


def test_the_stories_view_shows_one_row_per_story(store: ArticleStore) -> None:
    store.save(article("https://a.example/x", WIRE), site="a", aliases=[], now=NOW)
    store.save(
        article("https://b.example/y", REWRITE, "Japan gets $2.9bn"), site="b", aliases=[], now=NOW
    )
    store.save(
        article("https://c.example/z", OTHER, "Sony builds plant"), site="c", aliases=[], now=NOW
    )
    rows = list(store.db.query("SELECT * FROM stories ORDER BY story"))
    assert [(r["headline"], json.loads(r["sites"]), r["articles"]) for r in rows] == [
        ("Microsoft invests in Japan", ["a", "b"], 2),
        ("Sony builds plant", ["c"], 1),
    ]
    assert rows[0]["first_seen"] == NOW.isoformat()


def test_story_and_alias_columns_declare_their_foreign_keys(store: ArticleStore) -> None:
    keys = {(fk.table, fk.column, fk.other_table) for fk in store.db.table("articles").foreign_keys}
    assert ("articles", "story_id", "articles") in keys
    bands = {(fk.column, fk.other_table) for fk in store.db.table("story_bands").foreign_keys}
    assert bands == {("article_id", "articles")}


def test_a_story_on_three_sites_shows_once_with_also_covered_by(tmp_path: Path) -> None:
    config = parse_config(
        "[[watch]]\nname = \"Microsoft in Japan\"\nquery = 'Microsoft AND Japan'\n"
        'notify = ["alice@example.com"]\ncadence = "immediate"\n',
        path=tmp_path / "newsmon.toml",
        environ={},
    )
    store = ArticleStore.open(config.store.path)
    for site, body in (("a", WIRE), ("b", REWRITE), ("c", OTHER)):
        url = f"https://{site}.example/story"
        store.save(article(url, body, f"Headline {site}"), site=site, aliases=[], now=NOW)
    assert match_new(store, config.watches, now=NOW).alerts == 3
    preview = send_digests(store, None, delivery_plan(config), now=NOW).previews
    assert len(preview) == 1
    text = next(
        part.get_content() for part in preview[0].walk() if part.get_content_type() == "text/plain"
    )
    assert text.count("Headline a") == 1
    assert "Headline b" not in text  # the rewrite is the same story: a link, not an entry
    assert "https://b.example/story" in text
    assert "Headline c" in text  # Sony's plant is another story


@pytest.mark.parametrize(
    "variant",
    [
        "http://mspoweruser.com/microsoft-japan/",
        "https://www.mspoweruser.com/microsoft-japan/?utm_source=rss&utm_medium=rss",
        "https://mspoweruser.com/microsoft-japan/amp/",
        "https://mspoweruser.com/microsoft-japan",
    ],
)
def test_the_crawler_does_not_fetch_a_variant_of_a_stored_article(
    tmp_path: Path, variant: str
) -> None:
    from datetime import timedelta

    from scrapy import Request
    from scrapy.exceptions import IgnoreRequest
    from scrapy.statscollectors import MemoryStatsCollector
    from scrapy.utils.test import get_crawler

    from crawler.middlewares import ENTRY, KnownArticleMiddleware
    from crawler.sites import site_from_dict

    path = tmp_path / "news.db"
    store = ArticleStore.open(path)
    url = "https://mspoweruser.com/microsoft-japan/"
    just_now = datetime.now(UTC) - timedelta(minutes=1)
    store.save(article(url, WIRE), site="mspoweruser", aliases=[url], now=just_now)
    store.close()
    crawler = get_crawler(settings_dict={"NEWSMON_DB": str(path)})
    crawler.stats = MemoryStatsCollector(crawler)
    middleware = KnownArticleMiddleware.from_crawler(crawler)
    site = site_from_dict({"name": "mspoweruser", "home": "https://mspoweruser.com/"})

    def request(link: str) -> Request:
        return Request(link, meta={ENTRY: {"guid": None}}, cb_kwargs={"site": site})

    with pytest.raises(IgnoreRequest, match="not due"):
        middleware.process_request(request(variant))
    assert middleware.process_request(request("https://mspoweruser.com/another-story/")) is None
    middleware.store.close()
