"""Pages modelled on what news CMSs emit: listings must come back None, stories as articles.

The non-articles are the hard kind: a category whose slug reads like a story's, a tag page
with og:type "article", a hub of <a><h2> cards at a path with no listing word, an author page.
The articles carry what listings carry: related-story rails, comment threads, pagination links.
"""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.extract import extract_article

PAGES = Path(__file__).parent / "fixtures" / "pages"
NOW = datetime(2024, 4, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("name", "url"),
    [
        ("notarticle_wp_category.html", "https://wp.example/category/windows-11-insider-builds/"),
        ("notarticle_wp_tag.html", "https://wp.example/tag/surface-pro-x-reviews/"),
        ("notarticle_wp_home_paged.html", "https://wp.example/page/3/"),
        ("notarticle_wp_search.html", "https://wp.example/search/surface-pro-x-battery-life/"),
        ("notarticle_wp_author.html", "https://wp.example/author/jean-luc-van-der-berg/"),
        ("notarticle_hub_cards.html", "https://www.verge.example/ai-artificial-intelligence"),
        ("notarticle_section_itemlist_nested.html", "https://ars.example/gadgets/"),
        ("notarticle_topic_page.html", "https://www.heise.example/thema/Kuenstliche-Intelligenz"),
        (
            "notarticle_author_page.html",
            "https://www.engadget.example/about/editors/dana-whitfield/",
        ),
        ("notarticle_card_grid.html", "https://www.zd.example/security/?page=2"),
        ("notarticle_tag_page.html", "https://tc.example/tag/generative-ai-startup-funding/"),
        ("notarticle_section_blurb.html", "https://daily.example/technology"),
        ("notarticle_edition_home.html", "https://www.zd.example/uk/"),
    ],
)
def test_listing_is_not_an_article(name: str, url: str) -> None:
    assert extract_article((PAGES / name).read_bytes(), url, now=NOW) is None


@pytest.mark.parametrize(
    ("name", "url", "title"),
    [
        (
            "article_sparse_related_rail.html",
            "https://riverside.example/news/council-ai-audit",
            "Council votes to audit AI hiring tools",
        ),
        (
            "article_sparse_related_rail.html",
            "https://riverside.example/section/news/2024/03/12/council-votes-to-audit-ai-tools",
            "Council votes to audit AI hiring tools",
        ),
        (
            "article_aspnet_form.html",
            "https://herald.example/News/ViewArticle.aspx?id=1234",
            "Council votes to audit AI hiring tools",
        ),
        (
            "article_short_brief.html",
            "https://daily.example/2024/03/12/council-approves-ai-audit-rule",
            "Council approves AI audit rule",
        ),
        (
            "article_wp_single.html",
            "https://wp.example/council-ai-audit/",
            "Council votes to audit AI hiring tools",
        ),
        (
            "article_nextjs_sparse.html",
            "https://www.verge.example/tech/council-ai-audit",
            "Council votes to audit AI hiring tools",
        ),
        (
            "article_liveblog.html",
            "https://www.verge.example/live/apple-event",
            "Apple event live: every announcement as it happens",
        ),
        (
            "article_video.html",
            "https://www.verge.example/videos/pixel-hands-on",
            "Pixel hands-on: the camera bar grows up",
        ),
    ],
)
def test_story_is_an_article(name: str, url: str, title: str) -> None:
    article = extract_article((PAGES / name).read_bytes(), url, now=NOW)
    assert article is not None
    assert article.title == title
    assert article.body


def _page_with_body_class(classes: str) -> str:
    return (
        '<html><head><meta property="og:type" content="article"><title>Windows</title></head>'
        f'<body class="{classes}"><h1>Windows</h1>'
        "<p>Everything we have written about Windows, newest first, from updates to reviews.</p>"
        '<h2><a href="/2024/03/12/windows-update-breaks-printers/">Update breaks printers</a></h2>'
        "</body></html>"
    )


@pytest.mark.parametrize(
    ("classes", "is_listing"),
    [
        ("archive category category-windows category-12 hfeed", True),
        ("archive tag tag-windows tag-40", True),
        ("archive author author-dana author-3", True),
        ("archive date", True),
        ("search search-results", True),
        ("home blog", True),
        ("blog paged paged-2", True),
        ("tag-template tag-windows", True),
        ("archive", False),  # a site's own class, not WordPress's archive template
        ("post-template-default single single-post postid-4821", False),
    ],
)
def test_wordpress_and_ghost_body_classes_name_the_template(classes: str, is_listing: bool) -> None:
    url = "https://wp.example/windows-news-and-reviews/"
    article = extract_article(_page_with_body_class(classes), url, now=NOW)
    assert (article is None) is is_listing


@pytest.mark.parametrize(
    ("jsonld", "is_listing"),
    [
        ('{"@type": "CollectionPage", "name": "Windows"}', True),
        ('{"@graph": [{"@type": ["CollectionPage", "SearchResultsPage"]}]}', True),
        ('{"@type": "ProfilePage", "mainEntity": {"@type": "Person", "name": "Dana"}}', True),
        ('{"@type": "WebPage", "mainEntity": {"@type": "ItemList", "numberOfItems": 20}}', True),
        (
            '{"@graph": [{"@type": "NewsArticle", "headline": "Windows"}, {"@type": "WebPage"}]}',
            False,
        ),
        ('[{"@type": "CollectionPage"}, {"@type": "NewsArticle", "headline": "Windows"}]', False),
        ('{"@type": "WebPage", "mainEntity": {"@type": "NewsArticle", "headline": "W"}}', False),
    ],
)
def test_jsonld_page_type_beats_og_article(jsonld: str, is_listing: bool) -> None:
    page = _page_with_body_class("").replace(
        "</head>", f'<script type="application/ld+json">{jsonld}</script></head>'
    )
    article = extract_article(page, "https://wp.example/windows-news-and-reviews/", now=NOW)
    assert (article is None) is is_listing


@pytest.mark.parametrize(
    "path",
    ["/thema/Kuenstliche-Intelligenz", "/autor/dana-whitfield", "/autoren/dana-whitfield/"],
)
def test_german_topic_and_author_paths_are_listings(path: str) -> None:
    page = (
        "<html><head><title>Dana Whitfield | heise example</title></head><body>"
        "<h1>Dana Whitfield</h1><p>Redakteurin für Hardware und Netzpolitik seit 2015.</p>"
        '<h3><a href="/news/intel-verschiebt-desktop-chips-9876543.html">Intel verschiebt</a></h3>'
        "</body></html>"
    )
    assert extract_article(page, "https://www.heise.example" + path, now=NOW) is None
