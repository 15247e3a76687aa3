"""newsmon.toml -> a validated, frozen Config.

Every problem in the file is collected and reported at once in one ConfigError, one problem per
line: `<file>: <key path>: <what is wrong and what to write instead>`. Key paths count array
entries from 1, as a user counts tables in the file: `watch[2].cadence` is the `cadence` key of the
second `[[watch]]` table, `site[1].feeds[3]` the third feed of the first `[[site]]` table.

Nothing here reads os.environ: the caller passes the environment in (the CLI passes os.environ).
"""

from __future__ import annotations

import datetime
import re
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.utils import parseaddr
from importlib import metadata
from pathlib import Path
from types import MappingProxyType
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from cssselect import SelectorError
from parsel import css2xpath

from crawler.sites import RECHECK, Site, load_catalog
from monitor import checks
from monitor.cadence import CADENCES, WEEKDAYS, Schedule, format_slot, next_slot
from monitor.checks import Problems
from monitor.errors import ConfigError, QueryError
from monitor.matching import PROMINENCE_FIELDS, Prominence
from monitor.query import Alias, Field, Node, Not, Term, alias_term, parse

SECURITIES = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
SELECTOR_FIELDS = (
    "title",
    "subtitle",
    "authors",
    "published",
    "modified",
    "body",
    "section",
    "tags",
)

_TOP_KEYS = (
    "sites",
    "store",
    "site",
    "aliases",
    "watch",
    "email",
    "schedule",
    "crawl",
    "digest",
    "cluster",
)
_CLUSTER_KEYS = ("redis", "key_prefix", "worker_timeout")
_PREFIX = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
_CRAWL_KEYS = ("delay", "contact", "max_page_size", "timeout")
_STORE_KEYS = ("path", "keep")
_SITE_KEYS = (
    "name",
    "home",
    "feeds",
    "sitemaps",
    "listings",
    "article_pattern",
    "every",
    "recheck",
    "selectors",
)
_WATCH_KEYS = ("name", "query", "notify", "cadence", "on_change", "min_mentions", "in")
_ALIAS_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*")
_EMAIL_KEYS = ("host", "port", "security", "username", "password_env", "sender")
_SCHEDULE_KEYS = ("timezone", "digest_at", "digest_day")
_DIGEST_KEYS = ("max_items", "attempts")
DEFAULT_MAX_ITEMS = 50
DEFAULT_ATTEMPTS = 3
_PASSWORD_HINT = (
    "secrets never go in the file; remove it, put the password in an environment variable "
    "and name that variable with password_env"
)
_EMAIL_REFUSED = {"password": _PASSWORD_HINT}
_HHMM = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_TOML_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


@dataclass(frozen=True)
class Watch:
    """A watchlist entry: who gets told about articles matching `query`, and how often."""

    name: str
    query: str
    notify: tuple[str, ...]
    cadence: str
    node: Node = field(compare=False)
    on_change: bool = False
    prominence: Prominence = field(default_factory=Prominence)

    @property
    def definition(self) -> str:
        """What decides which articles the watch matches: its query, the alias sets it uses and
        its prominence. When this changes, the watch starts over (it looks back again)."""
        parts = [self.query]
        for alias in dict.fromkeys(_aliases_in(self.node)):
            parts.append(f"@{alias.name} = " + " | ".join(map(str, alias.terms)))
        if self.prominence != Prominence():
            fields = ", ".join(self.prominence.fields) or "all"
            parts.append(f"min_mentions = {self.prominence.min_mentions}; in = {fields}")
        return "\n".join(parts)


def _aliases_in(node: Node) -> list[Alias]:
    if isinstance(node, Alias):
        return [node]
    if isinstance(node, Not | Field):
        return _aliases_in(node.child)
    if isinstance(node, Term):
        return []
    return [a for child in node.children for a in _aliases_in(child)]


@dataclass(frozen=True)
class StoreConfig:
    """Where the SQLite store lives (an absolute path), and how long bodies and revisions stay
    (`keep`; None keeps everything)."""

    path: Path
    keep: datetime.timedelta | None = None


@dataclass(frozen=True)
class EmailConfig:
    """SMTP settings; `password` comes from the environment variable named by `password_env`."""

    host: str
    port: int
    security: str
    username: str | None
    password: str | None = field(repr=False)
    password_env: str | None
    sender: str


