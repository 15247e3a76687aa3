"""Body extraction on pages written for these tests: what a reader sees, and nothing around it."""

from __future__ import annotations

from pathlib import Path

import lxml.etree
import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.extract import extract_article
from crawler.extract.fields.body import _continued, extract_body
from crawler.extract.primitives.blocks import split_blocks
from crawler.extract.primitives.boilerplate import (
    collapsed_panels,
    drop_furniture,
    strip_non_text,
)

FIXTURES = Path(__file__).parent / "fixtures" / "body"
URL = "https://news.example/2026/03/story/"


def body_of(name: str) -> str:
    tree = lxml.html.document_fromstring((FIXTURES / name).read_text(encoding="utf-8"))
    return extract_body(tree, url=URL)


def body_of_html(html: str) -> str:
    return extract_body(lxml.html.document_fromstring(html), url=URL)


@pytest.fixture(scope="module")
def wordpress() -> str:
    return body_of("wordpress_news.html")


@pytest.mark.parametrize(
    "text",
    [
        "Port Aldwin will sink twelve small turbines",  # the standfirst
        "The council of Port Aldwin voted on Tuesday",  # first paragraph
        "Why the trams, and why now",  # a subheading
        "That is exactly what a timetable needs.",  # a quote
        "serviced on land, which avoids the need for divers.",  # after the related box
        "once the harbour authority has approved the final design.",  # last paragraph
    ],
)
def test_wordpress_page_keeps_the_article(wordpress: str, text: str) -> None:
    assert text in wordpress


@pytest.mark.parametrize(
    "text",
    [
        "Harbour city bets on tidal turbines",  # the headline is the title, not the body
        "Transport",  # navigation
        "Mira Okafor",  # byline
        "Share on Facebook",  # share bar
        "Photo: Coastline archive",  # caption
        "compare electricity tariffs",  # inline ad
        "Related stories",
        "Wave farm off the northern cape",  # related link
        "free weekly newsletter",  # newsletter box
        "Salt water eats everything",  # a comment
        "Leave a Reply",
        "Five phones with the best battery life",  # sidebar
        "Proudly powered by WordPress",  # footer
        "Skip to content",
    ],
)
def test_wordpress_page_drops_the_furniture(wordpress: str, text: str) -> None:
    assert text not in wordpress


def test_paragraphs_are_separated_by_blank_lines_in_page_order(wordpress: str) -> None:
    paragraphs = wordpress.split("\n\n")
    assert paragraphs[0].startswith("Port Aldwin will sink")
    assert paragraphs[1].startswith("The council of Port Aldwin")
    assert paragraphs[-1].startswith("Installation is planned")
    assert all(p == p.strip() and "\n\n" not in p for p in paragraphs)
    assert len(paragraphs) == 8


def test_body_split_by_an_ad_is_read_to_the_end() -> None:
    body = body_of("split_body.html")
    assert body.startswith("Every Saturday morning a queue forms")
    assert "Most faults turn out to be simple" in body
    assert body.endswith("anyone may bring up to two items a visit.")
    assert "Advertisement" not in body
    assert "kitchen floor" not in body  # teaser of another story
    assert "Lena Brandt" not in body


def test_json_ld_article_body_when_the_page_holds_no_text() -> None:
    body = body_of("jsonld_only.html")
    assert body.startswith("The regional rail operator in the northern valleys")
    assert "\n\nThe first trains are due in three years." in body
    assert body.endswith("before the first unit arrives.")
    assert "Loading" not in body
    assert "enable JavaScript" not in body


PARAGRAPH = (
    "<p class='{cls}'>Paragraph {n} of the story tells the reader something new about the "
    "council's plan for the harbour, with enough words to read as real article text.</p>"
)


def test_paragraphs_classed_like_furniture_stay_when_they_are_the_article() -> None:
    # Some sites class every body paragraph "paywall" or wrap the story in "has-sidebar".
    paragraphs = "".join(PARAGRAPH.format(cls="paywall", n=n) for n in range(1, 7))
    html = (
        "<html><body><div class='layout has-sidebar'><article><h1>Harbour plan</h1>"
        f"{paragraphs}</article></div>"
        "<div class='sidebar'><p>Most read: five other stories you might enjoy today.</p></div>"
        "</body></html>"
    )
    body = body_of_html(html)
    for n in range(1, 7):
        assert f"Paragraph {n} of the story" in body
    assert "Most read" not in body


