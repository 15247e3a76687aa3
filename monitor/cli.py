"""The `newsmon` command line: reads the config once, runs a step, maps errors to exit codes.

Exit codes: 0 done; 1 the run failed (crawl, delivery); 2 the user's input is wrong (config,
query, arguments); 75 another run holds the lock (EX_TEMPFAIL: cron tries again next time).

Output of the cycle commands (crawl, match, digest, run, prune, backup): on a terminal, a progress
line and a summary; not on a terminal (cron, systemd), nothing on stdout unless -v, so cron mails
only on trouble. Problems go to stderr either way; -q keeps stdout silent on a terminal too.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import logging
import os
import signal
import sys
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from crawler.sites import Site
from monitor import checks
from monitor.cadence import CADENCES
from monitor.checks import Problems
from monitor.config import Config, load_config, summary
from monitor.errors import ConfigError, CrawlError, NewsmonError

if TYPE_CHECKING:
    from monitor.mailer import Mailer

if TYPE_CHECKING:
    from monitor.delivery import Waiting

F = TypeVar("F", bound=Callable[..., Any])


class State:
    """What the group's options say; the config is read on first use, once.

    `mail`: whether the command will send mail, so the SMTP password must be there; a command
    that sends none (crawl, match, --outbox) sets it False before it reads the config."""

    def __init__(self, config_path: Path, *, verbose: bool = False, quiet: bool = False) -> None:
        self.config_path = config_path
        self.verbose = verbose
        self.tty = sys.stdout.isatty()
        self.quiet = quiet or not (self.tty or verbose)
        self.mail = True
        self._config: Config | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = self.load()
        return self._config

    def load(self) -> Config:
        """Read the config file (again: the scheduler's SIGHUP)."""
        return load_config(self.config_path, environ=os.environ, mail=self.mail)

    def out(self, message: str = "") -> None:
        """A line of the summary: shown on a terminal or with -v, never with -q."""
        if not self.quiet:
            click.echo(message)


pass_state = click.make_pass_decorator(State)


def reports_errors(func: F) -> F:
    """Turn newsmon's errors into a message on stderr and the error's exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except NewsmonError as e:
            click.echo(f"newsmon: {e}", err=True)
            sys.exit(e.exit_code)

    return wrapper  # type: ignore[return-value]


@click.group()
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    envvar="NEWSMON_CONFIG",
    default="newsmon.toml",
    show_default=True,
    help="The config file (else $NEWSMON_CONFIG, else ./newsmon.toml).",
)
@click.option(
    "-v", "--verbose", is_flag=True, help="Print the summary even off a terminal; log more."
)
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but problems, even on a terminal.")
@click.version_option(package_name="newsmon")
@click.pass_context
def cli(ctx: click.Context, config_path: Path, verbose: bool, quiet: bool) -> None:
    """newsmon watches tech news sites and emails you when they publish what you watch."""
    if verbose and quiet:
        raise click.UsageError("-v and -q contradict each other; pass one of them")
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(message)s"
    )
    ctx.obj = State(config_path, verbose=verbose, quiet=quiet)
    ctx.meta["log_level"] = "INFO" if verbose else "WARNING"


@cli.group("config")
def config_group() -> None:
    """Inspect the config file."""


@config_group.command("check")
@pass_state
@reports_errors
def config_check(state: State) -> None:
    """Validate the config file and print a summary of it."""
    click.echo(summary(state.config, now=_now()))
    click.echo(f"{state.config_path}: OK")


def _now() -> datetime:
    return datetime.now(UTC)


def _locked(state: State) -> AbstractContextManager[None]:
    """One newsmon step at a time per store: two digests at once could send an alert twice."""
    from monitor.runner import run_lock

    return run_lock(state.config)


def _crawl(state: State, sites: Sequence[Site] | None = None, *, work: bool = True) -> None:
    """Crawl `sites` (default all); say which failed and why; exit 1 if every one failed."""
    from monitor.runner import crawl, failure_lines, health_warnings

    config = state.config
    chosen = list(config.sites if sites is None else sites)
    if not chosen:
        state.out(f"no sites to crawl: add sites or [[site]] tables to {config.path.name}")
        return
    log_level = click.get_current_context().meta.get("log_level", "WARNING")

    started = _now()

    def progress(done: dict[str, int]) -> None:
        seconds = (_now() - started).total_seconds()
        click.echo(
            f"\rsites {done.get('sites_done', 0)}/{len(chosen)}, {done.get('pages', 0)} pages "
            f"fetched, {done.get('new', 0)} new articles ({seconds:.0f} s)",
            nl=False,
        )

    tick = progress if state.tty and not state.quiet else None
    result = crawl(config, sites=chosen, log_level=log_level, tick=tick, work=work)
    if tick:
        click.echo("\r\033[K", nl=False)
    for row in result.sites:
        state.out(
            f"{row['site']}: {row['requests']} requests, {row['new']} new, "
            f"{row['updated']} updated, {row['known']} known, {row['errors']} errors"
        )
    state.out(f"crawled: {result.requests} requests, {result.new} new articles")
    now = _now()
    for line in failure_lines(config, result, now=now):
        click.echo(line, err=True)
    for line in health_warnings(config, [site.name for site in chosen], now=now):
        click.echo(f"warning: {line}", err=True)
    if chosen and len(result.failed) == len(chosen):
        raise CrawlError(
            f"every site failed ({len(chosen)}); check the network, or the sites above"
        )


def _chosen_sites(state: State, names: tuple[str, ...]) -> list[Site]:
    """The configured sites named by --sites (all of them without it)."""
    sites = state.config.sites
    if not names:
        return list(sites)
    by_name = {site.name: site for site in sites}
    unknown = [name for name in names if name not in by_name]
    if unknown:
        raise click.BadParameter(
            f"{', '.join(unknown)} not in {state.config.path.name}; "
            f"configured: {', '.join(by_name) or 'none'}",
            param_hint="--sites",
        )
    return [by_name[name] for name in dict.fromkeys(names)]


def _site_names(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[str, ...]:
    return tuple(name.strip() for name in (value or "").split(",") if name.strip())


sites_option = click.option(
    "--sites",
    "site_names",
    metavar="A,B",
    callback=_site_names,
    help="Only these configured sites (comma-separated names).",
)


def _match(state: State, backfill: timedelta | None = None) -> None:
    from monitor.runner import match

    result = match(state.config, now=_now(), backfill=backfill)
    state.out(f"matched {result.articles} articles: {result.alerts} new alerts")


def _mailer(state: State, outbox: Path | None, dry_run: bool = False) -> Mailer | None:
    """Where digests go; a ConfigError when they cannot go anywhere (before any work)."""
    from monitor.mailer import FileMailer, SmtpMailer

    config = state.config
    if dry_run:
        return None
    if outbox is not None:
        return FileMailer(outbox)
    if config.email is not None:
        return SmtpMailer(config.email)
    raise ConfigError(
        f"{config.path.name}: no [email] section; add one to send digests by SMTP, "
        "or pass --outbox DIR to write them as .eml files"
    )


def _digest(state: State, outbox: Path | None, dry_run: bool, everything: bool = False) -> None:
    from monitor.runner import digest

    config = state.config
    mailer = _mailer(state, outbox, dry_run)
    result = digest(config, mailer, now=_now(), everything=everything)
    for line in result.dropped:
        state.out(f"dropped {line}")
    for msg in result.previews:
        click.echo(f"--- would send to {msg['To']}: {msg['Subject']}")
        text = msg.get_body(preferencelist=("plain",))
        click.echo(text.get_content() if text is not None else "")
    for sent in result.sent:
        again = "re-sent the stored digest with" if sent.retry else "sent"
        state.out(f"{again} {_alerts(sent.alerts)} to {sent.recipient}: {sent.location}")
    for failed in result.failed:
        if failed.given_up:
            click.echo(
                f"gave up on {_alerts(failed.alerts)} for {failed.recipient} after "
                f"{failed.attempts} refusals: {failed.error} (see `newsmon digest --list`)"
            )
    if not state.quiet:
        _echo_waiting(config, result.waiting)
    if not (result.sent or result.failed or result.previews or result.waiting):
        state.out("no pending alerts: no digest")
    elif not (result.sent or result.failed or result.previews):
        state.out("nothing due now")
    if result.blocking:
        raise NewsmonError(
            "; ".join(
                f"digest for {f.recipient} not delivered: {f.error}"
                + (f" (refusal {f.attempts} of {config.digest.attempts})" if f.permanent else "")
                for f in result.blocking
            )
            + " (its alerts stay pending for the next run)"
        )


def _alerts(n: int) -> str:
    return f"{n} alert{'s' if n != 1 else ''}"


def _echo_waiting(config: Config, waiting: Sequence[Waiting]) -> None:
    from monitor.cadence import describe, format_slot

    for w in waiting:
        if w.cadence not in CADENCES:  # removed from the config
            click.echo(f"{w.recipient}: {_alerts(w.alerts)} {w.cadence}")
            continue
        verb = "waits" if w.alerts == 1 else "wait"
        click.echo(
            f"{w.recipient}: {_alerts(w.alerts)} {verb} for {describe(w.cadence, config.schedule)}"
            f" (next: {format_slot(w.slot, config.schedule)})"
        )


def _list(state: State) -> None:
    from monitor.delivery import pending_overview
    from monitor.runner import delivery_plan, open_store

    config = state.config
    store = open_store(config)
    try:
        waiting, unsent, failed = pending_overview(store, delivery_plan(config), now=_now())
    finally:
        store.close()
    click.echo("pending:" if waiting else "pending: none")
    now = _now()
    for w in waiting:
        if w.cadence in CADENCES and w.slot <= now:
            click.echo(f"  {w.recipient}: {_alerts(w.alerts)} ({w.cadence}) due now")
        else:
            click.echo("  ", nl=False)
            _echo_waiting(config, [w])
    click.echo("unsent digests (re-sent as stored by the next run):" if unsent else "unsent: none")
    for d in unsent:
        error = f"; last error: {d['error']}" if d["error"] else ""
        click.echo(
            f"  {d['recipient']}: {_alerts(int(d['alerts']))}, {d['message_id']}, "
            f"{d['attempts']} refusals{error}"
        )
    click.echo("failed (given up):" if failed else "failed: none")
    for f in failed:
        click.echo(
            f"  {f['recipient']}: {_alerts(int(f['alerts']))} of {f['watch']!r}: {f['error']}"
        )
    if failed:
        click.echo("  (drop them with `newsmon digest --forget RECIPIENT`)")


def _forget(state: State, recipient: str) -> None:
    from monitor.delivery import forget
    from monitor.runner import open_store

    store = open_store(state.config)
    try:
        pending, failed = forget(store, recipient)
    finally:
        store.close()
    if pending == failed == 0:
        click.echo(f"{recipient}: nothing pending or failed")
    else:
        click.echo(f"{recipient}: forgot {_alerts(pending)} pending and {_alerts(failed)} failed")


@cli.group("email")
def email_group() -> None:
    """Check the mail setup."""


@email_group.command("test")
@click.argument("address")
@pass_state
@reports_errors
def email_test(state: State, address: str) -> None:
    """Send a short test message to ADDRESS through [email], reporting each step."""
    from monitor.checks import Problems
    from monitor.config import check_address
    from monitor.mailer import SmtpMailer, test_message

    config = state.config
    if config.email is None:
        raise ConfigError(
            f"{config.path}: no [email] section; add one (see README) to send mail by SMTP"
        )
    problems = Problems("ADDRESS")
    to = check_address(problems, address, "ADDRESS")
    if to is None:
        reasons = [line.split(": ", 2)[-1] for line in problems.lines]
        raise click.BadParameter("; ".join(reasons), param_hint="ADDRESS")
    email = config.email
    click.echo(f"sending a test message from {email.sender} to {to} via {email.host}:{email.port}")
    msg = test_message(sender=email.sender, to=to, now=_now(), config_path=str(config.path))

    def report(step: str, outcome: str) -> None:
        click.echo(f"{step:<8} {outcome}")

    try:
        SmtpMailer(email).converse(msg, report)
    except NewsmonError as e:
        click.echo(f"FAILED: {e}")
        raise NewsmonError("the test message was not delivered (see above)") from e
    click.echo(f"done: check the inbox of {to} (Message-ID {msg['Message-ID']})")


outbox_option = click.option(
    "--outbox",
    type=click.Path(path_type=Path, file_okay=False),
    help="Write digests as .eml files into this folder instead of sending them by SMTP.",
)


@cli.command()
@sites_option
@click.option(
    "--no-work",
    is_flag=True,
    help="With [cluster]: seed the shared queue and ingest, but leave fetching to the workers.",
)
@pass_state
@reports_errors
def crawl(state: State, site_names: tuple[str, ...], no_work: bool) -> None:
    """Fetch new articles from every configured site (or --sites) into the store, whatever
    their `every` says."""
    state.mail = False
    if no_work and state.config.cluster is None:
        raise click.UsageError(
            f"--no-work needs a [cluster] table in {state.config.path.name}: without one, "
            "newsmon crawl does the fetching itself"
        )
    sites = _chosen_sites(state, site_names)
    with _locked(state):
        _crawl(state, sites, work=not no_work)


def _span(ctx: click.Context, param: click.Parameter, value: str | None) -> timedelta | None:
    """A click callback: '7d', '12h', '1d12h' -> timedelta."""
    if value is None:
        return None
    problems = Problems(f"--{param.name}")
    span = checks.duration(problems, value, "value")
    if span is None or not span:
        raise click.BadParameter(f"{value!r} is not a duration; write a number and a unit: 7d, 12h")
    return span


@cli.command()
@click.option(
    "--backfill",
    callback=_span,
    metavar="SPAN",
    help="Also match the articles published in this span (7d, 12h): a new watch's past alerts.",
)
@pass_state
@reports_errors
def match(state: State, backfill: timedelta | None) -> None:
    """Turn new and changed articles that match a watch into alerts (once each)."""
    state.mail = False
    with _locked(state):
        _match(state, backfill)


@cli.command()
@outbox_option
@click.option("--dry-run", is_flag=True, help="Print the digests that would go out; mark nothing.")
@click.option("--all", "everything", is_flag=True, help="Send every pending alert now, due or not.")
@click.option("--list", "listing", is_flag=True, help="Show what is pending, unsent and failed.")
@click.option(
    "--forget",
    metavar="RECIPIENT",
    help="Drop RECIPIENT's pending and failed deliveries (e.g. an address that bounces).",
)
@pass_state
@reports_errors
def digest(
    state: State,
    outbox: Path | None,
    dry_run: bool,
    everything: bool,
    listing: bool,
    forget: str | None,
) -> None:
    """Send each recipient one digest of their due alerts (by each watch's cadence)."""
    if ((listing or forget) and (outbox or dry_run or everything)) or (listing and forget):
        raise click.UsageError("--list and --forget go alone, without other digest options")
    state.mail = outbox is None and not dry_run and not listing and not forget
    with _locked(state):
        if listing:
            _list(state)
        elif forget:
            _forget(state, forget)
        else:
            _digest(state, outbox, dry_run, everything)


@cli.command()
@outbox_option
@sites_option
@click.option("--force", is_flag=True, help="Crawl the sites whatever their `every` says.")
@pass_state
@reports_errors
def run(state: State, outbox: Path | None, site_names: tuple[str, ...], force: bool) -> None:
    """One full cycle under the run lock (the entry point for cron): crawl the sites that are
    due by their `every`, match, digest; with [store] keep, a prune at most once a day."""
    from monitor.runner import due_sites, last_successful

    state.mail = outbox is None
    config = state.config
    sites = _chosen_sites(state, site_names)
    with _locked(state):
        if config.watches:  # it must be able to deliver before it crawls
            _mailer(state, outbox)
        if not force:
            due = {site.name for site in due_sites(config, last_successful(config), now=_now())}
            sites = [site for site in sites if site.name in due]
        failure: CrawlError | None = None
        if sites:
            try:
                _crawl(state, sites)
            except CrawlError as e:  # match and send what there is, then fail
                failure = e
        else:
            state.out("no site is due (see newsmon status; --force crawls anyway)")
        _match(state)
        if config.watches:
            _digest(state, outbox, dry_run=False)
        if config.store.keep is not None:
            _prune(state, force=False)
        if failure is not None:
            raise failure


@cli.command()
@click.option(
    "--dir",
    "folder",
    type=click.Path(path_type=Path, file_okay=False),
    default="newsmon-demo",
    show_default=True,
    help="Where the demo writes its config, database and outbox.",
)
@reports_errors
def demo(folder: Path) -> None:
    """Run the whole cycle on a bundled sample site served on 127.0.0.1 (no network)."""
    from monitor.demo import run_demo

    click.echo(f"newsmon demo: serving the sample site on 127.0.0.1, working in {folder}/")
    result = run_demo(folder)
    c = result.crawl
    click.echo(f"pages fetched: {c.requests} ({c.known} already known, {c.errors} errors)")
    click.echo(f"articles new:  {c.new}")
    click.echo(f"alerts:        {result.alerts}")
    if not result.delivery.sent:
        click.echo("digest:        none (nothing new to send)")
    for sent in result.delivery.sent:
        eml = Path(sent.location)
        alerts = f"{sent.alerts} alert{'s' if sent.alerts != 1 else ''}"
        click.echo(f"digest:        {eml}  ({alerts} for {sent.recipient})")
        click.echo(f"open it:       {eml.with_suffix('.html')}")


@cli.command()
@pass_state
@reports_errors
def prune(state: State) -> None:
    """Drop article bodies and revisions older than [store] keep, then compact the file."""
    state.mail = False
    with _locked(state):
        _prune(state, force=True)


def _prune(state: State, *, force: bool) -> None:
    from monitor.runner import prune

    result = prune(state.config, now=_now(), force=force)
    if result.ran:
        state.out(
            f"pruned: {result.articles} article bodies and {result.revisions} revisions "
            f"older than {state.config.store.keep.days if state.config.store.keep else 0} days"
        )


@cli.command()
@click.argument("url")
@click.option("--json", "as_json", is_flag=True, help="Print the revisions as JSON.")
@pass_state
@reports_errors
def history(state: State, url: str, as_json: bool) -> None:
    """Print the revisions of a stored article, newest first, with their diffs."""
    state.mail = False
    from crawler.urls import canonical_url
    from monitor.runner import open_store

    store = open_store(state.config)
    try:
        found = store.history(url) or store.history(canonical_url(url))
    finally:
        store.close()
    if found is None:
        raise NewsmonError(f"no stored article is known by {url}; check the URL (newsmon search)")
    article, versions = found
    if as_json:
        data = {**article, "revisions": [dataclasses.asdict(v) for v in versions]}
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    click.echo(
        f"{article['url']}  ({article['site']}; first seen {article['first_seen']}, "
        f"last checked {article['checked']}, {len(versions)} revision(s))"
    )
    for version in versions:
        click.echo(f"\nrevision {version.number}  fetched {version.fetched}")
        click.echo(f"  {version.title}")
        click.echo(version.diff if version.diff else "  (the first version)")


@cli.group("watch")
def watch_group() -> None:
    """Try a query on the stored archive; list the watches and their alerts."""


@watch_group.command("test")
@click.argument("query")
@click.option(
    "--since", callback=_span, default="30d", show_default=True, metavar="SPAN",
    help="How far back to look, by publication time (first stored, for pages without a date).",
)  # fmt: skip
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@pass_state
@reports_errors
def watch_test(state: State, query: str, since: timedelta, limit: int) -> None:
    """Print what QUERY would have alerted on, newest first, with highlights."""
    state.mail = False
    from monitor.errors import QueryError
    from monitor.query import parse
    from monitor.runner import open_store
    from monitor.search import search

    try:
        node = parse(query, state.config.aliases)
    except QueryError as e:
        raise QueryError(f"query {e}", query, e.position) from e
    store = open_store(state.config)
    try:
        found = search(store, node, since=_now() - since, limit=limit)
    finally:
        store.close()
    for item in found:
        article = item.article
        when = (article.published or "")[:10] or "undated"
        title = _starred(article.title, item.title_marks)
        text = _starred(item.snippet.text, item.snippet.marks)
        click.echo(f"{when}  {article.site}  {title}  | {text}")
    span = f"{since.days}d" if since.days and not since.seconds else str(since)
    click.echo(f"{len(found)} article(s) published in the last {span} matched")


def _starred(text: str, marks: Sequence[tuple[int, int]]) -> str:
    """Text with each marked range between asterisks, as in the plain-text digest."""
    out, at = [], 0
    for start, end in sorted(marks):
        if start < at:
            continue
        out += [text[at:start], "*", text[start:end], "*"]
        at = end
    return "".join([*out, text[at:]])


@watch_group.command("list")
@pass_state
@reports_errors
def watch_list(state: State) -> None:
    """Each watch with its alerts in the last 7 and 30 days and its last alert."""
    state.mail = False
    from monitor.ledger import Ledger
    from monitor.runner import open_store

    now = _now()
    store = open_store(state.config)
    try:
        counts = Ledger(store.db).alert_counts([now - timedelta(days=7), now - timedelta(days=30)])
    finally:
        store.close()
    if not state.config.watches:
        click.echo("no watches: add a [[watch]] to the config")
    for watch in state.config.watches:
        (week, month), last = counts.get(watch.name, ([0, 0], None))
        when = last[:16].replace("T", " ") + " UTC" if last else "never"
        click.echo(f"{watch.name}: {week} in 7 days, {month} in 30 days, last alert {when}")


@cli.command()
@click.argument("query")
@click.option("--site", help="Only articles of this site (its name in the config or catalog).")
@click.option(
    "--since", callback=_span, metavar="SPAN",
    help="Only articles published (else first stored) this recently: 90m, 12h, 7d.",
)  # fmt: skip
@click.option(
    "--limit", type=click.IntRange(min=1), default=20, show_default=True, help="Stories to print."
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per story.")
@pass_state
@reports_errors
def search(
    state: State,
    query: str,
    site: str | None,
    since: timedelta | None,
    limit: int,
    as_json: bool,
) -> None:
    """Search stored articles with the watch query language, one line per story, newest first.

    QUERY is a watch query, e.g. 'Microsoft AND (Japan OR Tokyo) NOT "Japan Display"'.
    """
    from crawler.store.published import sites as stored_sites
    from monitor.errors import QueryError
    from monitor.query import parse
    from monitor.runner import open_store
    from monitor.search import search as run_search

    try:
        node = parse(query, state.config.aliases)
    except QueryError as e:
        click.echo(f"newsmon: bad query at {e}", err=True)
        click.echo(f"  {query}\n  {' ' * e.position}^", err=True)
        sys.exit(2)
    store = open_store(state.config)
    try:
        start = _now() - since if since else datetime(1970, 1, 1, tzinfo=UTC)
        found = run_search(store, node, since=start, limit=limit, site=site, per_story=True)
        coverage = store.stories.coverage(f.story for f in found if f.story is not None)
        known = stored_sites(store.db) if site is not None and not found else []
    finally:
        store.close()
    if site is not None and not found and site not in known:
        raise click.BadParameter(
            f"no article is stored from site {site!r}; stored sites: {', '.join(known) or 'none'}",
            param_hint="--site",
        )
    for item in found:
        article = item.article
        sites = list(
            dict.fromkeys([article.site, *(s for s, _ in coverage.get(item.story or 0, []))])
        )
        if as_json:
            data = {
                "story": item.story,
                "headline": article.title,
                "url": article.url,
                "site": article.site,
                "published": article.published,
                "sites": sites,
                "terms": list(item.hit.terms),
                "title_marks": item.title_marks,
                "snippet": {"text": item.snippet.text, "marks": item.snippet.marks},
            }
            click.echo(json.dumps(data, ensure_ascii=False))
            continue
        when = (article.published or "")[:10] or "undated"
        title = _starred(article.title, item.title_marks)
        text = _starred(item.snippet.text, item.snippet.marks)
        click.echo(f"{when}  {title}  [{', '.join(sites)}]  {article.url}  | {text}")
    if not found and not as_json:
        click.echo("no stored article matches", err=True)


@cli.command()
@click.argument("file", type=click.File("rb"))
@click.option("--url", help="The page's URL (default: the file's path as a file: URL).")
@reports_errors
def extract(file: Any, url: str | None) -> None:
    """Print what newsmon reads on a saved page, as JSON (FILE may be - for stdin)."""
    from crawler.extract import article_to_json, extract_article

    html = file.read()
    if url is None:
        url = Path(file.name).resolve().as_uri() if file.name != "<stdin>" else "about:blank"
    article = extract_article(html, url, now=_now())
    if article is None:
        click.echo(json.dumps(None))
        click.echo("newsmon: this page does not look like an article", err=True)
        sys.exit(1)
    click.echo(json.dumps(article_to_json(article), indent=2, ensure_ascii=False))


@cli.command()
@click.argument("address", metavar="URL_OR_FILE")
@click.option("--url", help="For a saved file: the address it came from (links resolve to it).")
@click.option("--pattern", help="A regex article links match (for a listing page).")
@reports_errors
def discover(address: str, url: str | None, pattern: str | None) -> None:
    """Print the article URLs a feed, sitemap, robots.txt or page lists, one JSON object a line."""
    from dataclasses import replace

    from monitor.sources import discover_lines, fetch

    fetched = fetch(address)
    for line in discover_lines(replace(fetched, url=url) if url else fetched, pattern=pattern):
        click.echo(line)


@cli.command()
def sites() -> None:
    """List the built-in catalog of publishers: name, home, feeds and sitemaps."""
    from monitor.sources import catalog_lines

    for line in catalog_lines():
        click.echo(line)


def _terminated(signum: int, frame: object) -> None:
    """SIGTERM unwinds like Ctrl-C: finally blocks run, the crawl child is stopped, locks go."""
    raise SystemExit(128 + signum)


def main() -> None:
    signal.signal(signal.SIGTERM, _terminated)
    cli(prog_name="newsmon")


# The commands for running newsmon for months live in their own module; importing it registers
# them on `cli` (it imports this module's helpers, hence at the end).
from monitor import cli_ops  # noqa: E402

__all__ = ["cli", "cli_ops", "main"]