#: When digests go out: `digest_at` (and on `digest_day` for weekly watches) in `timezone`.
ScheduleConfig = Schedule


@dataclass(frozen=True)
class DigestConfig:
    """What a digest holds (at most `max_items` stories in full, the rest as a list of links)
    and how often a digest the server refuses is tried (`attempts`) before it is given up."""

    max_items: int = DEFAULT_MAX_ITEMS
    attempts: int = DEFAULT_ATTEMPTS


@dataclass(frozen=True)
class CrawlConfig:
    """Politeness and limits of the crawl: what `[crawl]` says, passed to Scrapy as settings.

    `delay` seconds between requests to one host (and AutoThrottle's start; 0 lifts both, for
    your own servers only), `contact` a mailto: or http(s) URL put in the User-Agent,
    `max_page_size` bytes (a larger response is dropped), `timeout` seconds per request.
    """

    delay: float = 1.0
    contact: str | None = None
    max_page_size: int = 5 * 1024 * 1024
    timeout: float = 30.0

    def user_agent(self) -> str:
        """`newsmon/<version> (+contact)`, as Scrapy sends it."""
        try:
            version = metadata.version("newsmon")
        except metadata.PackageNotFoundError:  # run from a source tree without installing
            version = "0"
        return f"newsmon/{version} (+{self.contact})" if self.contact else f"newsmon/{version}"

    def scrapy_settings(self) -> dict[str, str]:
        """The `-s` settings `scrapy crawl news` gets for this table."""
        throttle = self.delay > 0
        return {
            "USER_AGENT": self.user_agent(),
            "DOWNLOAD_DELAY": str(self.delay),
            "AUTOTHROTTLE_ENABLED": str(throttle),
            "AUTOTHROTTLE_START_DELAY": str(self.delay),
            "DOWNLOAD_MAXSIZE": str(self.max_page_size),
            "DOWNLOAD_TIMEOUT": str(self.timeout),
        }


@dataclass(frozen=True)
class ClusterConfig:
    """`[cluster]`: the Redis that holds the shared crawl queue (README: More than one machine).

    `redis` a redis:// (or rediss://, unix://) URL, `key_prefix` the prefix of every key newsmon
    writes there, `worker_timeout` seconds after which a silent worker counts as dead and its
    requests are queued again."""

    redis: str
    key_prefix: str = "newsmon"
    worker_timeout: float = 30.0

    def scrapy_settings(self) -> dict[str, str]:
        """The `-s` settings that make `scrapy crawl news` a cluster worker."""
        return {
            "NEWSMON_REDIS": self.redis,
            "NEWSMON_KEY_PREFIX": self.key_prefix,
            "NEWSMON_WORKER_TIMEOUT": str(self.worker_timeout),
        }


@dataclass(frozen=True)
class Config:
    """The whole validated newsmon.toml. `sites`: catalog sites named in `sites`, then [[site]]."""

    path: Path
    sites: tuple[Site, ...]
    store: StoreConfig
    watches: tuple[Watch, ...]
    email: EmailConfig | None
    schedule: ScheduleConfig
    crawl: CrawlConfig = CrawlConfig()
    digest: DigestConfig = DigestConfig()
    aliases: Mapping[str, tuple[Term, ...]] = field(default_factory=lambda: MappingProxyType({}))
    cluster: ClusterConfig | None = None


def load_config(path: Path, *, environ: Mapping[str, str], mail: bool = True) -> Config:
    """Read and validate the config file at `path`; raise one ConfigError naming every problem.

    `mail=False` is for commands that send no mail (crawl, match): the SMTP password variable
    named by `email.password_env` need not be set then (cron's environment often lacks it)."""
    try:
        text = path.read_text(encoding="utf-8-sig")  # -sig: tolerate a BOM from Notepad
    except FileNotFoundError as e:
        raise ConfigError(
            f"{path}: no such file; create it (see README) or pass --config PATH"
        ) from e
    except IsADirectoryError as e:
        raise ConfigError(f"{path}: is a folder; pass the path of the TOML file") from e
    except UnicodeDecodeError as e:
        raise ConfigError(f"{path}: not UTF-8 text (byte {e.start}); save it as UTF-8") from e
    except OSError as e:
        raise ConfigError(f"{path}: cannot read the file: {e.strerror or e}") from e
    return parse_config(text, path=path, environ=environ, mail=mail)


