"""Forum threads, documentation and shop products are not articles, however much prose they
hold and whatever og:type they set; stories that share one sign with them still are.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawler.extract import extract_article

NOW = datetime(2025, 3, 1, tzinfo=UTC)
PROSE = "".join(
    f"<p>Reply {n}: the pump on the boat keeps running after the float switch drops, and the"
    " battery is flat by morning; I have checked the wiring twice.</p>"
    for n in range(6)
)


def doc(head: str = "", body: str = PROSE, body_class: str = "") -> str:
    head = "<title>Bilge pump keeps running</title>" + head
    return f'<html><head>{head}</head><body class="{body_class}"><main>{body}</main></body></html>'


def ld(value: str) -> str:
    return f'<script type="application/ld+json">{value}</script>'


ARTICLE_LD = ld('{"@type": "BlogPosting", "headline": "Bilge pump keeps running"}')
OG_ARTICLE = '<meta property="og:type" content="article">'
SIGNED_DATED = (
    OG_ARTICLE
    + '<meta name="author" content="Jane Doe">'
    + '<meta property="article:published_time" content="2025-02-01">'
)
COMMENTS = "".join(
    f'<div itemscope itemtype="https://schema.org/Comment"><p itemprop="text">Comment {n}</p></div>'
    for n in range(3)
)


@pytest.mark.parametrize(
    ("head", "body", "body_class", "url"),
    [
        # a thread declared as such, even with og:type article
        (
            OG_ARTICLE + ld('{"@type": "DiscussionForumPosting", "headline": "Bilge pump"}'),
            PROSE,
            "",
            "https://boats.example/bilge-pump-keeps-running",
        ),
        (
            ld('{"@type": "QAPage", "mainEntity": {"@type": "Question"}}'),
            PROSE,
            "",
            "https://qa.example/x",
        ),
        ('<meta name="generator" content="Discourse 3.4.0">', PROSE, "", "https://f.example/x"),
        # forum engines' thread addresses
        ("", PROSE, "", "https://boats.example/viewtopic.php?t=4021"),
        ("", PROSE, "", "https://boats.example/showthread.php?t=4021"),
        ("", PROSE, "", "https://boats.example/threads/bilge-pump-keeps-running.4021/"),
        ("", PROSE, "", "https://boats.example/t/bilge-pump-keeps-running/4021"),
        ("", PROSE, "", "https://social.example/r/boating/comments/abc12/bilge_pump/"),
        ("", PROSE, "", "https://boats.example/index.php?topic=4021.0"),
        # a site's forum by its name, though its thread is signed and dated as a story is
        (SIGNED_DATED, PROSE, "", "https://forum.boats.example/topic/bilge-pump"),
        (SIGNED_DATED, PROSE, "", "https://boats.example/forum/bilge-pump?page=2"),
        (SIGNED_DATED, PROSE, "", "https://boats.example/discussions/bilge-pump-keeps-running"),
        # posts marked up as comments, with no article object of the page's own
        ("", COMMENTS + PROSE, "", "https://boats.example/bilge-pump-keeps-running"),
        # documentation engines and places
        ('<meta name="generator" content="Docutils 0.19">', PROSE, "", "https://p.example/pump"),
        ('<meta name="generator" content="MkDocs 1.6">', PROSE, "", "https://p.example/pump"),
        (OG_ARTICLE.replace("article", "website"), PROSE, "", "https://p.example/docs/pump/"),
        (OG_ARTICLE, PROSE, "", "https://p.example/docs/18/pump.html"),
        ("", PROSE, "", "https://docs.pump.example/guide/wiring"),
        ("", PROSE, "", "https://pump.example/wiki/Float_switch"),
        # documentation that invites readers to correct it
        (
            "",
            PROSE + '<a href="https://git.example/pump/edit/main/wiring.md">Edit this page</a>',
            "",
            "https://pump.example/wiring",
        ),
        # shop products
        (OG_ARTICLE, PROSE, "single product-template-default postid-9", "https://s.example/p/x"),
        (
            ld('{"@type": "Product", "name": "Pump", "offers": {"@type": "Offer", "price": 9}}'),
            PROSE,
            "",
            "https://s.example/bilge-pump-12v",
        ),
        ("", PROSE, "", "https://s.example/products/bilge-pump-12v"),
        # shop categories: their products marked up as a set, or at a collections path
        (
            "",
            '<div itemscope itemtype="http://schema.org/SomeProducts">' + PROSE + "</div>",
            "",
            "https://s.example/pumps/",
        ),
        ("", PROSE, "", "https://s.example/collections/bilge-pumps"),
        # a section named for what it lists
        ("", PROSE, "", "https://marina.example/news"),
        ("", PROSE, "", "https://marina.example/about/blog/"),
        # ... whatever og:type the site gives every page
        (OG_ARTICLE, PROSE, "", "https://marina.example/news"),
        (OG_ARTICLE, PROSE, "", "https://marina.example/search?q=pump"),
    ],
)
def test_forum_documentation_and_shop_pages_are_not_articles(
    head: str, body: str, body_class: str, url: str
) -> None:
    assert extract_article(doc(head, body, body_class), url, now=NOW) is None


@pytest.mark.parametrize(
    ("head", "body", "url"),
    [
        # a blog post whose theme marks up its comments
        (ARTICLE_LD, PROSE + COMMENTS, "https://boats.example/2025/02/bilge-pump-keeps-running"),
        # a story filed under a section named "reference" or "docs"
        (ARTICLE_LD, PROSE, "https://news.example/reference/bilge-pump-keeps-running"),
        (OG_ARTICLE, PROSE, "https://news.example/doc/7715044"),
        (OG_ARTICLE, PROSE, "https://marina.example/news/bilge-pump-keeps-running"),
        # a newspaper's opinion section called Forum
        (ARTICLE_LD, PROSE, "https://news.example/forum/bilge-pump-keeps-running"),
        # a story inviting corrections, with its own article object
        (ARTICLE_LD, PROSE + '<a href="/corrections">Suggest an edit</a>', "https://n.example/x"),
        # a review with the product it reviews
        (
            ARTICLE_LD
            + ld('{"@type": "Product", "name": "Pump", "offers": {"@type": "Offer", "price": 9}}'),
            PROSE,
            "https://news.example/reviews/bilge-pump-12v",
        ),
    ],
)
def test_stories_sharing_one_sign_stay_articles(head: str, body: str, url: str) -> None:
    assert extract_article(doc(head, body), url, now=NOW) is not None


@pytest.mark.parametrize(
    ("head", "url"),
    [
        # the canonical names the story; og:url was left at the site's root
        (
            '<link rel="canonical" href="https://edu.example/blog/planning-basics-guide">'
            '<meta property="og:url" content="https://edu.example">',
            "https://edu.example/blog/planning-basics-guide",
        ),
        # an og:url whose host swallowed the path is no declaration at all
        (
            '<meta property="og:url" content="https://blog.example%2Fposts%2Fpump-notes">',
            "https://blog.example/posts/pump-notes",
        ),
        # a dated address under an archive path
        ("", "https://pumps.example/archives/2025/12/16/bilge_pump.html"),
    ],
)
def test_a_story_that_looks_like_a_listing_by_one_sign_only(head: str, url: str) -> None:
    assert extract_article(doc(head), url, now=NOW) is not None


def test_a_story_whose_address_is_not_known_is_not_a_home_page() -> None:
    # a page handed over without its URL (a saved file, a corpus page): "" has no path, but it
    # names no site's front page either
    head = OG_ARTICLE + '<meta name="author" content="Jane Doe">'
    assert extract_article(doc(head), "", now=NOW) is not None
    assert extract_article(doc(), "", now=NOW) is not None


def test_every_address_declaring_the_home_page_still_makes_a_listing() -> None:
    head = (
        '<link rel="canonical" href="https://edu.example/">'
        '<meta property="og:url" content="https://edu.example">'
    )
    assert extract_article(doc(head), "https://edu.example/welcome-page", now=NOW) is None


# A business's page about what it offers: a paragraph of sales prose, no date, no article
# object.
OFFER = (
    "<h1>Data analytics services</h1>"
    "<p>Our consultants turn the figures your teams already collect into dashboards, forecasts"
    " and plain answers, so that decisions rest on evidence rather than on the loudest voice.</p>"
    "<p>Book a free call</p><ul><li>Dashboards</li><li>Forecasting</li><li>Training</li></ul>"
)
EVERGREEN = "".join(
    f"<p>Step {n}: before you call anyone, write down which rooms lose heat fastest, when the"
    " boiler last had a service, and what the last three bills came to, so a quote can be"
    " compared with what you pay now.</p>"
    for n in range(5)
)
LOCAL_BUSINESS = ld('{"@type": "LocalBusiness", "name": "Harbour Analytics"}')


@pytest.mark.parametrize(
    ("head", "body", "url"),
    [
        # a path section of services, products, courses ...
        ("", OFFER + EVERGREEN, "https://firm.example/services/data-analytics/"),
        ("", OFFER, "https://uni.example/programs/data-science"),
        # the business's own JSON-LD, og:type article set by the theme on every page
        (LOCAL_BUSINESS + OG_ARTICLE, OFFER + EVERGREEN, "https://firm.example/data-analytics"),
        # a course's JSON-LD and a byline (a course's tutor)
        (
            ld('{"@type": "Course", "name": "Data analytics"}')
            + '<meta name="author" content="Mira Okafor">',
            OFFER,
            "https://uni.example/data-analytics",
        ),
    ],
)
def test_service_pages_without_any_sign_of_a_story_are_not_articles(
    head: str, body: str, url: str
) -> None:
    assert extract_article(doc(head, body), url, now=NOW) is None


@pytest.mark.parametrize(
    ("head", "body", "url"),
    [
        # an evergreen guide: no date or byline, but a headline slug, a blog section, its prose
        ("", EVERGREEN, "https://heat.example/how-to-compare-boiler-service-quotes"),
        ("", OFFER, "https://heat.example/blog/boilers"),
        # no sign either way
        ("", OFFER, "https://heat.example/boilers"),
        # a dated story under a services section
        (
            '<meta property="article:published_time" content="2025-02-01T09:00:00Z">'
            '<meta name="author" content="Mira Okafor">',
            OFFER,
            "https://city.example/services/bin-collection-changes",
        ),
        (ARTICLE_LD + '<meta name="author" content="Mira Okafor">', OFFER, "https://c.example/x"),
    ],
)
def test_stories_without_a_date_or_under_a_services_path_stay_articles(
    head: str, body: str, url: str
) -> None:
    assert extract_article(doc(head, body), url, now=NOW) is not None


def card(n: int) -> str:
    """One blurb of a landing page, in its own row of the grid, as page builders nest them."""
    return (
        f'<section><div class="row"><div class="col"><div class="card"><h2>Plan {n}</h2>'
        f"<p>Our crew checks the pump, the float switch and the wiring on every visit, plan {n}"
        " included, with parts at cost.</p></div></div></div></section>"
    )


CALLS = "".join(
    f'<a href="/{slug}">{text}</a>'
    for slug, text in (
        ("start", "Get started"),
        ("demo", "Request a demo"),
        ("contact", "Contact us"),
        ("book", "Book a visit"),
    )
)
NAV = "<nav>" + "".join(f'<a href="/s{n}">Service area {n}</a>' for n in range(12)) + "</nav>"
STORY = "".join(
    f"<p>Part {n}: a bilge pump that keeps running after the float switch drops usually has a"
    " stuck switch, a check valve letting water back, or a leak it is keeping up with; here is"
    " how to tell which, starting with the cheapest test and working up to the wiring.</p>"
    for n in range(8)
)


def landing(main: str, head: str = "", calls: str = CALLS) -> str:
    return (
        f"<html><head><title>Bilge Care</title>{head}</head><body>{NAV}<main><h1>Bilge Care</h1>"
        f"{main}</main><footer>{calls}</footer></body></html>"
    )


def priced(n: int) -> str:
    """A blurb with the plan's price."""
    return card(n).replace(", with parts at cost.", f", from ${49 + 10 * n} a month.")


