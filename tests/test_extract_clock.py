"""Extraction is a pure function of its inputs: without `now` it never consults the clock."""

from __future__ import annotations

import datetime as real
import time
from datetime import UTC, date, datetime

import pytest
import trafilatura.settings

import crawler.dates
import crawler.extract.fields.timestamps
from crawler.extract import extract_article

TEXT = "<p>" + "The lock gates on the old canal reopen after a winter of repairs. " * 8 + "</p>"
URL = "https://canal.example/news/lock-gates-reopen"


def doc(head: str = "", lead: str = "") -> str:
    head = '<meta property="og:title" content="Lock gates reopen">' + head
    return f"<html><head>{head}</head><body><article>{lead}{TEXT}</article></body></html>"


class _NoClock(real.datetime):
    """A datetime whose clock readings fail the test."""

    @classmethod
    def now(cls, tz: real.tzinfo | None = None) -> _NoClock:
        raise AssertionError("extraction read the wall clock")

    @classmethod
    def utcnow(cls) -> _NoClock:
        raise AssertionError("extraction read the wall clock")

    @classmethod
    def today(cls) -> _NoClock:
        raise AssertionError("extraction read the wall clock")


def _no_time() -> float:
    raise AssertionError("extraction read the wall clock")


def test_without_now_nothing_reads_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    for module in (crawler.dates, crawler.extract.fields.timestamps, trafilatura.settings):
        if hasattr(module, "datetime"):
            monkeypatch.setattr(module, "datetime", _NoClock)
    monkeypatch.setattr(time, "time", _no_time)
    meta = '<meta property="article:published_time" content="2024-04-02T09:30:00+01:00">'
    article = extract_article(doc(meta), URL)
    assert article is not None
    assert article.published == datetime(
        2024, 4, 2, 9, 30, tzinfo=real.timezone(real.timedelta(hours=1))
    )
    assert "lock gates on the old canal" in article.body


def test_without_now_a_visible_date_has_no_upper_bound_but_the_sane_one() -> None:
    # Only htmldate finds this date. Bounded by the clock (htmldate's own default) a date
    # years ahead would be dropped; without `now` extraction sets no bound, with `now` it does.
    lead = '<p class="date">Published 14 February 2029</p>'
    article = extract_article(doc(lead=lead), URL)
    assert article is not None and article.published == date(2029, 2, 14)
    bounded = extract_article(doc(lead=lead), URL, now=datetime(2025, 1, 1, tzinfo=UTC))
    assert bounded is not None and bounded.published is None


def test_extraction_without_now_is_the_same_on_every_call() -> None:
    lead = '<p class="date">Published 3 March 2024</p>'
    first = extract_article(doc(lead=lead), URL)
    assert first is not None and first.published == date(2024, 3, 3)
    assert extract_article(doc(lead=lead), URL) == first
