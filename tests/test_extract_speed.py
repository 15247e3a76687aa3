"""The shortcuts taken for speed in extraction agree with the plain definitions they stand for."""

from __future__ import annotations

import re
import unicodedata

import pytest

from crawler.extract.primitives import boilerplate
from crawler.extract.primitives.blocks import _CJK, reading_length, split_blocks
from crawler.extract.primitives.page import parse_tree
from crawler.extract.primitives.people import name_key

# Every way an element can be hidden or named as furniture, beside bare elements and content.
PAGE = """<html><body>
<div class="story"><p>Text <b>bold</b> and <a href="/x">a link</a>.</p><p> </p><br></div>
<div hidden>a</div><div aria-hidden="true">b</div><div aria-hidden="false">c</div>
<div class="d-none">d</div><span class="sr-only">e</span><div style="display: none">f</div>
<div style="color: red">g</div><nav>h</nav><aside>i</aside><footer>j</footer>
<div role="navigation">k</div><div role="main">l</div><div id="comments">m</div>
<div class="share-bar article-body">n</div><section class="relatedPosts">o</section>
<div id="sidebar">p</div><ul><li class="">q</li><li id="">r</li></ul>
<pre><code class="hljs-comment">s</code></pre><div class="readMore">t</div>
</body></html>"""


def _body() -> object:
    tree = parse_tree(PAGE)
    assert tree is not None
    return tree.find("body")


def test_attribute_dicts_judge_as_elements_do() -> None:
    """drop_furniture reads each element's attributes once, into a dict: the verdicts on it
    are those on the element."""
    body: object = _body()
    every = list(body.iter())  # type: ignore[attr-defined]
    hidden = [el for el in every if boilerplate.is_hidden(el)]
    assert len(hidden) == 5
    assert hidden == [el for el in every if boilerplate._hides(dict(el.items()))]
    furniture = [el for el in every if boilerplate.is_furniture(el)]
    assert len(furniture) == 7
    assert furniture == [el for el in every if boilerplate._furnishes(el.tag, dict(el.items()))]


def test_parsed_elements_are_html_elements() -> None:
    body: object = _body()
    story = body.find("div")  # type: ignore[attr-defined]
    assert story.text_content().split() == ["Text", "bold", "and", "a", "link."]
    assert [b.text for b in split_blocks(body)][:1] == ["Text bold and a link."]


@pytest.mark.parametrize(
    "name",
    [
        "Jöhn Dœ-Smith",
        "ÉMILE ZOLA",
        "Nguyễn Văn A",
        "\uff26\uff55\uff4c\uff4c \uff37",
        "홍길동 기자",
        "",
        "a\u0301b",
    ],
)
def test_name_key_drops_combining_marks(name: str) -> None:
    folded = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    assert name_key(name) == " ".join(re.findall(r"\w+", plain))


@pytest.mark.parametrize("text", ["plain ascii", "café", "東京の記事", "a \uff42 c", ""])
def test_reading_length_counts_cjk_thrice(text: str) -> None:
    assert reading_length(text) == len(text) + 2 * len(_CJK.findall(text))


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("Jane Doe", "By Jane Doe, Staff"),
        ("Ann", "Annual report"),
        ("José Ñúñez", "por JOSÉ ÑÚÑEZ\u0301 en Madrid"),
        ("Straße", "Die STRASSE, Straße-Ecke"),
        ("e", "cafe\u0301"),
        ("O'Neil", "Mary O'Neil-Smith"),
        ("", "anything"),
    ],
)
def test_a_name_in_a_text_has_its_key_in_the_texts(name: str, text: str) -> None:
    """authors' shortcut: a name found as written needs no keying of the page's text."""
    if name in text:
        assert name_key(name) in name_key(text)
