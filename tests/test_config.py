"""monitor.config: newsmon.toml -> frozen Config, every problem reported at once."""

from __future__ import annotations

import dataclasses
import datetime
from pathlib import Path
from types import MappingProxyType

import pytest

from crawler.sites import Site, load_catalog
from monitor.config import (
    Config,
    EmailConfig,
    ScheduleConfig,
    StoreConfig,
    Watch,
    load_config,
    parse_config,
    summary,
)
from monitor.errors import ConfigError
from monitor.matching import Article, Matcher, Prominence
from monitor.query import parse

EXAMPLE = """\
sites = ["mspoweruser", "theverge", "techcrunch"]

[store]
path = "newsmon.db"

[[site]]
name = "example-tech"
home = "https://news.example.com/"
feeds = ["https://news.example.com/feed/"]
sitemaps = ["https://news.example.com/news-sitemap.xml"]
every = "15m"
selectors = { title = "h1.entry-title" }

[[watch]]
name = "Microsoft in Japan"
query = 'Microsoft AND (Japan OR Japanese OR Tokyo) NOT "Japan Display"'
notify = ["alice@example.com"]
cadence = "daily"

[email]
host = "smtp.example.com"
port = 587
security = "starttls"
username = "alerts@example.com"
password_env = "NEWSMON_SMTP_PASSWORD"
sender = "newsmon <alerts@example.com>"

[schedule]
timezone = "Europe/Berlin"
digest_at = "08:00"
"""

ENV = {"NEWSMON_SMTP_PASSWORD": "s3cret"}
WATCH = '[[watch]]\nname = "w"\nquery = "Microsoft"\nnotify = ["a@example.com"]\n'
SITE = '[[site]]\nname = "mine"\nhome = "https://mine.example.com/"\n'
EMAIL = '[email]\nhost = "smtp.example.com"\nsender = "n@example.com"\n'