def test_hidden_text_is_not_body() -> None:
    paragraphs = "".join(PARAGRAPH.format(cls="", n=n) for n in range(1, 6))
    html = (
        f"<html><body><article><h1>Harbour plan</h1>{paragraphs}"
        "<div class='d-none'><p>This hidden block repeats a promotional offer that no reader "
        "of the page ever sees on the screen.</p></div>"
        "<p style='display: none'>A hidden paragraph with a tracking note for the "
        "editors that the page never shows.</p></article></body></html>"
    )
    body = body_of_html(html)
    assert "Paragraph 5 of the story" in body
    assert "promotional offer" not in body
    assert "tracking note" not in body


@pytest.mark.parametrize(
    "html",
    [
        "<html></html>",
        "<html><body></body></html>",
        "<html><body><nav><a href='/'>Home</a></nav></body></html>",
        "<html><head><script type='application/ld+json'>{not json</script></head><body/></html>",
    ],
)
def test_pages_without_an_article_give_an_empty_body(html: str) -> None:
    assert body_of_html(html) == ""


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["p", "div", "li", "h2", "a", "span", "aside", "nav", "br"]),
            st.sampled_from(["", "share", "content", "hidden", "ad-slot", "related"]),
            st.text(min_size=0, max_size=120),
        ),
        max_size=25,
    )
)
def test_never_raises_and_returns_clean_paragraphs(
    parts: list[tuple[str, str, str]],
) -> None:
    inner = "".join(f"<{tag} class='{cls}'>{text}</{tag}>" for tag, cls, text in parts)
    try:
        tree = lxml.html.document_fromstring(f"<html><body><main>{inner}</main></body></html>")
    except (ValueError, lxml.etree.ParserError):
        return  # not something lxml can parse; E1 never hands us such a tree
    body = extract_body(tree, url=URL)
    assert isinstance(body, str)
    assert body == body.strip()
    assert "\n\n\n" not in body


def story(paragraphs: int, cls: str = "") -> str:
    return "".join(PARAGRAPH.format(cls=cls, n=n) for n in range(1, paragraphs + 1))


def test_a_long_comment_thread_is_not_body() -> None:
    comments = "".join(
        f"<li><p>Reader {n} writes a long reply about the harbour plan, explaining at length "
        "why the council should have asked the fishermen first before spending the money.</p></li>"
        for n in range(12)
    )
    html = (
        f"<html><body><article><h1>Harbour plan</h1>{story(4)}</article>"
        f"<section id='comments'><ol>{comments}</ol></section></body></html>"
    )
    body = body_of_html(html)
    assert "Paragraph 4 of the story" in body
    assert "Reader" not in body


def test_the_headline_repeated_in_the_page_is_not_body() -> None:
    html = (
        "<html><head><title>Council backs the harbour plan | Coastline</title>"
        "<meta property='og:title' content='Council backs the harbour plan'></head><body>"
        "<article><div class='headline'>Council backs the harbour plan</div>"
        f"{story(5)}</article></body></html>"
    )
    body = body_of_html(html)
    assert body.startswith("Paragraph 1 of the story")
    assert "Council backs the harbour plan" not in body


def test_no_standfirst_without_a_headline_before_the_body() -> None:
    html = (
        "<html><head><meta name='description' content='A teaser that the site shows in lists "
        "of stories and repeats above the story.'></head><body>"
        "<div class='top-strip'><p>A teaser that the site shows in lists of stories and "
        f"repeats above the story.</p></div><article>{story(5)}</article></body></html>"
    )
    assert "A teaser" not in body_of_html(html)


def test_article_held_in_an_element_a_script_reveals_is_kept() -> None:
    html = (
        "<html><body><div class='spinner'>Loading</div>"
        f"<div hidden id='S:1'><article><h1>Harbour plan</h1>{story(6)}</article></div>"
        "</body></html>"
    )
    body = body_of_html(html)
    assert "Paragraph 1 of the story" in body
    assert "Paragraph 6 of the story" in body