# What an SEO plugin puts on every page, a service's too: the page dated, no article in it.
WEBPAGE_DATED = ld(
    '{"@graph": [{"@type": "WebPage", "name": "Bilge Care", "datePublished": "2024-05-01"},'
    ' {"@type": "Organization", "name": "Pumps"}]}'
)


# A customer's name under a testimonial, which a reader of bylines may take for an author's.
TESTIMONIAL = (
    "<blockquote>Great crew, fixed our pump in an hour.</blockquote><p><b>Jane Doe</b></p>"
)


@pytest.mark.parametrize(
    ("head", "extra", "calls", "prices"),
    [
        ("", "", CALLS, 0),
        (WEBPAGE_DATED, "", CALLS, 0),
        ("", TESTIMONIAL, CALLS, 0),
        ("", "", "", 5),  # no calls to action, but its plans' prices
    ],
)
def test_a_landing_page_of_blurbs_and_calls_to_action_is_not_an_article(
    head: str, extra: str, calls: str, prices: int
) -> None:
    # no article object, template, dateline or story address; short headline, four calls to
    # action or five prices, no byline or date of a story, no run of prose longer than a blurb
    blurbs = "".join(priced(n) if n < prices else card(n) for n in range(6))
    page = landing(extra + blurbs, head, calls)
    assert extract_article(page, "https://pumps.example/bilge-care", now=NOW) is None


