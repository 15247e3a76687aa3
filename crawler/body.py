"""Article body extraction: the text a reader sees, paragraphs separated by blank lines."""

from __future__ import annotations

import logging
import re

import lxml.html  # type: ignore[import-untyped, unused-ignore]
from trafilatura import extract as _trafilatura_extract

logger = logging.getLogger(__name__)

_BLANKS = re.compile(r"\n\s*\n+")


def extract_body(tree: lxml.html.HtmlElement, *, url: str) -> str:
    """Return the article text of `tree`, paragraphs separated by "\\n\\n"; "" when none.

    The tree may be modified. Never raises.
    """
    try:
        text = _trafilatura_extract(
            tree,
            url=url,
            fast=True,
            with_metadata=False,
            include_comments=False,
            include_tables=True,
            favor_precision=False,
            deduplicate=False,
        )
    except Exception:  # extraction must never break a crawl
        logger.debug("body extraction failed for %s", url, exc_info=True)
        return ""
    if not text:
        return ""
    paragraphs = [" ".join(p.split()) for p in _BLANKS.split(text.replace("\n", "\n\n"))]
    return "\n\n".join(p for p in paragraphs if p)