def test_json_ld_article_body_wins_over_a_short_teaser() -> None:
    full = " ".join(
        f"Sentence {n} of the full story as the publisher's data holds it." for n in range(40)
    )
    html = (
        "<html><head><script type='application/ld+json'>"
        f'{{"@type": "NewsArticle", "articleBody": "{full}"}}</script></head><body>'
        "<article><h1>Harbour plan</h1><p>Only the first lines of the story are shown here "
        "before a sign-in wall; subscribers read the rest of it.</p></article></body></html>"
    )
    body = body_of_html(html)
    assert body.startswith("Sentence 0 of the full story")
    assert "Sentence 39" in body


def test_a_header_button_left_with_open_elements_does_not_swallow_the_story() -> None:
    # `<button><div><div></button></div>`: a browser closes the divs at </button>; parsed as
    # libxml2 does, the rest of the page ends up inside the header's button.
    page = (FIXTURES / "header_button_unclosed.html").read_text(encoding="utf-8")
    article = extract_article(page, "https://green.example/balcony-herb-garden")
    assert article is not None
    assert "four hours of sun" in article.body
    assert "shadiest corner of the balcony" in article.body
    assert "Main menu" not in article.body


STORY = "\n".join(
    f"Paragraph {n} of the story about the harbour's new tram line." for n in range(8)
)


@pytest.mark.parametrize(
    ("fast", "full", "expected"),
    [
        # fast mode stopped after the opening: the full search's longer text wins
        (STORY.split("\n")[0], STORY, STORY),
        # ... up to the line that introduces other stories
        (STORY.split("\n")[0], STORY + "\nYou may also like...\nAnother story.", STORY + "\n"),
        (STORY.split("\n")[0], STORY + "\nVocê pode gostar\nOutra história.", STORY + "\n"),
        # a shorter full text changes nothing
        (STORY, STORY.split("\n")[0], STORY),
    ],
)
def test_the_full_search_continues_a_story_fast_mode_cut(
    fast: str, full: str, expected: str
) -> None:
    assert _continued(fast, full) == expected


def test_a_stray_end_of_document_after_the_header_keeps_the_story_after_it() -> None:
    """`</body></html>` printed after the header: a browser shows what follows in the body."""
    page = (FIXTURES / "stray_body_end.html").read_text(encoding="utf-8")
    article = extract_article(page, "https://crumb.example/sourdough-starter-on-holiday")
    assert article is not None
    assert "rarely dies" in article.body
    assert "as reliably as it did before you left" in article.body
    assert "baking at home since 2009" not in article.body


@pytest.mark.parametrize("name", ["accordion_steps.html", "accordion_controls.html"])
def test_collapsed_panels_of_a_guide_are_kept_together(name: str) -> None:
    """An accordion's panels are hidden one by one, but together they are most of the story;
    they share a class, or their controls name them (aria-controls).
    """
    body = body_of(name)
    for text in ("firm, level ground", "watering can fits", "fine saw", "over the rim"):
        assert text in body
    assert "We use cookies" not in body


def test_parts_a_streaming_page_sends_late_are_read_where_they_belong() -> None:
    """React's streamed parts arrive hidden at the end of the body; its script moves them."""
    page = (FIXTURES / "streamed_parts.html").read_text(encoding="utf-8")
    article = extract_article(page, "https://penny.example/savings/index-linked-savings")
    assert article is not None
    body = article.body
    for text in ("keeps what it can buy", "fixed margin", "the worst year", "instant-access"):
        assert text in body
    assert body.index("keeps what it can buy") < body.index("fixed margin")
    assert "reader-funded" not in body
    assert "Loading" not in body  # what stood in for the parts until they came


def test_points_of_a_list_and_a_closing_list_of_headings_are_kept() -> None:
    """A list of points between paragraphs, and `<li><h3>` items after the last paragraph, are
    the text's own; a list of links to other guides after it is not.
    """
    body = body_of("point_lists.html")
    for text in ("270 millimetres", "small radiators", "a metre of clear air", "What to check"):
        assert text in body
    for text in ("Quiet models", "Units with a hot-water tank", "Hybrid systems"):
        assert text in body
    assert "north-facing roof" not in body
    assert "More guides" not in body


