"""monitor.checks: the generic TOML value checks, where config's tests do not reach them."""

from __future__ import annotations

import datetime

import pytest

from monitor import checks


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        pytest.param([1, 2], "an array", id="array"),
        pytest.param({"a": 1}, "a table", id="table"),
        pytest.param(True, "true", id="bool"),
        pytest.param(datetime.date(2024, 1, 2), "2024-01-02", id="date"),
        pytest.param(datetime.time(8, 0), "08:00:00", id="time"),
        pytest.param(10**70, "1" + "0" * 56 + "...", id="long-number"),
    ],
)
def test_a_wrong_value_is_shown_as_written_in_toml(value: object, shown: str) -> None:
    p = checks.Problems("f.toml")
    assert checks.text(p, value, "k") is None
    assert p.lines == [f"f.toml: k: expected a string, got {shown}"]


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("https://news.example.com:99999/", id="port-out-of-range"),
        pytest.param("http://[::1/", id="unclosed-ipv6"),
    ],
)
def test_a_url_that_does_not_parse_is_reported(url: str) -> None:
    p = checks.Problems("f.toml")
    assert checks.url(p, url, "site[1].home") is None
    assert p.lines == [
        f"f.toml: site[1].home: {url!r} is not an http(s) URL with a host; "
        "write it like 'https://news.example.com/'"
    ]


def test_a_refused_key_gets_its_own_message_in_file_order() -> None:
    p = checks.Problems("f.toml")
    table = {"passwd": 1, "password": "hunter2", "host": "smtp.example.com"}
    checks.known(p, table, "email", ("host", "password_env"), refused={"password": "no secrets"})
    assert p.lines == [
        "f.toml: email.passwd: unknown key (did you mean 'password_env'?)",
        "f.toml: email.password: no secrets",
    ]