def parse_config(text: str, *, path: Path, environ: Mapping[str, str], mail: bool = True) -> Config:
    """Validate config `text` read from `path` (used for messages and relative paths)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        message = str(e)
        where = _TOML_AT.search(message)
        if where:
            message = message[: where.start()]
            raise ConfigError(
                f"{path}: line {where[1]}, column {where[2]}: invalid TOML: {message}"
            ) from e
        raise ConfigError(f"{path}: invalid TOML: {message}") from e
    p = Problems(str(path))
    checks.known(p, data, "", _TOP_KEYS)
    catalog = load_catalog()
    listed = _catalog_sites(p, data.get("sites"), catalog)
    own = _own_sites(p, data.get("site"), {site.name for site in listed})
    store = _store(p, data.get("store", {}), path)
    aliases = _aliases(p, data.get("aliases", {}))
    watches = _watches(p, data.get("watch"), aliases)
    email = _email(p, data["email"], environ, mail) if "email" in data else None
    schedule = _schedule(p, data.get("schedule", {}))
    crawl = _crawl(p, data.get("crawl", {}))
    digest = _digest(p, data.get("digest", {}))
    cluster = _cluster(p, data["cluster"]) if "cluster" in data else None
    if p.lines:
        raise ConfigError("\n".join(p.lines))
    return Config(
        path=path.absolute(),
        sites=(*listed, *own),
        store=store,
        watches=watches,
        email=email,
        schedule=schedule,
        crawl=crawl,
        digest=digest,
        aliases=MappingProxyType(aliases),
        cluster=cluster,
    )


def summary(config: Config, *, now: datetime.datetime | None = None) -> str:
    """A few human lines describing `config`; with `now`, each watch's next digest slot."""
    lines = [f"config: {config.path}", f"sites: {len(config.sites) or 'none'}"]
    for site in config.sites:
        sources = [_count(len(site.feeds), "feed"), _count(len(site.sitemaps), "sitemap")]
        lines.append(f"  {site.name}  {site.home}  {', '.join(sources)}, every {_span(site.every)}")
    if config.aliases:
        lines.append(f"aliases: {', '.join('@' + name for name in config.aliases)}")
    lines.append(f"watches: {len(config.watches) or 'none'}")
    for watch in config.watches:
        recipients = ", ".join(watch.notify)
        lines.append(f"  {watch.name}: {watch.query}  -> {recipients} ({watch.cadence})")
        prominence = watch.prominence
        if prominence != Prominence():
            where = " in " + ", ".join(prominence.fields) if prominence.fields else ""
            lines.append(f"    at least {prominence.min_mentions} mention(s){where}")
        if now is not None:
            lines.append(f"    next digest: {_next(watch.cadence, config.schedule, now)}")
    lines.append(f"store: {config.store.path}")
    email = config.email
    if email is None:
        lines.append("email: no [email]: use --outbox")
    else:
        login = f" as {email.username}" if email.username else ""
        lines.append(
            f"email: {email.host}:{email.port} ({email.security}){login}, from {email.sender}"
        )
    schedule = config.schedule
    lines.append(
        f"schedule: digests at {schedule.digest_at:%H:%M} {schedule.timezone} "
        f"(weekly ones on {schedule.digest_day.capitalize()})"
    )
    lines.append(
        f"digest: at most {config.digest.max_items} stories in full per message; a refused "
        f"digest is tried {config.digest.attempts} times"
    )
    return "\n".join(lines)


def _next(cadence: str, schedule: ScheduleConfig, now: datetime.datetime) -> str:
    if cadence == "immediate":
        return "at once, with the next digest or run"
    return format_slot(next_slot(cadence, now, schedule), schedule)


def _catalog_sites(p: Problems, value: object, catalog: Mapping[str, Site]) -> list[Site]:
    names = checks.strings(p, value, "sites") if value is not None else []
    sites: list[Site] = []
    for name in names:
        if name not in catalog:
            known = ", ".join(sorted(catalog))
            hint = checks.did_you_mean(name, catalog)
            p.add("sites", f"{name!r} is not in the catalog{hint}; known: {known}")
        elif any(site.name == name for site in sites):
            p.add("sites", f"{name!r} is listed twice; remove one")
        else:
            sites.append(catalog[name])
    return sites