def test_dense_cjk_prose_is_a_story_with_its_body() -> None:
    """Japanese prose says in 460 characters what English says in 1,400: beside ten related
    headlines it is still a story, not a list of teasers, and its short paragraphs are text.
    """
    page = (FIXTURES / "dense_cjk_story.html").read_text(encoding="utf-8")
    article = extract_article(page, "https://minato.example/tram-line-opens")
    assert article is not None
    assert "六分間隔で運行し" in article.body
    assert "改めて検討するとしている" in article.body
    assert "関連記事その1" not in article.body


def test_a_story_the_page_shows_twice_is_given_once() -> None:
    """A second copy of the text (for another screen size) adds nothing a reader sees."""
    body = body_of("story_twice.html")
    assert body.count("first ferry to the mainland") == 1
    assert body.count("Fares stay as they are") == 1
    assert "four hundred islanders" in body


def test_a_paragraph_the_story_itself_repeats_stays_twice() -> None:
    """One recurring paragraph in a long text is the author's, not a second copy of the page."""
    chorus = (
        "Which dish from your childhood would you cook for a guest who had never visited"
        " the island, and what would you serve with it?"
    )
    answers = "".join(
        f"<p>Answer {n}: the cook talks about fish stew, the market at dawn, her grandmother's"
        " pot and the bread that has to be a day old to soak up the broth properly.</p>"
        for n in range(8)
    )
    html = f"<html><body><article><p>{chorus}</p>{answers}<p>{chorus}</p></article></body></html>"
    assert body_of_html(html).count("Which dish from your childhood") == 2


def test_a_list_of_links_to_other_sites_inside_the_text_is_kept() -> None:
    """A listicle's linked names are its points; links to the site's own stories are not."""
    body = body_of("linked_list.html")
    for text in ("Footpath Planner", "Hill Maps", "GPX Draw", "nesting birds", "rucksack"):
        assert text in body
    assert "walking boots" not in body
    assert "Compass basics" not in body


def test_a_story_in_a_wrapper_named_like_a_sidebar_outweighs_comments_and_hidden_copies() -> None:
    """The share that keeps a furniture-named wrapper is of the text a reader sees: a long
    comment thread and a hidden copy of the story (a 'republish' dialog) do not count."""
    comments = "".join(
        f"<li><p>Reader {n} writes a long reply about the harbour plan, explaining at length "
        "why the council should have asked the fishermen first before spending the money.</p></li>"
        for n in range(4)
    )
    html = (
        "<html><body><div class='sidebar-layout'><div class='sidebar-content'>"
        f"<div class='entry'><h1>Harbour plan</h1>{story(5)}</div></div>"
        "<div class='sidebar'><p>Most read: five other stories you might enjoy today.</p></div>"
        f"</div><div id='comments'><ol>{comments}</ol></div>"
        f"<div class='republish' hidden><p>Republish this story</p>{story(5)}</div>"
        "</body></html>"
    )
    root = lxml.html.document_fromstring(html).find("body")
    drop_furniture(root, split_blocks(root))
    text = root.text_content()
    assert "Paragraph 5 of the story" in text
    assert "Reader 1" not in text
    assert "Most read" not in text
    assert "Republish" not in text


def test_a_reviews_spec_lines_and_pros_and_cons_stay_with_its_text() -> None:
    """Short lines between a review's paragraphs that trafilatura kept do not split the text
    into clusters too small to count."""
    body = body_of("review_specs.html")
    for text in ("lightest hammock we tested", "Price: $142", "Weight: 1 lb 1 oz", "Pros"):
        assert text in body
    assert "Roomy" in body and "Long zipper pulls" in body
    assert "We slept in every hammock" in body
    assert "reader-supported" not in body


def test_comments_in_a_code_block_are_part_of_the_code() -> None:
    """A syntax highlighter classes a code comment "hljs-comment": that is not a comment section."""
    code = (
        "<pre><code class='language-bash hljs'><span class='hljs-comment'># fetch the timetable"
        "</span>\ncurl -O https://ferry.example/timetable.csv\n"
        "<span class='hljs-comment'># count the sailings per day</span>\n"
        "cut -d, -f1 timetable.csv | sort | uniq -c</code></pre>"
    )
    html = f"<html><body><article><h1>Ferry data</h1>{story(3)}{code}{story(2)}</article></body>"
    body = body_of_html(html)
    assert "# fetch the timetable" in body
    assert "# count the sailings per day\ncut -d, -f1" in body


