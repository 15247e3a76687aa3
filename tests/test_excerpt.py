"""Snippets cut where the matched terms are densest, each matched term shown when it fits."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from monitor.excerpt import ELLIPSIS, excerpt


def spans(text: str, *words: str) -> list[tuple[int, int]]:
    """Every whole-word occurrence of each word."""
    return sorted(m.span() for w in words for m in re.finditer(rf"\b{re.escape(w)}\b", text))


def marked(result_text: str, marks: tuple[tuple[int, int], ...]) -> list[str]:
    return [result_text[s:e] for s, e in marks]


FILLER = "The quarterly numbers were discussed at length by analysts and investors. " * 6
DEMO = (
    "Microsoft said on Wednesday it would expand its cloud business. "
    + FILLER
    + "The money goes to data centres in Japan, where Microsoft has worked for 46 years, "
    "and to training three million people in AI skills."
)


def test_short_text_is_whole_with_every_mark() -> None:
    text = "Microsoft  invests\nin Japan."
    got = excerpt(text, spans(text, "Microsoft", "Japan"))
    assert got.text == "Microsoft invests in Japan."
    assert marked(got.text, got.marks) == ["Microsoft", "Japan"]


def test_window_goes_where_the_terms_are_together_not_to_the_first_one() -> None:
    got = excerpt(DEMO, spans(DEMO, "Microsoft", "Japan"), width=200)
    assert "Japan" in marked(got.text, got.marks)
    assert "where Microsoft has worked" in got.text
    assert not got.text.startswith("Microsoft said")  # the first mention alone loses
    assert got.text.startswith(ELLIPSIS)


def test_terms_far_apart_show_in_fragments_joined_by_an_ellipsis() -> None:
    text = "Nvidia opened an office. " + FILLER * 2 + "It is in Japan, near Tokyo."
    got = excerpt(text, spans(text, "Nvidia", "Japan"), width=240)
    assert marked(got.text, got.marks) == ["Nvidia", "Japan"]
    assert f" {ELLIPSIS} " in got.text
    assert len(got.text) <= 240 + 20


def test_too_many_scattered_terms_show_as_many_as_fit() -> None:
    words = [f"Term{i}" for i in range(8)]
    text = FILLER.join(f"{w} here. " for w in words)
    got = excerpt(text, spans(text, *words), width=240)
    shown = set(marked(got.text, got.marks))
    assert 2 <= len(shown) < 8
    assert len(got.text) <= 240 + 40


def test_no_marks_gives_the_start() -> None:
    got = excerpt(FILLER, [], width=80)
    assert got.marks == ()
    assert FILLER.startswith(got.text.removesuffix(ELLIPSIS))
    assert got.text.endswith(ELLIPSIS) and len(got.text) <= 81


@given(
    words=st.lists(
        st.sampled_from(["alpha", "beta", "gamma", "delta", "filler", "text", "x", "longerword"]),
        min_size=1,
        max_size=300,
    ),
    seps=st.sampled_from([" ", "  ", "\n", " \t "]),
    width=st.integers(60, 300),
)
def test_marks_point_at_matched_words_and_all_terms_show_when_they_fit(
    words: list[str], seps: str, width: int
) -> None:
    text = seps.join(words)
    found = spans(text, "alpha", "beta", "gamma")
    got = excerpt(text, found, width=width)
    for s, e in got.marks:
        assert got.text[s:e] in ("alpha", "beta", "gamma")
    inside = [m for m in re.finditer(r"\b(alpha|beta|gamma)\b", got.text)]
    assert len(inside) == len(got.marks)  # every shown term is highlighted
    terms = {text[s:e] for s, e in found}
    if len(" ".join(words)) <= width:
        assert {got.text[s:e] for s, e in got.marks} == terms
    assert len(got.text) <= width + 3 * (len(ELLIPSIS) + 2) + len("longerword") * 3


def test_the_demo_story_shows_both_terms_of_its_watch() -> None:
    from datetime import UTC, datetime
    from pathlib import Path

    from crawler.extract import extract_article
    from monitor.matching import Matcher
    from monitor.query import parse

    page = Path(__file__).parent.parent / "monitor/demo_site/2024/04/10"
    html = (page / "microsoft-japan-ai-cloud-investment/index.html").read_bytes()
    article = extract_article(html, "http://127.0.0.1/2024/04/10/x/", now=datetime.now(UTC))
    assert article is not None
    [hit] = Matcher([("demo", parse("Microsoft AND Japan"))]).match(article.title, article.body)
    got = excerpt(article.body, [(s.start, s.end) for s in hit.spans if s.field == "body"])
    assert set(marked(got.text, got.marks)) == {"Microsoft", "Japan"}
    assert got.text.lstrip(ELLIPSIS)[0].isupper()  # starts at a sentence, not mid-phrase


@given(
    before=st.integers(0, 400),
    gap=st.integers(0, 100),
    after=st.integers(0, 400),
    width=st.integers(120, 300),
)
def test_terms_close_together_all_show_wherever_they_are(
    before: int, gap: int, after: int, width: int
) -> None:
    text = "lorem " * before + "Alpha " + "ipsum " * (gap // 6) + "Beta " + "dolor " * after
    found = spans(text, "Alpha", "Beta")
    got = excerpt(text, found, width=width)
    if found[-1][1] - found[0][0] <= width // 2:
        assert marked(got.text, got.marks) == ["Alpha", "Beta"]
    assert {"Alpha", "Beta"} == set(marked(got.text, got.marks))  # fragments if need be