def _own_sites(p: Problems, value: object, listed: set[str]) -> list[Site]:
    sites: list[Site] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(checks.tables(p, value, "site"), 1):
        key = f"site[{index}]"
        table = checks.table(p, entry, key, _SITE_KEYS, required=("name", "home"))
        if table is None:
            continue
        name = checks.string(p, table, "name", f"{key}.name")
        if name in listed:
            p.add(
                f"{key}.name",
                f"{name!r} is also listed in sites (the built-in catalog entry); "
                f"rename this site or remove {name!r} from sites",
            )
        else:
            _claim(p, seen, name, "site", index)
        home = checks.url(p, checks.string(p, table, "home", f"{key}.home"), f"{key}.home")
        feeds = checks.urls(p, table, "feeds", f"{key}.feeds")
        sitemaps = checks.urls(p, table, "sitemaps", f"{key}.sitemaps")
        listings = checks.urls(p, table, "listings", f"{key}.listings")
        pattern_key = f"{key}.article_pattern"
        pattern = _pattern(p, checks.string(p, table, "article_pattern", pattern_key), pattern_key)
        every = checks.every(p, checks.string(p, table, "every", f"{key}.every"), f"{key}.every")
        recheck = (
            checks.durations(p, table["recheck"], f"{key}.recheck")
            if "recheck" in table
            else RECHECK
        )
        selectors = _selectors(p, table.get("selectors", {}), f"{key}.selectors")
        if name is None or home is None:
            continue
        sites.append(
            Site(
                name=name,
                home=home,
                feeds=feeds,
                sitemaps=sitemaps,
                listings=listings,
                article_pattern=pattern,
                every=every,
                recheck=recheck,
                selectors=MappingProxyType(selectors),
            )
        )
    return sites


def _pattern(p: Problems, value: str | None, key: str) -> str | None:
    if value is None:
        return None
    try:
        re.compile(value)
    except re.error as e:
        p.add(
            key,
            f"{value!r} is not a regular expression: {e}; write one like '/20\\d\\d/\\d\\d/'",
        )
        return None
    return value


def _claim(p: Problems, seen: dict[str, int], name: str | None, kind: str, index: int) -> None:
    if name is not None and name in seen:
        p.add(f"{kind}[{index}].name", f"{name!r} is already the name of {kind}[{seen[name]}]")
    elif name is not None:
        seen[name] = index


def _selectors(p: Problems, value: object, key: str) -> dict[str, str]:
    if not isinstance(value, dict):
        p.add(key, f"expected a table like {{ title = 'h1' }}, got {checks.show(value)}")
        return {}
    selectors: dict[str, str] = {}
    for name in value:
        if name not in SELECTOR_FIELDS:
            hint = (
                checks.did_you_mean(name, SELECTOR_FIELDS)
                or f"; fields: {', '.join(SELECTOR_FIELDS)}"
            )
            p.add(checks.key_path(key, name), f"unknown field{hint}")
            continue
        css = checks.string(p, value, name, checks.key_path(key, name))
        if css is None:
            continue
        try:
            css2xpath(css)
        except SelectorError as e:
            p.add(checks.key_path(key, name), f"{css!r} is not a valid CSS selector: {e}")
            continue
        selectors[name] = css
    return selectors


def _store(p: Problems, value: object, config_path: Path) -> StoreConfig:
    table = checks.table(p, value, "store", _STORE_KEYS)
    text = checks.string(p, table, "path", "store.path") if table is not None else None
    relative = Path(text or "newsmon.db").expanduser()
    keep = None
    if table is not None and "keep" in table:
        keep = checks.duration(p, checks.string(p, table, "keep", "store.keep"), "store.keep")
        if keep is not None and keep < datetime.timedelta(days=1):
            p.add("store.keep", 'keep at least a day, like "365d"; remove the key to keep all')
            keep = None
    return StoreConfig(path=config_path.absolute().parent / relative, keep=keep)