@pytest.fixture(autouse=True)
def in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Messages start with the config path as given; run where `newsmon.toml` is that path."""
    monkeypatch.chdir(tmp_path)


def write(folder: Path, text: str) -> Path:
    path = folder / "newsmon.toml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str, environ: dict[str, str] | None = None) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        write(tmp_path, text)
        load_config(Path("newsmon.toml"), environ=ENV if environ is None else environ)
    message = str(caught.value)
    assert "Traceback" not in message
    return message.splitlines()


def test_example_file_loads_to_frozen_values(tmp_path: Path) -> None:
    path = write(tmp_path, EXAMPLE)
    config = load_config(path, environ=ENV)
    catalog = load_catalog()
    query = 'Microsoft AND (Japan OR Japanese OR Tokyo) NOT "Japan Display"'
    assert config == Config(
        path=path,
        sites=(
            catalog["mspoweruser"],
            catalog["theverge"],
            catalog["techcrunch"],
            Site(
                name="example-tech",
                home="https://news.example.com/",
                feeds=("https://news.example.com/feed/",),
                sitemaps=("https://news.example.com/news-sitemap.xml",),
                every=datetime.timedelta(minutes=15),
                selectors=MappingProxyType({"title": "h1.entry-title"}),
            ),
        ),
        store=StoreConfig(path=tmp_path / "newsmon.db"),
        watches=(
            Watch(
                name="Microsoft in Japan",
                query=query,
                notify=("alice@example.com",),
                cadence="daily",
                node=parse(query),
            ),
        ),
        email=EmailConfig(
            host="smtp.example.com",
            port=587,
            security="starttls",
            username="alerts@example.com",
            password="s3cret",
            password_env="NEWSMON_SMTP_PASSWORD",
            sender="newsmon <alerts@example.com>",
        ),
        schedule=ScheduleConfig(timezone="Europe/Berlin", digest_at=datetime.time(8, 0)),
    )
    assert config.watches[0].node == parse(query)


def test_values_are_frozen(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, EXAMPLE), environ=ENV)
    assert config.email is not None
    frozen: list[tuple[object, str]] = [
        (config, "sites"),
        (config.store, "path"),
        (config.watches[0], "cadence"),
        (config.email, "port"),
        (config.schedule, "timezone"),
    ]
    for value, name in frozen:
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(value, name, None)
    with pytest.raises(TypeError):
        config.sites[-1].selectors["body"] = "div"  # type: ignore[index]


def test_password_stays_out_of_repr(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, EXAMPLE), environ=ENV)
    assert "s3cret" not in repr(config)


def test_empty_file_gets_defaults(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, ""), environ={})
    assert config.sites == ()
    assert config.watches == ()
    assert config.email is None
    assert config.store == StoreConfig(path=tmp_path / "newsmon.db")
    assert config.schedule == ScheduleConfig(timezone="UTC", digest_at=datetime.time(8, 0))


def test_defaults_inside_tables(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, SITE + WATCH + EMAIL), environ={})
    assert config.sites == (Site(name="mine", home="https://mine.example.com/"),)
    assert config.watches[0].cadence == "daily"
    assert config.email == EmailConfig(
        host="smtp.example.com",
        port=587,
        security="starttls",
        username=None,
        password=None,
        password_env=None,
        sender="n@example.com",
    )


@pytest.mark.parametrize(("security", "port"), [("starttls", 587), ("ssl", 465), ("none", 25)])
def test_port_defaults_by_security(tmp_path: Path, security: str, port: int) -> None:
    config = load_config(write(tmp_path, f'{EMAIL}security = "{security}"\n'), environ={})
    assert config.email is not None
    assert config.email.port == port


def test_explicit_port_wins(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, f'{EMAIL}security = "ssl"\nport = 2465\n'), environ={})
    assert config.email is not None
    assert config.email.port == 2465


@pytest.mark.parametrize(
    ("every", "expected"),
    [("90s", 90), ("15m", 900), ("2h", 7200), ("1d", 86400), ("1h30m", 5400)],
)
def test_durations(tmp_path: Path, every: str, expected: int) -> None:
    config = load_config(write(tmp_path, f'{SITE}every = "{every}"\n'), environ={})
    assert config.sites[0].every == datetime.timedelta(seconds=expected)


def test_digest_at_accepts_a_toml_time(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "[schedule]\ndigest_at = 18:30:00\n"), environ={})
    assert config.schedule.digest_at == datetime.time(18, 30)


def test_relative_store_path_resolves_next_to_the_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "conf"
    folder.mkdir()
    write(folder, '[store]\npath = "data/news.db"\n')
    monkeypatch.chdir(tmp_path)
    config = load_config(Path("conf/newsmon.toml"), environ={})
    assert config.store.path == tmp_path / "conf" / "data" / "news.db"
    assert config.path == tmp_path / "conf" / "newsmon.toml"


def test_absolute_store_path_is_kept(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere" / "store.db"
    config = parse_config(f'[store]\npath = "{target}"\n', path=Path("/x/n.toml"), environ={})
    assert config.store.path == target


def test_catalog_sites_come_first_in_listed_order(tmp_path: Path) -> None:
    text = f'sites = ["techcrunch", "mspoweruser"]\n{SITE}'
    config = load_config(write(tmp_path, text), environ={})
    assert [site.name for site in config.sites] == ["techcrunch", "mspoweruser", "mine"]


BAD = [
    pytest.param(
        WATCH + WATCH.replace('"w"', '"w2"') + 'cadence = "dayly"\n',
        "newsmon.toml: watch[2].cadence: 'dayly' is not one of immediate, hourly, daily, weekly",
        id="cadence",
    ),
    pytest.param(
        '[[site]]\nname = "mine"\n',
        "newsmon.toml: site[1]: missing required key 'home'",
        id="site-missing-home",
    ),
    pytest.param(
        '[store]\npth = "x.db"\n',
        "newsmon.toml: store.pth: unknown key (did you mean 'path'?)",
        id="unknown-store-key",
    ),
    pytest.param(
        'sites = ["verge"]\n',
        "newsmon.toml: sites: 'verge' is not in the catalog (did you mean 'theverge'?); known: ",
        id="not-in-catalog",
    ),
    pytest.param(
        'sites = ["theverge", "theverge"]\n',
        "newsmon.toml: sites: 'theverge' is listed twice",
        id="catalog-site-twice",
    ),
    pytest.param('sites = "theverge"\n', "sites: expected an array of strings", id="sites-str"),
    pytest.param("sites = [3]\n", "sites[1]: expected a string, got 3", id="sites-int"),
    pytest.param(
        WATCH.replace('"Microsoft"', '"Microsoft AND"'),
        'newsmon.toml: watch "w": query column 14: expected a word or phrase after AND',
        id="bad-query",
    ),
    pytest.param(
        WATCH.replace('"Microsoft"', '"Microsoft NEAR Japan"'),
        'newsmon.toml: watch "w": query column 11: NEAR is an operator',
        id="near-without-parentheses",
    ),
    pytest.param(
        WATCH.replace('"Microsoft"', '"@microsoft"'),
        'newsmon.toml: watch "w": query column 1: unknown alias @microsoft; define it under '
        "[aliases]",
        id="unknown-alias",
    ),
    pytest.param(
        '[aliases]\nms = ["Microsoft", "&"]\n',
        "newsmon.toml: aliases.ms[2]: '&': column 1: has no letters or digits to look for",
        id="alias-entry",
    ),
    pytest.param("[aliases]\nms = []\n", "aliases.ms: needs at least one entry", id="alias-empty"),
    pytest.param('[aliases]\nms = "MSFT"\n', "aliases.ms: expected an array", id="alias-str"),
    pytest.param("aliases = 3\n", "aliases: expected a table", id="aliases-not-table"),
    pytest.param(
        '[aliases]\n"m s" = ["MSFT"]\n', "aliases.m s: an alias name is letters", id="alias-name"
    ),
    pytest.param(
        WATCH + "min_mentions = 0\n",
        "watch[1].min_mentions: expected a whole number of 1 or more, like 2, got 0",
        id="min-mentions-zero",
    ),
    pytest.param(
        WATCH + 'min_mentions = "2"\n', "watch[1].min_mentions: expected a whole", id="mentions-str"
    ),
    pytest.param(
        WATCH + 'in = ["title", "headline"]\n',
        "watch[1].in[2]: 'headline' is not one of title, lead, body",
        id="in-unknown-field",
    ),
    pytest.param(WATCH + "in = []\n", "watch[1].in: needs at least one of", id="in-empty"),
    pytest.param(WATCH + 'in = "title"\n', "watch[1].in: expected an array", id="in-str"),
    pytest.param("[store]\npath = 3\n", "store.path: expected a string, got 3", id="wrong-type"),
    pytest.param('[store]\npath = ""\n', "store.path: must not be empty", id="empty-string"),
    pytest.param("store = 3\n", "store: expected a table, got 3", id="store-not-table"),
    pytest.param(
        WATCH + WATCH, "watch[2].name: 'w' is already the name of watch[1]", id="duplicate-watch"
    ),
    pytest.param(
        SITE + SITE, "site[2].name: 'mine' is already the name of site[1]", id="duplicate-site"
    ),
    pytest.param(
        'sites = ["theverge"]\n' + SITE.replace('"mine"', '"theverge"'),
        "site[1].name: 'theverge' is also listed in sites",
        id="site-clashes-with-catalog",
    ),
    pytest.param(
        SITE + 'every = "15 minutes"\n',
        "site[1].every: '15 minutes' is not a duration; write a number and a unit",
        id="bad-duration",
    ),
    pytest.param(SITE + 'every = "0m"\n', "site[1].every: '0m' is zero", id="zero-duration"),
    pytest.param(SITE + "every = 15\n", "site[1].every: expected a string, got 15", id="int-every"),
    pytest.param(
        SITE.replace('"https://mine.example.com/"', '"mine.example.com"'),
        "site[1].home: 'mine.example.com' is not an http(s) URL with a host; "
        "write it like 'https://mine.example.com'",
        id="url-without-scheme",
    ),
    pytest.param(
        SITE.replace("https://mine.example.com/", "ftp://mine.example.com/"),
        "site[1].home: 'ftp://mine.example.com/' is not an http(s) URL",
        id="ftp-url",
    ),
    pytest.param(
        SITE.replace("https://mine.example.com/", "https:///path"),
        "site[1].home: 'https:///path' is not an http(s) URL with a host",
        id="url-without-host",
    ),
    pytest.param(
        SITE + 'feeds = ["https://mine.example.com/feed", "feed.xml"]\n',
        "site[1].feeds[2]: 'feed.xml' is not an http(s) URL",
        id="bad-feed",
    ),
    pytest.param(
        SITE + 'sitemaps = "https://mine.example.com/sitemap.xml"\n',
        "site[1].sitemaps: expected an array of strings",
        id="sitemaps-not-array",
    ),
    pytest.param(
        SITE + 'selectors = { titel = "h1" }\n',
        "site[1].selectors.titel: unknown field (did you mean 'title'?)",
        id="unknown-selector-field",
    ),
    pytest.param(
        SITE + 'selectors = { title = "h1[" }\n',
        "site[1].selectors.title: 'h1[' is not a valid CSS selector",
        id="bad-css",
    ),
    pytest.param(
        '[site]\nname = "mine"\n',
        "site: expected an array of tables ([[site]]), got a table",
        id="site-not-array",
    ),
    pytest.param('site = ["x"]\n', "site[1]: expected a table, got 'x'", id="site-not-table"),
    pytest.param(
        WATCH.replace('notify = ["a@example.com"]', "notify = []"),
        "watch[1].notify: needs at least one address",
        id="no-recipients",
    ),
    pytest.param(
        WATCH.replace('notify = ["a@example.com"]\n', ""),
        "watch[1]: missing required key 'notify'",
        id="notify-missing",
    ),
    pytest.param(
        WATCH.replace("a@example.com", "alice"),
        "watch[1].notify[1]: 'alice' is not an email address",
        id="address-without-at",
    ),
    pytest.param(
        WATCH.replace("a@example.com", "alice@localhost"),
        "watch[1].notify[1]: 'alice@localhost' is not an email address",
        id="address-without-dot",
    ),
    pytest.param(
        WATCH.replace("a@example.com", "a@example.com, b@example.com"),
        "watch[1].notify[1]: 'a@example.com, b@example.com' holds more than one address",
        id="two-addresses-in-one",
    ),
    pytest.param(
        EMAIL + 'security = "tls"\n',
        "email.security: 'tls' is not one of starttls, ssl, none",
        id="bad-security",
    ),
    pytest.param(
        EMAIL + 'port = "587"\n',
        "email.port: expected a port number from 1 to 65535, got '587'",
        id="port-string",
    ),
    pytest.param(EMAIL + "port = true\n", "email.port: expected a port number", id="port-bool"),
    pytest.param(EMAIL + "port = 70000\n", "got 70000", id="port-range"),
    pytest.param(
        '[email]\nhost = "smtp.example.com"\n',
        "email: missing required key 'sender'",
        id="email-no-sender",
    ),
    pytest.param(
        EMAIL.replace("n@example.com", "newsmon"),
        "email.sender: 'newsmon' is not an email address",
        id="bad-sender",
    ),
    pytest.param(
        EMAIL + 'password_env = "NEWSMON_SMTP_PASSWORD"\nusername = "n@example.com"\n',
        "email.password_env: environment variable NEWSMON_SMTP_PASSWORD is not set",
        id="password-env-unset",
    ),
    pytest.param(
        EMAIL + 'username = "n@example.com"\n',
        "email: username is set but password_env is not",
        id="username-without-password",
    ),
    pytest.param(
        '[schedule]\ntimezone = "Europe/Berln"\n',
        "schedule.timezone: 'Europe/Berln' is not an IANA time zone "
        "(did you mean 'Europe/Berlin'?)",
        id="bad-timezone",
    ),
    pytest.param(
        '[schedule]\ntimezone = "Europe"\n',
        "schedule.timezone: 'Europe' is not an IANA time zone",
        id="timezone-folder",
    ),
    pytest.param(
        '[schedule]\ndigest_at = "8am"\n',
        "schedule.digest_at: '8am' is not a time; write HH:MM",
        id="bad-digest-at",
    ),
    pytest.param(
        '[schedule]\ndigest_at = "24:00"\n', "schedule.digest_at: '24:00'", id="digest-at-24"
    ),
    pytest.param(
        "[schedule]\ndigest_at = 8\n", "schedule.digest_at: 8 is not a time", id="digest-at-int"
    ),
    pytest.param(
        'sites = ["theverge"]\n[store\n',
        "newsmon.toml: line 2, column 7: invalid TOML: ",
        id="toml-syntax",
    ),
]


@pytest.mark.parametrize(("text", "fragment"), BAD)
def test_bad_files_name_the_key_and_the_fix(tmp_path: Path, text: str, fragment: str) -> None:
    lines = problems(tmp_path, text, environ={})
    assert len(lines) == 1, lines
    assert fragment in lines[0]


UNKNOWN = [
    pytest.param("watches = []\n", "watches: unknown key (did you mean 'watch'?)", id="top"),
    pytest.param("[store]\nfoo = 1\n", "store.foo: unknown key; allowed keys: path", id="store"),
    pytest.param(SITE + "feed = []\n", "site[1].feed: unknown key (did you mean", id="site"),
    pytest.param(SITE + "selectors = { bogus = 'p' }\n", "site[1].selectors.bogus:", id="sel"),
    pytest.param(WATCH + "notfy = []\n", "watch[1].notfy: unknown key", id="watch"),
    pytest.param(EMAIL + "server = 'x'\n", "email.server: unknown key", id="email"),
    pytest.param("[schedule]\nzone = 'UTC'\n", "schedule.zone: unknown key", id="schedule"),
]


@pytest.mark.parametrize(("text", "fragment"), UNKNOWN)
def test_unknown_keys_at_every_level(tmp_path: Path, text: str, fragment: str) -> None:
    lines = problems(tmp_path, text, environ={})
    assert len(lines) == 1, lines
    assert fragment in lines[0]


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = (
        'sites = ["verge"]\n'
        + WATCH
        + 'cadence = "dayly"\n'
        + '[schedule]\ntimezone = "Mars/Olympus"\n'
    )
    lines = problems(tmp_path, text)
    assert len(lines) == 3, lines
    assert all(line.startswith("newsmon.toml: ") for line in lines)
    assert [line.split(": ")[1] for line in lines] == [
        "sites",
        "watch[1].cadence",
        "schedule.timezone",
    ]


def test_aliases_and_prominence_reach_the_watch(tmp_path: Path) -> None:
    text = (
        '[aliases]\nmicrosoft = ["Microsoft", "MSFT", "Azure*", "Microsoft Corp", "マイクロソフト"]'
        "\n"
        + WATCH.replace('"Microsoft"', '"@microsoft NOT Xbox"')
        + 'min_mentions = 2\nin = ["title", "lead"]\n'
    )
    (watch,) = load_config(write(tmp_path, text), environ={}).watches
    assert str(watch.node) == "@microsoft AND NOT Xbox"
    assert watch.prominence == Prominence(min_mentions=2, fields=("title", "lead"))
    hits = Matcher([(watch.name, watch.node, watch.prominence)]).match(
        Article(title="Azure and MSFT results", body="One.\n\nTwo.\n\nMicrosoft Corp rose.")
    )
    assert [h.terms for h in hits] == [("MSFT", "Azure*")]
    summary_text = summary(load_config(write(tmp_path, text), environ={}))
    assert "at least 2 mention(s) in title, lead" in summary_text
    assert "aliases: @microsoft\n" in summary_text


def test_query_problems_are_reported_with_all_others(tmp_path: Path) -> None:
    text = (
        '[aliases]\nms = ["&"]\n'
        + WATCH.replace('"Microsoft"', '"Microsoft AND (Japan OR Tokyo"')
        + WATCH.replace('"w"', '"w2"').replace('"Microsoft"', '"title:x @nope"')
        + "min_mentions = -1\n"
    )
    lines = problems(tmp_path, text)
    assert [line.split(": ", 2)[1] for line in lines] == [
        "aliases.ms[1]",
        'watch "w"',
        'watch "w2"',
        "watch[2].min_mentions",
    ]
    assert lines[1] == (
        "newsmon.toml: watch \"w\": query column 15: ')' expected to close the '(' at column 15"
    )


def test_password_in_the_file_is_refused_without_echoing_it(tmp_path: Path) -> None:
    lines = problems(tmp_path, EMAIL + 'password = "hunter2"\n')
    assert lines == [
        "newsmon.toml: email.password: secrets never go in the file; remove it, put the password "
        "in an environment variable and name that variable with password_env"
    ]


def test_password_pasted_into_password_env_is_not_echoed(tmp_path: Path) -> None:
    text = EMAIL + 'username = "n@example.com"\npassword_env = "hunter2!"\n'
    lines = problems(tmp_path, text)
    assert len(lines) == 1
    assert lines[0].startswith("newsmon.toml: email.password_env: expected the name of")
    assert "hunter2" not in lines[0]


def test_password_env_is_read_from_the_given_environ(tmp_path: Path) -> None:
    text = EMAIL + 'username = "n@example.com"\npassword_env = "SMTP_PW"\n'
    config = load_config(write(tmp_path, text), environ={"SMTP_PW": "pw"})
    assert config.email is not None
    assert config.email.password == "pw"
    lines = problems(tmp_path, text, environ={"SMTP_PW": ""})
    assert lines == ["newsmon.toml: email.password_env: environment variable SMTP_PW is empty"]


def test_password_env_needs_a_username(tmp_path: Path) -> None:
    lines = problems(tmp_path, EMAIL + 'password_env = "X"\n', environ={"X": "pw"})
    assert lines == [
        "newsmon.toml: email: password_env is set but username is not; SMTP login needs both"
    ]


def test_password_env_is_ignored_without_an_email_section(tmp_path: Path) -> None:
    assert load_config(write(tmp_path, WATCH), environ={}).email is None


def test_missing_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as caught:
        load_config(Path("newsmon.toml"), environ={})
    assert str(caught.value) == (
        "newsmon.toml: no such file; create it (see README) or pass --config PATH"
    )


def test_folder_and_non_utf8_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="is a folder"):
        load_config(tmp_path, environ={})
    path = tmp_path / "latin1.toml"
    path.write_bytes('[store]\npath = "caf\xe9.db"\n'.encode("latin-1"))
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(path, environ={})


def test_byte_order_mark_is_tolerated(tmp_path: Path) -> None:
    (tmp_path / "bom.toml").write_bytes(b"\xef\xbb\xbf" + b'[schedule]\ntimezone = "Asia/Tokyo"\n')
    config = load_config(tmp_path / "bom.toml", environ={})
    assert config.schedule.timezone == "Asia/Tokyo"


def test_config_error_exit_code(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, "bogus = 1\n"), environ={})
    assert caught.value.exit_code == 2


def test_summary_describes_the_config(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, EXAMPLE), environ=ENV)
    text = summary(config)
    assert "mspoweruser" in text
    assert "example-tech  https://news.example.com/  1 feed, 1 sitemap, every 15m" in text
    assert (
        'Microsoft in Japan: Microsoft AND (Japan OR Japanese OR Tokyo) NOT "Japan Display"'
        "  -> alice@example.com (daily)"
    ) in text
    assert f"store: {tmp_path / 'newsmon.db'}" in text
    assert "email: smtp.example.com:587 (starttls)" in text
    assert "schedule: digests at 08:00 Europe/Berlin" in text
    assert "s3cret" not in text


def test_summary_without_email(tmp_path: Path) -> None:
    text = summary(load_config(write(tmp_path, ""), environ={}))
    assert "no [email]: use --outbox" in text
    assert "watches: none" in text