@pytest.mark.parametrize(
    "main",
    [
        # an evergreen guide at the same kind of address: one long run of prose
        "".join(card(n) for n in range(2)) + STORY,
        # a dateline beside the headline
        "<p>March 1, 2025</p>" + "".join(card(n) for n in range(6)),
    ],
)
def test_a_guide_with_calls_to_action_is_still_an_article(main: str) -> None:
    assert extract_article(landing(main), "https://pumps.example/bilge-care", now=NOW) is not None


@pytest.mark.parametrize(
    "headline",
    [
        "12 Bilge Pumps Compared",
        "Best Bilge Pumps for 2025: Our Top 5",
        "The Top 10 Bilge Pumps of 2025",
        "Diaphragm vs. Centrifugal Bilge Pumps",
    ],
)
def test_a_listicle_or_comparison_with_prices_and_calls_to_action_is_an_article(
    headline: str,
) -> None:
    # all the marks of a landing page (calls to action, priced blurbs, no byline or date), but
    # a headline that counts, ranks or compares what it covers
    page = landing("".join(priced(n) for n in range(6))).replace("Bilge Care", headline)
    assert extract_article(page, "https://pumps.example/bilge-pumps", now=NOW) is not None
    service = landing("".join(priced(n) for n in range(6))).replace("Bilge Care", "Bilge Pumps")
    assert extract_article(service, "https://pumps.example/bilge-pumps", now=NOW) is None