def _aliases(p: Problems, value: object) -> dict[str, tuple[Term, ...]]:
    if not isinstance(value, dict):
        p.add(
            "aliases",
            f"expected a table like microsoft = ['Microsoft', 'MSFT'], got {checks.show(value)}",
        )
        return {}
    aliases: dict[str, tuple[Term, ...]] = {}
    for name, entries in value.items():
        key = checks.key_path("aliases", name)
        if not _ALIAS_NAME.fullmatch(name):
            p.add(key, "an alias name is letters, digits, _ and - (used as @name in queries)")
            continue
        texts = checks.strings(p, entries, key)
        if entries == []:
            p.add(key, "needs at least one entry, like ['Microsoft', 'MSFT']")
        terms: list[Term] = []
        for index, text in enumerate(texts, 1):
            try:
                terms.append(alias_term(text))
            except QueryError as e:
                p.add(f"{key}[{index}]", f"{text!r}: {e}")
        if terms and len(terms) == len(texts):
            aliases[name] = tuple(terms)
    return aliases


def _watches(
    p: Problems, value: object, aliases: Mapping[str, tuple[Term, ...]]
) -> tuple[Watch, ...]:
    watches: list[Watch] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(checks.tables(p, value, "watch"), 1):
        key = f"watch[{index}]"
        table = checks.table(p, entry, key, _WATCH_KEYS, required=("name", "query", "notify"))
        if table is None:
            continue
        name = checks.string(p, table, "name", f"{key}.name")
        _claim(p, seen, name, "watch", index)
        query = checks.string(p, table, "query", f"{key}.query")
        node = _query(p, query, f'watch "{name}"' if name else key, aliases)
        notify = _recipients(p, table, f"{key}.notify")
        cadence_text = checks.string(p, table, "cadence", f"{key}.cadence") or "daily"
        cadence = checks.choice(p, cadence_text, f"{key}.cadence", CADENCES)
        on_change = checks.flag(p, table, "on_change", f"{key}.on_change")
        prominence = _prominence(p, table, key)
        if name is None or query is None or node is None or not notify or cadence is None:
            continue
        watches.append(
            Watch(
                name=name,
                query=query,
                notify=notify,
                cadence=cadence,
                node=node,
                on_change=on_change,
                prominence=prominence,
            )
        )
    return tuple(watches)


def _query(
    p: Problems, query: str | None, key: str, aliases: Mapping[str, tuple[Term, ...]]
) -> Node | None:
    if query is None:
        return None
    try:
        return parse(query, aliases)
    except QueryError as e:
        p.add(key, f"query {e}")
        return None


def _prominence(p: Problems, table: Mapping[str, object], key: str) -> Prominence:
    mentions = table.get("min_mentions", 1)
    if isinstance(mentions, bool) or not isinstance(mentions, int) or mentions < 1:
        p.add(
            f"{key}.min_mentions",
            f"expected a whole number of 1 or more, like 2, got {checks.show(mentions)}",
        )
        mentions = 1
    fields: list[str] = []
    if "in" in table:
        texts = checks.strings(p, table["in"], f"{key}.in")
        if table["in"] == []:
            p.add(f"{key}.in", "needs at least one of " + ", ".join(PROMINENCE_FIELDS))
        for number, text in enumerate(texts, 1):
            name = checks.choice(p, text, f"{key}.in[{number}]", PROMINENCE_FIELDS)
            if name is not None and name not in fields:
                fields.append(name)
    return Prominence(min_mentions=mentions, fields=tuple(fields))


def _recipients(p: Problems, table: Mapping[str, object], key: str) -> tuple[str, ...]:
    if "notify" not in table:
        return ()
    texts = checks.strings(p, table["notify"], key)
    if table["notify"] == []:
        p.add(key, "needs at least one address, like ['alice@example.com']")
    addresses: list[str] = []
    for index, text in enumerate(texts, 1):
        address = check_address(p, text, f"{key}[{index}]")
        if address is not None and address in addresses:
            p.add(f"{key}[{index}]", f"{address!r} is listed twice; remove one")
        elif address is not None:
            addresses.append(address)
    return tuple(addresses)