def test_answers_an_accordion_hides_until_opened_are_kept() -> None:
    """A collapsed panel a button opens (aria-expanded, aria-controls) is text a reader can
    read; a collapsed menu of links and a hidden panel nothing opens are not."""
    faq = "".join(
        f"<div class='faq-item'><h3><button aria-expanded='false'>Question {n}?</button></h3>"
        f"<div class='faq-answer' hidden><p>Answer {n}: the ferry leaves at seven from the "
        "north pier, and tickets are sold on board until the ramp goes up.</p></div></div>"
        for n in range(3)
    )
    named = (
        "<button aria-expanded='false' aria-controls='more'>Read more</button>"
        "<p>Between the button and its panel.</p>"
        "<div id='more' style='display:none'><p>The panel named by its control, with the "
        "timetable for the winter months and the fares for bicycles.</p></div>"
    )
    menu = (
        "<button aria-expanded='false'>Menu</button><div hidden><a href='/a'>Ferries</a> "
        "<a href='/b'>Buses</a> <a href='/c'>Trams</a></div>"
        "<div hidden><p>A hidden promotion that nothing on the page ever opens.</p></div>"
    )
    html = (
        f"<html><body><article><h1>Ferry questions</h1>{story(4)}{faq}{named}{menu}"
        "</article></body></html>"
    )
    root = lxml.html.document_fromstring(html).find("body")
    panels = collapsed_panels(root)
    strip_non_text(root)
    drop_furniture(root, split_blocks(root), panels=panels)
    text = root.text_content()
    for n in range(3):
        assert f"Answer {n}: the ferry leaves" in text
    assert "The panel named by its control" in text
    assert "Trams" not in text
    assert "hidden promotion" not in text


def test_a_quote_between_paragraphs_stays_where_it_sits() -> None:
    """A pull quote sits in the text's own container (in its <figure>), like a list does."""
    quote = (
        "<figure class='Quote_component'><div class='Quote_content'>"
        "<blockquote class='Quote_blockquote'><p>Quote {n}: ferries are the buses of the "
        "islands; if they stop, everything stops, from the school run to the doctor's rounds."
        "</p></blockquote><figcaption>Ana Ruiz, harbour master</figcaption></div></figure>"
    )
    paragraphs = [PARAGRAPH.format(cls="", n=n) for n in range(1, 7)]
    text = "".join(p + (quote.format(n=n) if n in (1, 3) else "") for n, p in enumerate(paragraphs))
    html = (
        "<html><body><div class='layout'><nav><a href='/'>Home</a></nav>"
        f"<div class='ArticleBody'><h1>Ferry plan</h1>{text}</div></div></body></html>"
    )
    body = body_of_html(html)
    assert "Quote 1: ferries are" in body
    assert "Quote 3: ferries are" in body
    assert body.index("Paragraph 2 of") < body.index("Quote 1") < body.index("Paragraph 3 of")


def test_text_loose_in_the_page_beside_its_paragraphs_is_kept() -> None:
    """Hand-written pages put paragraphs straight in <body> after a figure, between <p>s:
    such text sits where the paragraphs do."""
    para = (
        "Paragraph {n} of the story tells the reader something new about the council's plan "
        "for the harbour, with enough words to read as article text, and a <a href='/p{n}'>"
        "link</a> or two."
    )
    loose = (
        "Loose text {n} sits straight in the page's body, as hand-written pages have it, "
        "telling of <a href='/l{n}'>the old harbour</a> with enough words to read as article text."
    )
    parts = [
        f"<h2 class='section'>Part {n}</h2><div class='float'><a href='/i{n}'>"
        f"<img src='/p{n}.png'></a><br><a href='/b{n}'><i>The book</i></a> by a harbour "
        f"master, 1721.</div>\n{loose.format(n=n)}<p>{para.format(n=n)}<p>{para.format(n=n + 10)}"
        for n in range(1, 5)
    ]
    body = body_of_html(f"<html><body><h1>Harbour</h1>{''.join(parts)}</body></html>")
    for n in range(1, 5):
        assert f"Loose text {n} sits straight" in body
    assert body.index("Loose text 2") < body.index("Paragraph 2 of") < body.index("Loose text 3")


