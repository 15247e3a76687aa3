"""Source health: which sites look broken, judged from their own crawl history (crawl_runs).

Pure: `assess()` takes a site's runs (oldest first) and `now`, and returns its flags:

- `failing`: its last `FAILURES` crawls all failed (no feed, sitemap or page could be read);
- `silent`: it works but has yielded no new article for much longer than usual: over
  `SILENCE_FACTOR` times its median gap between crawls that brought new articles, and at least
  `MIN_SILENCE`; learned once it has `MIN_GAPS` such gaps;
- `no_date` / `no_author`: extraction lost a field: of its latest new articles (at least
  `RECENT` of them) under half have it, where at least 80% of the `BASELINE` before had it (a
  layout change the extractor does not follow yet).

`unhealthy_sites()` reads the store for the CLI, the runner and the digest footer.
"""

from __future__ import annotations

import itertools
import json
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from crawler.store import ArticleStore

FAILURES = 3
SILENCE_FACTOR = 3
MIN_SILENCE = timedelta(hours=24)
MIN_GAPS = 3
RECENT = 3
BASELINE = 5
HAD_IT = 0.8
LOST_IT = 0.5
HISTORY = 500  # runs read per site


@dataclass(frozen=True)
class Run:
    """What health needs of one crawl of a site."""

    finished: datetime
    ok: bool
    new: int
    new_dated: int | None = None
    new_authored: int | None = None
    error: str | None = None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Run:
        finished = datetime.fromisoformat(str(row["finished"]))
        return cls(
            finished=finished if finished.tzinfo else finished.replace(tzinfo=UTC),
            ok=bool(row.get("ok", 1)),
            new=int(row.get("new") or 0),
            new_dated=row.get("new_dated"),
            new_authored=row.get("new_authored"),
            error=row.get("error"),
        )


@dataclass(frozen=True)
class Flag:
    """One reason to distrust a site; `message` reads after the site's name."""

    site: str
    kind: str
    message: str

    def line(self) -> str:
        return f"site {self.site}: {self.message}"


def assess(site: str, runs: Sequence[Run], *, now: datetime) -> tuple[Flag, ...]:
    """The health flags of `site` from its runs, oldest first."""
    flags: list[Flag] = []
    last = runs[-FAILURES:]
    if len(last) == FAILURES and not any(run.ok for run in last):
        why = f" ({last[-1].error})" if last[-1].error else ""
        flags.append(Flag(site, "failing", f"its last {FAILURES} crawls failed{why}"))
    silent = _silence(runs, now)
    if silent is not None:
        flags.append(Flag(site, "silent", silent))
    for kind, attr, what in (
        ("no_date", "new_dated", "a date"),
        ("no_author", "new_authored", "an author"),
    ):
        lost = _lost(runs, attr)
        if lost is not None:
            recent, had, had_of = lost
            flags.append(
                Flag(
                    site,
                    kind,
                    f"{recent} of its latest new articles have {what} (before: {had} of "
                    f"{had_of}); has the site's layout changed? check with newsmon extract",
                )
            )
    return tuple(flags)


def _silence(runs: Sequence[Run], now: datetime) -> str | None:
    if not runs or not runs[-1].ok:
        return None  # failing or unknown: not silence
    times = [run.finished for run in runs if run.ok and run.new > 0]
    if len(times) < MIN_GAPS + 1:
        return None
    gaps = [b - a for a, b in itertools.pairwise(times)]
    usual = timedelta(seconds=statistics.median(gap.total_seconds() for gap in gaps))
    quiet = now - times[-1]
    if quiet <= max(SILENCE_FACTOR * usual, MIN_SILENCE):
        return None
    return (
        f"no new article for {_span(quiet)} (usually one every {_span(usual)}); "
        "are its feeds still the right ones?"
    )


def _lost(runs: Sequence[Run], attr: str) -> tuple[str, int, int] | None:
    """(share now, had, of) when a field went missing from most recent new articles."""
    counted = [(run.new, getattr(run, attr)) for run in runs if run.new > 0]
    counted = [(new, has) for new, has in counted if has is not None]
    recent_new = recent_has = 0
    split = len(counted)
    while split > 0 and recent_new < RECENT:
        split -= 1
        recent_new += counted[split][0]
        recent_has += counted[split][1]
    before = counted[:split]
    base_new = sum(new for new, _ in before)
    base_has = sum(has for _, has in before)
    if recent_new < RECENT or base_new < BASELINE:
        return None
    if base_has >= HAD_IT * base_new and recent_has < LOST_IT * recent_new:
        return f"{recent_has} of {recent_new}", base_has, base_new
    return None


def _span(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    if hours >= 48:
        return f"{hours / 24:.0f} days"
    if hours >= 2:
        return f"{hours:.0f} hours"
    return f"{delta.total_seconds() / 60:.0f} minutes"


def site_flags(store: ArticleStore, site: str, *, now: datetime) -> tuple[Flag, ...]:
    """The flags of one site, from its crawl history in the store."""
    runs = [Run.from_row(row) for row in store.runs.history(site, limit=HISTORY)]
    return assess(site, runs, now=now)


def unhealthy_sites(
    store: ArticleStore, sites: Iterable[str], *, now: datetime
) -> dict[str, tuple[Flag, ...]]:
    """The configured sites that have flags, with them (for status and the digest footer)."""
    found = {}
    for site in sites:
        flags = site_flags(store, site, now=now)
        if flags:
            found[site] = flags
    return found


def newly_raised(store: ArticleStore, sites: Iterable[str], *, now: datetime) -> list[Flag]:
    """The flags raised since the last look (kept in meta as `health/<site>`), so the log warns
    once when a site breaks, not on every run while it stays broken."""
    raised: list[Flag] = []
    for site in sites:
        flags = site_flags(store, site, now=now)
        key = f"health/{site}"
        before = set(json.loads(store.runs.get_meta(key) or "[]"))
        raised += [flag for flag in flags if flag.kind not in before]
        kinds = sorted(flag.kind for flag in flags)
        if kinds != sorted(before):
            store.runs.set_meta(key, json.dumps(kinds))
    return raised
