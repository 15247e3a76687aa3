"""`newsmon extract`: what newsmon reads on a saved page, as JSON."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.conftest import FIXTURES, newsmon, newsmon_command

PAGE = FIXTURES / "site" / "articles" / "gpu-lead-times-shrink.html"


def test_extract_prints_the_record_as_json(tmp_path: Path) -> None:
    result = newsmon(
        "extract",
        str(PAGE),
        "--url",
        "http://127.0.0.1:8000/articles/gpu-lead-times-shrink.html",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["url"] == "https://fixture.newsmon.example/articles/gpu-lead-times-shrink.html"
    assert record["title"] == "Wait times for data centre GPUs fall to a few months"
    assert record["authors"] == ["Ingrid Solberg"]
    assert record["published"] == "2024-05-21T14:30:00-07:00"
    assert "Nvidia" in record["body"]


def test_extract_reads_stdin(tmp_path: Path) -> None:
    result = subprocess.run(
        [*newsmon_command(), "extract", "-", "--url", "https://fixture.newsmon.example/x.html"],
        input=PAGE.read_bytes(),
        capture_output=True,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["authors"] == ["Ingrid Solberg"]


def test_a_listing_page_is_not_an_article(tmp_path: Path) -> None:
    result = newsmon(
        "extract",
        str(FIXTURES / "site" / "index.html"),
        "--url",
        "https://fixture.newsmon.example/",
        cwd=tmp_path,
    )
    assert result.returncode == 1
    assert json.loads(result.stdout) is None
    assert "does not look like an article" in result.stderr