def test_a_story_wrapped_in_an_element_named_for_comments_is_kept() -> None:
    """Some sites wrap the story in a "commentOnSelection" element (readers comment on a
    selected passage): its text runs in sibling paragraphs and lists of one parent, unlike a
    thread, whose comments each sit in an item of their own."""
    points = "".join(
        f"<li>Point {n}: the new timetable adds a late sailing on Fridays and Saturdays for "
        "people who work in town and want to get home after the last bus.</li>"
        for n in range(4)
    )
    comments = "".join(
        f"<div class='comment'><p>Reader {n} writes a long reply about the harbour plan, "
        "explaining why the council should have asked the fishermen first.</p></div>"
        for n in range(3)
    )
    html = (
        "<html><body><h1>Harbour plan</h1><div class='commentOnSelection'><div id='post'>"
        f"{story(3)}<ul>{points}</ul>{story(2)}</div></div>"
        f"<div class='comments-section'>{comments}</div></body></html>"
    )
    body = body_of_html(html)
    assert "Paragraph 3 of the story" in body
    assert "Point 3: the new timetable" in body
    assert "Reader 1" not in body


def test_a_callout_box_inside_the_text_stays_and_a_photo_caption_does_not() -> None:
    """A paragraph in a box one level inside the text (a highlighted quote, a callout) is the
    story's; the same box holding a picture holds its caption."""
    callout = (
        "<div><p class='c-block-quote-embed'>Callout {n}: the harbour plan bridges the gap "
        "between the fishermen's needs and the town's budget, and the council means to keep it "
        "that way.</p></div>"
    )
    photo = (
        "<div><img src='/quay.jpg'><p class='caption'>The new quay at dawn, seen from the "
        "lighthouse, with the first ferry of the season tied up and waiting. Photo: Harbour "
        "Archive</p></div>"
    )
    paragraphs = [PARAGRAPH.format(cls="", n=n) for n in range(1, 8)]
    extra = {2: callout.format(n=2), 4: callout.format(n=4), 5: photo}
    text = "".join(p + extra.get(n, "") for n, p in enumerate(paragraphs, 1))
    html = (
        "<html><body><nav><a href='/'>Home</a></nav>"
        f"<div class='c-rich-text-blog'><h1>Harbour</h1>{text}</div></body></html>"
    )
    body = body_of_html(html)
    assert "Callout 2: the harbour plan" in body
    assert body.index("Paragraph 4 of") < body.index("Callout 4") < body.index("Paragraph 5 of")
    assert "Harbour Archive" not in body


def test_a_copy_of_the_story_in_one_block_is_dropped() -> None:
    """A page that also prints its story's Markdown source in one block shows the text once."""
    paragraphs = [
        f"Paragraph {n} of the story tells the reader something new about the council's plan "
        "for the harbour, with enough words to read as real article text."
        for n in range(1, 7)
    ]
    source = "# Harbour plan<br>" + "<br>".join(f"_{p}_" for p in paragraphs) + "<br>| Pier |"
    html = (
        "<html><body><article><h1>Harbour plan</h1>"
        + "".join(f"<p>{p}</p>" for p in paragraphs)
        + f"<div class='md-source'>{source}</div></article></body></html>"
    )
    body = body_of_html(html)
    assert body.count("Paragraph 3 of the story") == 1
    assert "# Harbour plan" not in body


def test_a_long_paragraph_the_text_repeats_once_stays() -> None:
    """A definition repeated under two headings is the author's: both copies stay."""
    definition = (
        "Live streaming means the class meets at its scheduled time on a web platform: the "
        "teacher presents, students ask questions aloud or in the chat, and the recording is "
        "posted afterwards for anyone who missed it. " * 3
    )
    later = "".join(PARAGRAPH.format(cls="", n=n) for n in range(7, 13))
    html = (
        f"<html><body><article><h1>Course types</h1>{story(6)}<h2>Lectures</h2><p>{definition}"
        f"</p>{later}<h2>Labs</h2><p>{definition}</p></article></body></html>"
    )
    assert body_of_html(html).count("Live streaming means the class") == 6


def test_a_heading_left_with_nothing_under_it_ends_no_body() -> None:
    """The title of a box after the story ("More on this"), whose links are dropped, is not
    the story's last line."""
    links = "".join(
        f"<p><a href='/story-{n}'>Another story about the coast, number {n}, with a long "
        "linked title</a></p>"
        for n in range(5)
    )
    html = (
        f"<html><body><article><h1>Harbour plan</h1>{story(5)}<h2>Harbour archive</h2>"
        f"{links}</article></body></html>"
    )
    body = body_of_html(html)
    assert body.endswith("to read as real article text.")
    assert "Harbour archive" not in body