@pytest.mark.parametrize(
    ("section", "is_article"),
    [("boat-guides", True), ("marina-news", True), ("boat-services", False), ("guides-x", False)],
)
def test_a_section_named_for_stories_of_a_kind_is_a_story_address(
    section: str, is_article: bool
) -> None:
    # a landing page's marks at a guide's address: /boat-guides/ holds guides as /guides/ does
    page = landing("".join(card(n) for n in range(6)))
    found = extract_article(page, f"https://pumps.example/{section}/bilge-care", now=NOW)
    assert (found is not None) == is_article


def test_an_explainer_under_a_services_section_is_an_article() -> None:
    # a services section in the path and no date or byline, but the headline asks what the
    # page answers
    page = doc(body=PROSE).replace("Bilge pump keeps running", "What is a float switch?")
    assert extract_article(page, "https://pumps.example/services/what-is", now=NOW) is not None
    how_to = doc(body=PROSE).replace("Bilge pump keeps running", "How to test a float switch")
    assert extract_article(how_to, "https://pumps.example/services/testing", now=NOW) is not None


CODE = "<pre>pump --test --float 12v</pre><p>Then read the current:</p><pre>pump --amps</pre>"


def test_code_examples_that_no_one_signs_or_dates_are_documentation() -> None:
    page = doc(body=PROSE + CODE)
    assert extract_article(page, "https://pump.example/guide/wiring", now=NOW) is None


@pytest.mark.parametrize(
    ("body", "url"),
    [
        # a programmer's post: signed
        ('<p class="byline">By Jane Doe</p>' + PROSE + CODE, "https://pump.example/guide/wiring"),
        # dated beside its headline
        (
            "<h1>Bilge pump keeps running</h1><p>March 1, 2025</p>" + PROSE + CODE,
            "https://pump.example/wiring",
        ),
        # in the site's blog
        (PROSE + CODE, "https://pump.example/blog/wiring"),
    ],
)
def test_a_signed_or_dated_post_with_code_is_an_article(body: str, url: str) -> None:
    assert extract_article(doc(body=body), url, now=NOW) is not None


@pytest.mark.parametrize(
    ("author", "is_article"),
    [
        ('{"@type": "Organization", "name": "Pumps Inc"}', False),  # the company's reference
        ('{"@type": "Person", "name": "Jane Doe"}', True),  # a developer's post
        ('"Jane Doe"', True),
    ],
)
def test_a_technical_article_that_a_company_signs_is_documentation(
    author: str, is_article: bool
) -> None:
    head = ld(
        f'{{"@type": "TechArticle", "headline": "Bilge pump keeps running", "author": {author}}}'
    )
    found = extract_article(doc(head), "https://pumps.example/pump/wiring", now=NOW)
    assert (found is not None) == is_article


def teasers(count: int) -> str:
    return "".join(
        f'<div class="teaser"><h3><a href="/boats/pump-story-number-{n}">Pump story number {n}'
        f" and what the crew found</a></h3><p>A short summary of story {n}.</p></div>"
        for n in range(count)
    )


