"""Canonical URLs: one spelling per story."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crawler.extract import extract_article
from crawler.urls import canonical_url, identity_key

URLISH = (
    r"(HTTPS?|https?)://(www\.|amp\.)?[a-z]{1,5}\.(com|co\.uk)(:(80|443|8080))?"
    r"(/(amp|AMP|x|a\.amp\.html|[a-z]{0,3}))*/?(\?((utm_source|amp|amp;amp;ref|id|outputType|b)=(1|amp|x|)&?){0,4})?(#[a-z]*)?"
)


# Shapes seen in the catalog's feeds and the shared corpus (fundus, aeb, wcxb, feeds); a
# string is the URL as a feed or page links it, then the spelling the store keeps.
REAL_WORLD = [
    # heise: Webtrekk on every feed link; "seite=all" is a different page and stays
    (
        "https://www.heise.de/news/Ionos-Phishing-Masche-9691259.html?wt_mc=rss.red.ho.ho.rdf.beitrag.beitrag",
        "https://www.heise.de/news/Ionos-Phishing-Masche-9691259.html",
    ),
    (
        "https://www.heise.de/news/Ionos-9691259.html?wt_mc=rss.red.ho&seite=all",
        "https://www.heise.de/news/Ionos-9691259.html?seite=all",
    ),
    (
        "https://www.heise.de/en/news/Meta-AI-10213341.html?wt_mc=rss.red.hoe.beitrag.atom",
        "https://www.heise.de/en/news/Meta-AI-10213341.html",
    ),
    # Yahoo/Engadget consent bounce
    (
        "https://www.engadget.com/apple-vision-pro-123.html?guccounter=1&guce_referrer=aHR0cHM6"
        "&guce_referrer_sig=AQAAA",
        "https://www.engadget.com/apple-vision-pro-123.html",
    ),
    (
        "https://techcrunch.com/2024/03/01/openai-sora/?guccounter=2",
        "https://techcrunch.com/2024/03/01/openai-sora/",
    ),
    # WordPress feeds (utm_* triplets), trailing slash kept as served
    (
        "https://restofworld.org/2025/oman-space-industry-launchpad-satellites/?utm_source=rss"
        "&utm_medium=rss&utm_campaign=feeds",
        "https://restofworld.org/2025/oman-space-industry-launchpad-satellites/",
    ),
    (
        "https://www.politico.eu/article/catherine-connolly-poised-win/?utm_source=RSS_Feed"
        "&utm_medium=RSS&utm_campaign=RSS_Syndication",
        "https://www.politico.eu/article/catherine-connolly-poised-win/",
    ),
    (
        "https://www.stern.de/wirtschaft/geld/epi-33420056.html?utm_campaign=alle-nachrichten"
        "&utm_medium=rss-feed&utm_source=standard",
        "https://www.stern.de/wirtschaft/geld/epi-33420056.html",
    ),
    (
        "https://mspoweruser.com/microsoft-japan-ai-investment/?utm_source=rss&utm_medium=rss",
        "https://mspoweruser.com/microsoft-japan-ai-investment/",
    ),
    # Slashdot's RSS 1.0 escapes "&" twice: "&amp;amp;utm_medium"
    (
        "http://apple.slashdot.org/story/14/02/22/146237/steve-jobs-stamp?utm_source=rss1.0more"
        "anon&amp;amp;utm_medium=feed",
        "http://apple.slashdot.org/story/14/02/22/146237/steve-jobs-stamp",
    ),
    # referral markers of single publishers
    (
        "https://www.derstandard.at/story/3000000218734/kalifat?ref=rss",
        "https://www.derstandard.at/story/3000000218734/kalifat",
    ),
    (
        "https://www.cbc.ca/news/world/gaza-1.7287711?cmp=rss",
        "https://www.cbc.ca/news/world/gaza-1.7287711",
    ),
    (
        "https://www.dw.com/de/ukrainische-gegenoffensive/a-65464327?maca=de-rss-de-all-1119-xml-mrss",
        "https://www.dw.com/de/ukrainische-gegenoffensive/a-65464327",
    ),
    (
        "https://metro.co.uk/2024/07/17/king-charles-speech-21244172/?ico=mosaic_politics",
        "https://metro.co.uk/2024/07/17/king-charles-speech-21244172/",
    ),
    (
        "https://www.publico.es/sociedad/vecinos-carabanchel.html?dicbo=v2-ppm5bdi",
        "https://www.publico.es/sociedad/vecinos-carabanchel.html",
    ),
    (
        "https://www.msn.com/en-us/news/us/doctors-flu-shots/ar-BBWZedJ?srcref=rss",
        "https://www.msn.com/en-us/news/us/doctors-flu-shots/ar-BBWZedJ",
    ),
    (
        "https://www.independent.co.uk/news/world/story-b2512345.html?ito=social-twitter",
        "https://www.independent.co.uk/news/world/story-b2512345.html",
    ),
    (
        "https://www.msn.com/en-gb/money/technology/ar-AA1rfk?ocid=msedgntp&cvid=7c1",
        "https://www.msn.com/en-gb/money/technology/ar-AA1rfk?cvid=7c1",
    ),
    (
        "https://edition.cnn.com/2024/05/01/tech/apple-earnings/index.html?cmpid=rss",
        "https://edition.cnn.com/2024/05/01/tech/apple-earnings/index.html",
    ),
    (
        "https://www.lemonde.fr/pixels/article/2024/05/01/ia_6230.html?xtor=RSS-3208",
        "https://www.lemonde.fr/pixels/article/2024/05/01/ia_6230.html",
    ),
    (
        "https://www.theverge.com/2024/2/1/24058000/apple-vision-pro-review?fbclid=IwAR2x",
        "https://www.theverge.com/2024/2/1/24058000/apple-vision-pro-review",
    ),
    (
        "https://arstechnica.com/gadgets/2024/02/vision-pro/?gclid=Cj0KCQ&mc_cid=ab12&mc_eid=cd34",
        "https://arstechnica.com/gadgets/2024/02/vision-pro/",
    ),
    # fragments carry nothing: feed markers, comment anchors
    (
        "https://www.kicker.de/interimstrainer-schubert-1019241/artikel#omrss",
        "https://www.kicker.de/interimstrainer-schubert-1019241/artikel",
    ),
    (
        "https://www.spiegel.de/wirtschaft/svb-a-60a0111a-c2d2-46c8-9e93-b16a374e6ba8#ref=rss",
        "https://www.spiegel.de/wirtschaft/svb-a-60a0111a-c2d2-46c8-9e93-b16a374e6ba8",
    ),
    (
        "https://blog.givewell.org/2018/09/10/open-thread/#comment-949890",
        "https://blog.givewell.org/2018/09/10/open-thread/",
    ),
    # query parameters that choose the page stay, sorted
    (
        "http://entermedia.co.kr/news/news_view.html?idx=8576&page=1&bc=03&mc=08",
        "http://entermedia.co.kr/news/news_view.html?bc=03&idx=8576&mc=08&page=1",
    ),
    (
        "https://forum.nationstates.net/viewtopic.php?t=487157&f=20",
        "https://forum.nationstates.net/viewtopic.php?f=20&t=487157",
    ),
    (
        "https://bbs.archlinux.org/viewtopic.php?id=309936",
        "https://bbs.archlinux.org/viewtopic.php?id=309936",
    ),
    (
        "http://blog.buildzoom.com/?p=3412&utm_source=feedburner",
        "http://blog.buildzoom.com/?p=3412",
    ),
    # scheme and host case, default ports; "www." as the site serves it
    (
        "HTTPS://WWW.TheRegister.COM/2024/05/01/story/",
        "https://www.theregister.com/2024/05/01/story/",
    ),
    ("https://www.zdnet.com:443/article/windows-11/", "https://www.zdnet.com/article/windows-11/"),
    (
        "http://www.panarmenian.net:80/eng/news/275221/",
        "http://www.panarmenian.net/eng/news/275221/",
    ),
    ("https://9to5mac.com./2024/02/01/vision-pro/", "https://9to5mac.com/2024/02/01/vision-pro/"),
    (
        "https://asia.nikkei.com/Business/Technology/Chip-War",
        "https://asia.nikkei.com/Business/Technology/Chip-War",
    ),
    # AMP renderings map to the article, with the site's own trailing slash
    (
        "https://www.windowscentral.com/microsoft/xbox-123/amp/",
        "https://www.windowscentral.com/microsoft/xbox-123/",
    ),
    (
        "https://mspoweruser.com/microsoft-japan-ai/amp/",
        "https://mspoweruser.com/microsoft-japan-ai/",
    ),
    ("https://www.neowin.net/news/windows-12/amp", "https://www.neowin.net/news/windows-12"),
    (
        "https://www.tomshardware.com/amp/news/intel-arrow-lake",
        "https://www.tomshardware.com/news/intel-arrow-lake",
    ),
    (
        "https://www.bbc.co.uk/news/technology-68412345.amp",
        "https://www.bbc.co.uk/news/technology-68412345",
    ),
    (
        "https://www.example-news.com/2024/story.amp.html",
        "https://www.example-news.com/2024/story.html",
    ),
    (
        "https://amp.theguardian.com/technology/2024/feb/01/apple",
        "https://www.theguardian.com/technology/2024/feb/01/apple",
    ),
    (
        "https://www.washingtonpost.com/tech/2024/02/01/ai/?outputType=amp",
        "https://www.washingtonpost.com/tech/2024/02/01/ai/",
    ),
    (
        "https://www.zdnet.com/article/windows-11/?amp=1",
        "https://www.zdnet.com/article/windows-11/",
    ),
    (
        "https://www.popsugar.com/fitness/amp-fitness-review-49401320",
        "https://www.popsugar.com/fitness/amp-fitness-review-49401320",
    ),
    (
        "https://www.braunschweiger-zeitung.de/politik/ampeln-tot.html",
        "https://www.braunschweiger-zeitung.de/politik/ampeln-tot.html",
    ),
    # not http(s): returned as given
    ("not a url", "not a url"),
    ("mailto:desk@example.com", "mailto:desk@example.com"),
    ("http://[::1", "http://[::1"),
    ("  https://news.example.com/a  ", "https://news.example.com/a"),
    ("https://news.example.com", "https://news.example.com/"),
    ("http://news.example.com:8080/a", "http://news.example.com:8080/a"),
]


@pytest.mark.parametrize(("url", "expected"), REAL_WORLD)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_the_table_holds_forty_real_shapes() -> None:
    assert len({u for u, _ in REAL_WORLD if u.startswith(("http://", "https://"))}) >= 40


@pytest.mark.parametrize(
    "variant",
    [
        "http://www.heise.de/news/Ionos-9691259.html",
        "https://heise.de/news/Ionos-9691259.html?wt_mc=rss.red.ho",
        "https://www.heise.de/news/Ionos-9691259.html#kommentare",
        "https://www.heise.de/amp/news/Ionos-9691259.html",
        "https://WWW.HEISE.DE/news/Ionos-9691259.html?utm_source=x",
    ],
)
def test_variants_share_one_identity(variant: str) -> None:
    assert identity_key(variant) == identity_key("https://www.heise.de/news/Ionos-9691259.html")


@pytest.mark.parametrize(
    ("page", "declared", "expected"),
    [
        # same registrable domain: trusted (also across subdomains, and relative)
        (
            "https://www.heise.de/news/x-1.html?wt_mc=rss",
            "https://www.heise.de/news/Titel-1.html",
            "https://www.heise.de/news/Titel-1.html",
        ),
        (
            "https://amp.theguardian.com/a/b",
            "https://www.theguardian.com/a/b",
            "https://www.theguardian.com/a/b",
        ),
        (
            "https://news.bbc.co.uk/1/x.stm",
            "https://www.bbc.co.uk/news/x",
            "https://www.bbc.co.uk/news/x",
        ),
        ("https://techcrunch.com/2024/x/", "/2024/x/#comments", "https://techcrunch.com/2024/x/"),
        # another registrable domain (a syndicator's copy, a hijacked tag): the page URL
        (
            "https://www.msn.com/en-us/news/ar-AA1",
            "https://www.theverge.com/x",
            "https://www.msn.com/en-us/news/ar-AA1",
        ),
        ("https://a.co.uk/x", "https://b.co.uk/x", "https://a.co.uk/x"),
        # the front page, or not http(s): the page URL
        (
            "https://techcrunch.com/2024/x/",
            "https://techcrunch.com/",
            "https://techcrunch.com/2024/x/",
        ),
        ("https://techcrunch.com/2024/x/", "javascript:void(0)", "https://techcrunch.com/2024/x/"),
    ],
)
def test_rel_canonical_is_trusted_on_the_same_registrable_domain(
    page: str, declared: str, expected: str
) -> None:
    assert canonical_url(page, html_canonical=declared) == expected


@given(st.text(max_size=60) | st.from_regex(URLISH, fullmatch=True))
def test_canonical_url_is_idempotent(url: str) -> None:
    once = canonical_url(url)
    assert canonical_url(once) == once
    assert identity_key(once) == identity_key(url)


def page(head: str) -> str:
    text = "<p>" + "The bakery on the corner reopened after the flood last spring. " * 6 + "</p>"
    title = '<meta property="og:title" content="Bakery reopens">'
    return f"<html><head>{title}{head}</head><body><article>{text}</article></body></html>"


def url_of(head: str, url: str = "http://127.0.0.1:8000/food/bakery-reopens?utm_source=x") -> str:
    article = extract_article(page(head), url)
    assert article is not None
    return article.url


def test_rel_canonical_on_another_site_is_ignored() -> None:
    head = '<link rel="canonical" href="https://www.bakery-news.example/food/bakery-reopens">'
    page_url = "https://www.syndicator.com/food/bakery-reopens?utm_source=x"
    assert url_of(head, page_url) == "https://www.syndicator.com/food/bakery-reopens"


def test_a_page_served_from_an_ip_address_names_its_public_address() -> None:
    # a development server or mirror: the page has no public name of its own
    head = '<link rel="canonical" href="https://www.bakery-news.example/food/bakery-reopens">'
    assert url_of(head) == "https://www.bakery-news.example/food/bakery-reopens"


def test_relative_canonical_is_resolved_against_the_page() -> None:
    assert url_of('<link rel="canonical" href="/food/bakery-reopens#top">') == (
        "http://127.0.0.1:8000/food/bakery-reopens"
    )


def test_og_url_when_there_is_no_rel_canonical() -> None:
    head = '<meta property="og:url" content="https://www.bakery.example/food/bakery-reopens?amp=1">'
    page_url = "https://amp.bakery.example/food/amp/bakery-reopens?utm_source=x"
    assert url_of(head, page_url) == "https://www.bakery.example/food/bakery-reopens"


@pytest.mark.parametrize(
    "head",
    [
        '<link rel="canonical" href="javascript:void(0)">',
        '<meta property="og:url" content="ftp://bakery.example/food/bakery-reopens">',
        '<meta property="og:type" content="article"><link rel="canonical" href="/">',
    ],
)
def test_untrustworthy_canonicals_fall_back_to_the_page_url(head: str) -> None:
    url = "https://bakery.example/food/bakery-reopens?utm_campaign=spring"
    assert url_of(head, url) == "https://bakery.example/food/bakery-reopens"