def test_the_rest_of_the_story_swallowed_by_an_unclosed_box_is_kept() -> None:
    """A box in the text left unclosed (a table's scroll wrapper) takes the rest of the story
    inside it; its long paragraphs and their subheadings continue the text all the same."""
    body = body_of("nested_continuation.html")
    assert "The chart below gives the amounts" in body
    assert "Why a chart helps" in body
    assert "On overnight boats the cabin steward" in body
    assert "several of them told us on the quay at Port Aldwin." in body
    assert "More guides" not in body


def test_a_paragraph_that_links_most_of_its_words_is_text_and_a_labelled_link_is_not() -> None:
    """A sentence whose names are links reads as text; "Also read: <a>...</a>" is a pointer
    to another story."""
    body = body_of("linked_paragraph.html")
    assert "Our favourites were Port Aldwin and its tidal turbines" in body
    assert "the night market on Selby Quay, all an easy day apart." in body
    assert "Also read" not in body
    assert "How much to tip a ferry crew" not in body
    assert "The buses between the towns run twice a day" in body


def test_a_templates_placeholder_text_is_not_part_of_the_body() -> None:
    """An unfilled box of a page template shows "Lorem ipsum ..."; nobody wrote it to be read."""
    body = body_of("placeholder_box.html")
    assert "without a single unplanned stop" in body
    assert "double the array next year." in body
    assert "Lorem ipsum" not in body


def test_a_note_about_the_author_after_the_story_is_not_part_of_it() -> None:
    """Under "About the author" comes the writer's biography, not more of the story."""
    body = body_of("author_note.html")
    assert "rather than the printed timetable at the stops." in body
    assert "About the author" not in body
    assert "drove the night bus" not in body
    assert "two cats and a bicycle" not in body


def test_a_listicles_linked_item_titles_stay_and_a_teaser_headline_between_them_does_not() -> None:
    """Item names that link to what they name head their paragraphs; a linked headline in a
    box of its own is a teaser for another story."""
    body = body_of("linked_item_titles.html")
    assert "1. Port Aldwin to Kessock\n\nThe short hop across the bay" in body
    assert "4. The outer isles run\n\nSix hours there and back" in body
    assert "What to pack for a long crossing\n\nA warm layer and a waterproof" in body
    assert "Winter timetable cuts two sailings a day" not in body


def test_an_appeal_and_notices_in_boxes_inside_the_text_are_not_part_of_it() -> None:
    """Boxes a site names as an appeal to act ("cta") or a notice (an affiliate disclosure, a
    disclaimer) sit in the text but are the site talking, not the story."""
    body = body_of("notice_boxes.html")
    assert "The first boat out of Port Aldwin" in body
    assert "the seals that sleep on the sandbank" in body
    assert "The longer run to the outer isles" in body
    assert "the upper deck has no shelter at all." in body
    assert "affiliate links" not in body
    assert "Get a free quote" not in body
    assert "Planning a trip" not in body
    assert "Timetables and fares are correct" not in body


def test_a_story_inside_an_unclosed_appeal_box_is_kept() -> None:
    """A newsletter box left unclosed takes the rest of the story inside it: holding most of
    the text, it is not a box."""
    html = (
        "<html><body><article><h1>Harbour plan</h1>"
        f"{story(2)}<div class='cta'><div class='cta-form'><p>Sign up for the weekly digest of"
        " our best coverage, sent every Friday morning.</p></div>"
        f"{story(5)}</article></body></html>"
    )
    body = body_of_html(html)
    assert body.count("Paragraph 5 of the story") == 1
    assert "weekly digest" not in body


def test_teaser_cards_of_other_stories_in_the_text_are_not_part_of_it() -> None:
    """A linked headline to another of the site's stories with a line of summary under it, in
    a card of its own, is a teaser, between paragraphs or after them."""
    body = body_of("teaser_cards.html")
    assert "The harbour trams will run every six minutes" in body
    assert "Drivers were consulted on the changes" in body
    assert "slow every tram to walking pace." in body
    for text in ("Ferry fares rise", "a pound more", "night bus", "Three departures", "Quay works"):
        assert text not in body


