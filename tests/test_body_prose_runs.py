"""Body extraction: runs of long paragraphs trafilatura dropped (fields/body.py, _prose_runs)."""

from __future__ import annotations

from pathlib import Path

import lxml.html

from crawler.extract.fields.body import extract_body

FIXTURES = Path(__file__).parent / "fixtures" / "body"
URL = "https://news.example/2026/03/story/"


def body_of(name: str) -> str:
    tree = lxml.html.document_fromstring((FIXTURES / name).read_text(encoding="utf-8"))
    return extract_body(tree, url=URL)


def test_a_guides_sections_set_in_boxes_of_their_own_are_kept_and_blurbs_are_not() -> None:
    """A buyer's guide's "What to consider" section sits in panels of its own between the
    story's paragraphs: a run of long paragraphs is the story's, with the short lines among
    them; a row of short blurbs for other stories in cards between its paragraphs is not."""
    body = body_of("guide_sections.html")
    assert "Size matters less than you would think" in body
    assert "link two barrels with a short hose" in body
    assert "Typical price: from £40 a barrel." in body  # a short line of the section
    assert "Look at the tap before anything else" in body
    assert "mesh under the lid also keeps" in body
    assert "what the lid let in." in body
    assert "water butts for small balconies" not in body
    assert "green roof on the shed" not in body


def test_a_box_with_a_title_of_its_own_set_between_paragraphs_is_not_the_story() -> None:
    """An explainer box set into the text, with its own heading over its own text, is a
    sidebar: its paragraphs are long, but they are not the story's."""
    body = body_of("sidebar_box.html")
    assert "power the town's trams" in body
    assert "Work on the seabed is due to start next spring." in body
    assert "which has overturned two of the council's decisions" in body
    assert "works much like a wind turbine" not in body
    assert "eight hundred times denser than air" not in body
    assert "barnacles and storms" not in body


def test_a_guides_section_in_panels_before_anything_trafilatura_kept_is_kept() -> None:
    """The panels may open the page, before the first paragraph trafilatura kept."""
    body = body_of("guide_sections_first.html")
    assert body.startswith("Before you buy\n\nSize matters less than you would think")
    assert "Typical price: from £40 a barrel." in body
    assert body.index("Look at the tap") < body.index("We filled, emptied")
    assert body.endswith("what the lid let in.")
