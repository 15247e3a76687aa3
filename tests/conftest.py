"""Shared test helpers: the fixture site served on 127.0.0.1, and the installed `newsmon`."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor.demo import serve

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def fixture_site() -> Iterator[str]:
    """The project's fixture site, served on a free port; yields its origin."""
    with serve(FIXTURES / "site") as origin:
        yield origin


def newsmon_command() -> list[str]:
    """The installed console script, as a user runs it."""
    script = Path(sys.executable).with_name("newsmon")
    if not script.exists():
        pytest.fail(f"{script} is missing: install the project first (pip install '.[test]')")
    return [str(script)]


def newsmon(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the installed `newsmon` in `cwd` and capture what it prints."""
    environ = {k: v for k, v in os.environ.items() if k != "NEWSMON_CONFIG"}
    return subprocess.run(
        [*newsmon_command(), *args],
        cwd=cwd,
        env={**environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