def test_a_listicles_linked_item_titles_with_a_line_each_stay() -> None:
    """Items of a list whose names link to the places they name, elsewhere on the web, are
    the text's points even with one line under each."""
    items = "".join(
        f"<div class='item'><h3><a href='https://site{n}.example/'>Harbour walk number {n}</a>"
        f"</h3><p>A short walk of {n} miles along the quay, past the lighthouse.</p></div>"
        for n in range(1, 5)
    )
    html = f"<html><body><article><h1>Harbour walks</h1>{story(3)}{items}</article></body></html>"
    body = body_of_html(html)
    assert "Harbour walk number 4" in body
    assert "A short walk of 4 miles" in body


def test_labels_and_an_appeal_to_join_the_newsletter_are_not_part_of_the_story() -> None:
    """Labels ("4 min read", "Advertisement"), a reviewer's line, "Sign up for our newsletter"
    and "Follow me on Instagram" are lines the site adds to every story; a sentence of the
    story about newsletters is the story's."""
    body = body_of("site_lines.html")
    assert "From next month every car on the Kessock ferry" in body
    assert "Many islanders already subscribe to the operator's e-mail newsletters" in body
    assert "which blocks the road to the fish market on busy mornings." in body
    for text in ("4 min read", "Listen to this article", "Advertisement", "Sign up", "Love island"):
        assert text not in body
    assert "Follow me on Instagram" not in body
    assert "Fact checked by" not in body


def test_a_checklists_linked_points_stay_and_a_list_of_links_after_it_does_not() -> None:
    """A checklist links some of its points to what they name; they are points all the same.
    A list whose every point is a link to the site's own pages is a list of other stories."""
    body = body_of("linked_checklist.html")
    for point in ("Daypack", "Water bottle", "Flask", "Paper map", "Head torch", "Sun cream"):
        assert f"{point}\n" in body or body.endswith(point)
    assert "Compass, and the skill to use it" in body
    assert "Ten ridge walks" not in body
    assert "Navigation for beginners" not in body


def test_the_linked_names_of_a_listicles_cards_head_their_text() -> None:
    """A listicle laid out as cards: each card's linked name over its paragraph is the
    item's title."""
    body = body_of("listicle_cards.html")
    for name, text in (("Port Aldwin", "Start at the lifeboat"), ("West Haven", "Follow the old")):
        assert f"{name}\n\n{text}" in body
    assert "The best chowder on the coast" not in body


def test_a_subheading_whose_anchor_id_is_its_own_text_is_kept() -> None:
    """Ids made from a heading's text ("how-to-share-a-social-calendar") name its subject;
    a word in them that elsewhere names furniture ("social", "share") does not make the
    heading furniture. An id chosen for furniture ("related-posts") still does."""
    para = (
        "<p>Planning a month of posts ahead takes an afternoon, and it saves the frantic"
        " scramble every morning for something to say to the people who follow you.</p>"
    )
    html = (
        "<html><body><article><h1>A content calendar for a small team</h1>"
        f"{para}{para.replace('Planning', 'Drafting')}"
        '<h2 id="how-to-share-a-social-calendar">How to share a social calendar</h2>'
        f"{para.replace('Planning', 'Sharing')}{para.replace('Planning', 'Reviewing')}"
        '<div id="related-posts"><h2>More reading</h2><ul><li><a href="/a">Post one</a></li>'
        '<li><a href="/b">Post two</a></li></ul></div>'
        "</article></body></html>"
    )
    body = body_of_html(html)
    assert "How to share a social calendar\n\nSharing a month" in body
    assert "More reading" not in body


def test_where_to_buy_lines_amid_the_text_stay_and_a_bare_link_or_own_pointer_does_not() -> None:
    """A line amid the text that names where to buy what it reviews, linking the shop, is
    text; a paragraph that is all one link (a deals button) or points to the site's own
    pages ("More: ...") is not."""
    body = body_of("shop_links.html")
    assert "Price: £180 at Hill Outfitters" in body
    assert "Price: £120 at Fell and Moor" in body
    assert "Compare the best deals" not in body
    assert "Our pick of waterproof trousers" not in body
