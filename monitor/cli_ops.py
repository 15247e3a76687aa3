"""The commands for running newsmon for months: `schedule` (the daemon), `status`, `init` and
`backup`. They are registered on `monitor.cli.cli`, whose helpers they share."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

import click

from monitor.cli import State, _mailer, _now, cli, outbox_option, pass_state, reports_errors
from monitor.errors import NewsmonError


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
@pass_state
@reports_errors
def status(state: State, as_json: bool) -> None:
    """Per site: last run, result, new articles in 24 h, health, next due; per watch: alerts
    pending, last sent; digests; database size."""
    from monitor.runner import open_store
    from monitor.status import gather, render

    state.mail = False
    config = state.config
    store = open_store(config)
    try:
        found = gather(config, store, now=_now())
    finally:
        store.close()
    if as_json:
        click.echo(json.dumps(found, indent=2, ensure_ascii=False))
    else:
        click.echo(render(found, timezone=config.schedule.timezone))


@cli.command()
@click.option(
    "--dir",
    "folder",
    type=click.Path(path_type=Path, file_okay=False),
    default=".",
    show_default=True,
    help="The folder to write newsmon.toml into (made if missing).",
)
@reports_errors
def init(folder: Path) -> None:
    """Write a commented newsmon.toml to start from, and print the next commands."""
    from monitor.starter import write_starter

    path = write_starter(folder)
    shown = path if folder != Path(".") else Path(path.name)
    config = f" --config {shown}" if folder != Path(".") else ""
    click.echo(f"wrote {shown}: two catalog sites, one watch; [email] is commented out")
    click.echo("next:")
    click.echo(f"  newsmon{config} config check      # what it will do")
    click.echo(
        f"  newsmon{config} run --outbox {shown.parent / 'outbox'}   # digests as .eml files"
    )
    click.echo(f"  newsmon{config} status")
    click.echo("fill in [email] (and export the password variable it names) to get digests by")
    click.echo("mail; then drop --outbox. The README shows a crontab line and a systemd unit.")


@cli.command()
@click.argument("target", metavar="PATH", type=click.Path(path_type=Path, dir_okay=False))
@pass_state
@reports_errors
def backup(state: State, target: Path) -> None:
    """Write a consistent copy of the database to PATH, while runs go on."""
    from monitor.runner import open_store

    state.mail = False
    config = state.config
    if target.resolve() == config.store.path.resolve():
        raise click.BadParameter("is the database itself; name another file", param_hint="PATH")
    store = open_store(config)
    try:
        store.backup(target)
    except Exception as e:
        if "sqlite" not in type(e).__module__:
            raise
        raise NewsmonError(f"cannot write the backup to {target}: {e}") from e
    finally:
        store.close()
    state.out(f"backed up {config.store.path} to {target} ({target.stat().st_size} bytes)")


@cli.command()
@outbox_option
@click.option(
    "--timeout",
    type=click.FloatRange(min=1),
    default=1800,
    show_default=True,
    help="Seconds a crawl may run before it is stopped (and recorded as failed).",
)
@pass_state
@reports_errors
def schedule(state: State, outbox: Path | None, timeout: float) -> None:
    """Run as a service: each site crawled at its `every`, matched, digests at their cadence;
    SIGHUP re-reads the config, SIGTERM stops."""
    from monitor.scheduler import describe, serve

    state.mail = outbox is None
    config = state.config
    if config.watches:
        _mailer(state, outbox)
    for handler in logging.getLogger().handlers:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    if not state.verbose:
        logging.getLogger("apscheduler").setLevel(logging.WARNING)
    log_level = click.get_current_context().meta.get("log_level", "WARNING")

    def started(scheduler: Any) -> None:
        click.echo(
            f"newsmon schedule: pid {os.getpid()}, {config.path}, times in "
            f"{config.schedule.timezone}",
            err=True,
        )
        for line in describe(scheduler, now=_now()):
            click.echo(line, err=True)

    serve(
        lambda: state.load(),
        outbox=outbox,
        timeout=timeout,
        log_level=log_level,
        started=started,
    )


@cli.command()
@pass_state
@reports_errors
def worker(state: State) -> None:
    """With [cluster]: fetch and extract requests from the shared queue and push the articles
    to Redis, until stopped (SIGTERM finishes or re-queues what it holds). Runs on any host."""
    from monitor.cluster import reachable, worker_command

    state.mail = False
    log_level = "INFO" if state.verbose else "WARNING"
    command, env = worker_command(state.config, log_level=log_level)
    reachable(state.config)  # a clear message now, not Scrapy's traceback later
    os.execve(command[0], command, env)  # signals go straight to Scrapy


@cli.command()
@pass_state
@reports_errors
def ingest(state: State) -> None:
    """With [cluster]: store the articles workers pushed to Redis (newsmon crawl does this
    itself as it runs); exits when the list is empty."""
    from monitor.cluster import ingest as drain
    from monitor.runner import run_lock

    state.mail = False
    config = state.config
    with run_lock(config):
        count = drain(config)
    state.out(f"ingested {count} records into {config.store.path}")