def _email(
    p: Problems, value: object, environ: Mapping[str, str], mail: bool
) -> EmailConfig | None:
    table = checks.table(
        p, value, "email", _EMAIL_KEYS, required=("host", "sender"), refused=_EMAIL_REFUSED
    )
    if table is None:
        return None
    host = checks.string(p, table, "host", "email.host")
    security_text = checks.string(p, table, "security", "email.security") or "starttls"
    security = checks.choice(p, security_text, "email.security", SECURITIES)
    port = table.get("port", DEFAULT_PORTS.get(security or "", 587))
    if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
        p.add("email.port", f"expected a port number from 1 to 65535, got {checks.show(port)}")
        port = 0
    username = checks.string(p, table, "username", "email.username")
    password_env, password = _password(p, table, environ, mail)
    if "username" in table and "password_env" not in table:
        p.add(
            "email",
            "username is set but password_env is not; add password_env naming the variable "
            "that holds the SMTP password",
        )
    if "password_env" in table and "username" not in table:
        p.add("email", "password_env is set but username is not; SMTP login needs both")
    sender = check_address(p, checks.string(p, table, "sender", "email.sender"), "email.sender")
    if host is None or security is None or sender is None:
        return None
    return EmailConfig(host, port, security, username, password, password_env, sender)


def check_address(p: Problems, value: str | None, key: str) -> str | None:
    """An address that can go into a header as it is: no control characters, ASCII addr-spec."""
    if value is None:
        return None
    if any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in value):
        p.add(key, f"{value!r} holds a line break or control character; write the address alone")
        return None
    address = checks.address(p, value, key)
    if address is not None and not parseaddr(address)[1].isascii():
        p.add(
            key,
            f"{value!r}: the address part must be ASCII (many SMTP servers refuse others); "
            "write an internationalised domain in its xn-- form",
        )
        return None
    return address


def _password(
    p: Problems, table: Mapping[str, object], environ: Mapping[str, str], mail: bool
) -> tuple[str | None, str | None]:
    value = table.get("password_env")
    if value is None:
        return None, None
    # The value is never echoed: a user may have pasted the password itself here.
    if not isinstance(value, str) or not _ENV_NAME.fullmatch(value):
        p.add(
            "email.password_env",
            "expected the name of an environment variable (letters, digits and _), "
            "like 'NEWSMON_SMTP_PASSWORD'; the password itself belongs in that variable",
        )
        return None, None
    if not mail and not environ.get(value):
        return value, None
    if value not in environ:
        p.add("email.password_env", f"environment variable {value} is not set; export it")
        return None, None
    if not environ[value]:
        p.add("email.password_env", f"environment variable {value} is empty")
        return None, None
    return value, environ[value]


def _schedule(p: Problems, value: object) -> ScheduleConfig:
    table = checks.table(p, value, "schedule", _SCHEDULE_KEYS) or {}
    timezone = checks.string(p, table, "timezone", "schedule.timezone") or "UTC"
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        hint = checks.did_you_mean(timezone, available_timezones())
        p.add(
            "schedule.timezone",
            f"{timezone!r} is not an IANA time zone{hint}; write one like 'Europe/Berlin' or 'UTC'",
        )
    digest_at = _digest_at(p, table.get("digest_at", "08:00"))
    day_text = checks.string(p, table, "digest_day", "schedule.digest_day") or "monday"
    day = checks.choice(p, day_text.strip().lower(), "schedule.digest_day", WEEKDAYS)
    try:
        return ScheduleConfig(timezone=timezone, digest_at=digest_at, digest_day=day or "monday")
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return ScheduleConfig(digest_at=digest_at, digest_day=day or "monday")  # reported above


def _digest(p: Problems, value: object) -> DigestConfig:
    table = checks.table(p, value, "digest", _DIGEST_KEYS) or {}
    max_items = _count_key(p, table, "max_items", DEFAULT_MAX_ITEMS)
    attempts = _count_key(p, table, "attempts", DEFAULT_ATTEMPTS)
    return DigestConfig(max_items=max_items, attempts=attempts)


def _count_key(p: Problems, table: Mapping[str, object], name: str, default: int) -> int:
    value = table.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        p.add(
            f"digest.{name}",
            f"expected a whole number of at least 1, like {default}, got {checks.show(value)}",
        )
        return default
    return value


def _digest_at(p: Problems, value: object) -> datetime.time:
    if isinstance(value, datetime.time):  # a bare TOML time: digest_at = 08:00:00
        return value.replace(second=0, microsecond=0)
    if isinstance(value, str) and (match := _HHMM.fullmatch(value.strip())):
        return datetime.time(int(match[1]), int(match[2]))
    p.add(
        "schedule.digest_at",
        f"{checks.show(value)} is not a time; write HH:MM (24-hour), like '08:00'",
    )
    return datetime.time(8, 0)