@pytest.mark.parametrize(
    ("main", "is_article"),
    [
        # a section's page of teasers, on a site that calls every page og:type article
        (teasers(10), False),
        # a listicle: linked picks with the story's long paragraphs between them
        (teasers(5) + "<div>" + PROSE + PROSE + "</div>" + teasers(5), True),
    ],
)
def test_og_type_article_alone_does_not_make_a_page_of_teasers_a_story(
    main: str, is_article: bool
) -> None:
    head = OG_ARTICLE + '<meta property="article:published_time" content="2025-02-01">'
    page = doc(head, main).replace("Bilge pump keeps running", "The latest news from our boats")
    found = extract_article(page, "https://marina.example/boats/", now=NOW)
    assert (found is not None) == is_article


BOT_CHECK = (
    "<html><head><title>Making sure you&#39;re not a bot!</title></head><body><main>"
    "<h1>Making sure you&#39;re not a bot!</h1><p>Loading...</p><p>You are seeing this because"
    " the administrator of this website has set up a proof-of-work check to protect the server"
    " against scrapers. Your browser is solving it now; please wait a moment.</p>"
    "<p>Published on 2025-02-01.</p></main></body></html>"
)


@pytest.mark.parametrize(
    ("page", "is_article"),
    [
        # the check a site shows in place of the page, with no address known
        (BOT_CHECK, False),
        (BOT_CHECK.replace("Making sure you&#39;re not a bot!", "Just a moment..."), False),
        # a story headlined so goes on for longer
        (BOT_CHECK.replace("</main>", PROSE * 3 + "</main>"), True),
    ],
)
def test_a_bot_check_shown_instead_of_the_page_is_not_an_article(
    page: str, is_article: bool
) -> None:
    for url in ("", "https://pumps.example/bilge-pump-keeps-running"):
        assert (extract_article(page, url, now=NOW) is not None) == is_article


def test_a_signed_article_under_a_topic_section_is_an_article() -> None:
    # an encyclopaedia's article: og:type article, a byline in the markup, no date
    head = OG_ARTICLE + '<meta name="author" content="Mira Okafor">'
    page = doc(head, EVERGREEN)
    assert extract_article(page, "https://enc.example/topic/boiler-service", now=NOW) is not None


def test_a_tag_page_that_leads_with_a_video_is_a_listing() -> None:
    head = (
        OG_ARTICLE
        + '<meta property="article:published_time" content="2025-02-01">'
        + ld('{"@type": "VideoObject", "name": "Pump test", "uploadDate": "2025-02-01"}')
    )
    page = doc(head, teasers(10)).replace("Bilge pump keeps running", "Pumps: news and video")
    assert extract_article(page, "https://marina.example/tag/pumps", now=NOW) is None
    # the same page at a story's address is a video story with its suggestions
    assert extract_article(page, "https://marina.example/video/pump-test", now=NOW) is not None


@pytest.mark.parametrize(
    ("link", "is_article"),
    [
        ('<a href="https://github.com/pumps/docs/blob/main/wiring.md">Edit</a>', False),
        (
            '<a href="https://github.com/p/d/blob/main/wiring.rst?plain=1">Show source</a>',
            False,
        ),
        ('<a href="https://github.com/pumps/docs/edit/main/wiring.mdx"><svg></svg></a>', False),
        # a story that links to a repository's file under words of its own
        ('<a href="https://github.com/pumps/blog/edit/main/posts/wiring.md">Send a fix</a>', True),
        ('<a href="https://github.com/pumps/pump/blob/main/README.md">the README</a>', True),
    ],
)
def test_a_page_linking_to_its_own_source_file_is_documentation(
    link: str, is_article: bool
) -> None:
    found = extract_article(doc(body=PROSE + link), "https://pumps.example/wiring", now=NOW)
    assert (found is not None) == is_article


CALCULATOR = (
    "<h1>{headline}</h1><form><label>Age <input type='number' name='age'></label>"
    "<label>Savings <input type='number' name='savings'></label><button>Calculate</button>"
    "</form>" + EVERGREEN
)


@pytest.mark.parametrize(
    ("headline", "head", "is_article"),
    [
        ("Retirement calculator: how much do I need to retire?", "", False),
        ("Free Pension Checker", OG_ARTICLE, False),
        # stories about tools
        ("A guide to retirement calculators", "", True),
        ("The new pension calculator: what it means for savers", "", True),
        # a story headlined with the tool's name, signed and dated
        ("Pension calculator: how much do I need?", SIGNED_DATED, True),
    ],
)
def test_a_page_named_for_an_online_tool_is_not_an_article(
    headline: str, head: str, is_article: bool
) -> None:
    page = doc(head, CALCULATOR.format(headline=headline)).replace(
        "Bilge pump keeps running", headline
    )
    found = extract_article(page, "https://bank.example/retirement/pension-calculator", now=NOW)
    assert (found is not None) == is_article