_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*(B|KB|MB|GB)?", re.I)
_SIZE_UNITS = {"b": 1, "kb": 1024, "mb": 1024**2, "gb": 1024**3}


def _crawl(p: Problems, value: object) -> CrawlConfig:
    table = checks.table(p, value, "crawl", _CRAWL_KEYS)
    if table is None:
        return CrawlConfig()
    default = CrawlConfig()
    delay = _seconds(p, table, "delay", default.delay, allow_zero=True)
    timeout = _seconds(p, table, "timeout", default.timeout, allow_zero=False)
    contact = _contact(p, checks.string(p, table, "contact", "crawl.contact"))
    size = _size(p, table.get("max_page_size", default.max_page_size))
    return CrawlConfig(delay=delay, contact=contact, max_page_size=size, timeout=timeout)


def _cluster(p: Problems, value: object) -> ClusterConfig | None:
    table = checks.table(p, value, "cluster", _CLUSTER_KEYS, required=("redis",))
    if table is None or "redis" not in table:
        return None
    default = ClusterConfig(redis="")
    url = checks.string(p, table, "redis", "cluster.redis")
    if url is not None and not url.startswith(("redis://", "rediss://", "unix://")):
        p.add(
            "cluster.redis",
            f"{url!r} is not a Redis URL; write it like 'redis://store-host:6379/0'",
        )
        url = None
    prefix = checks.string(p, table, "key_prefix", "cluster.key_prefix") or default.key_prefix
    if not _PREFIX.fullmatch(prefix):
        p.add(
            "cluster.key_prefix",
            f"{prefix!r} is not a key prefix; use letters, digits and _ . : - (at most 64)",
        )
    timeout = table.get("worker_timeout", default.worker_timeout)
    if (
        isinstance(timeout, bool)
        or not isinstance(timeout, int | float)
        or not 1 <= timeout <= 3600
    ):
        p.add(
            "cluster.worker_timeout",
            f"{checks.show(timeout)} is not a number of seconds from 1 to 3600, like 30",
        )
        timeout = default.worker_timeout
    if url is None:
        return None
    return ClusterConfig(redis=url, key_prefix=prefix, worker_timeout=float(timeout))


def _seconds(
    p: Problems, table: Mapping[str, object], name: str, default: float, *, allow_zero: bool
) -> float:
    value = table.get(name, default)
    lowest = 0 if allow_zero else "more than 0"
    if isinstance(value, bool) or not isinstance(value, int | float):
        p.add(f"crawl.{name}", f"expected a number of seconds, like 2.5, got {checks.show(value)}")
        return default
    if value < 0 or (value == 0 and not allow_zero) or value > 3600:
        p.add(f"crawl.{name}", f"{value} is out of range; write {lowest} to 3600 seconds")
        return default
    return float(value)


def _contact(p: Problems, value: str | None) -> str | None:
    """A contact for the User-Agent: mailto: or http(s) URL; a bare address becomes mailto:."""
    if value is None:
        return None
    value = value.strip()
    if value.lower().startswith("mailto:"):
        address = checks.address(p, value[7:], "crawl.contact")
        return f"mailto:{address}" if address else None
    if value.lower().startswith(("http://", "https://")):
        return checks.url(p, value, "crawl.contact")
    if "@" in value:
        address = checks.address(p, value, "crawl.contact")
        return f"mailto:{address}" if address else None
    p.add(
        "crawl.contact",
        f"{value!r} is not a way to reach you; write 'mailto:you@example.com' or a web page URL",
    )
    return None


def _size(p: Problems, value: object) -> int:
    default = CrawlConfig().max_page_size
    match = _SIZE.fullmatch(value.strip()) if isinstance(value, str) else None
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    if match and float(match[1]) > 0:
        return int(float(match[1]) * _SIZE_UNITS[(match[2] or "b").lower()])
    p.add(
        "crawl.max_page_size",
        f"{checks.show(value)} is not a size; write bytes (5242880) or '5MB', '500KB'",
    )
    return default


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _span(every: datetime.timedelta) -> str:
    seconds = int(every.total_seconds())
    parts = []
    for unit, size in checks.DURATION_UNITS.items():
        if seconds >= size:
            parts.append(f"{seconds // size}{unit}")
            seconds %= size
    return "".join(parts) or "0s"
