"""`newsmon status`: what newsmon has been doing, gathered from the store, as data and as text."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from crawler.store import ArticleStore
from monitor.config import Config
from monitor.health import Run, assess
from monitor.ledger import Ledger
from monitor.runner import next_due

DAY = timedelta(hours=24)


def gather(config: Config, store: ArticleStore, *, now: datetime) -> dict[str, Any]:
    """Sites (last run, result, new in 24 h, health, next due), watches, digests, size."""
    last_ok = store.runs.last_ok()
    sites = []
    for site in config.sites:
        rows = store.runs.history(site.name)
        runs = [Run.from_row(row) for row in rows]
        last = rows[-1] if rows else None
        due = next_due(site, last_ok)
        sites.append(
            {
                "site": site.name,
                "last_run": last["finished"] if last else None,
                "result": None if last is None else ("ok" if last["ok"] else "failed"),
                "error": last["error"] if last else None,
                "new_24h": sum(run.new for run in runs if now - run.finished <= DAY),
                "health": [
                    {"kind": flag.kind, "message": flag.message}
                    for flag in assess(site.name, runs, now=now)
                ],
                "next_due": max(due, now).isoformat(),
            }
        )
    ledger = Ledger(store.db)
    known = ledger.watch_status()
    watches = [
        {
            "watch": watch.name,
            "cadence": watch.cadence,
            "pending": int(known.get(watch.name, {}).get("pending") or 0),
            "last_sent": known.get(watch.name, {}).get("last_sent"),
        }
        for watch in config.watches
    ]
    path = config.store.path
    size = sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())
    return {
        "now": now.isoformat(),
        "config": str(config.path),
        "sites": sites,
        "watches": watches,
        "digests": ledger.digest_status(),
        "database": {"path": str(path), "bytes": size},
    }


def render(status: dict[str, Any], *, timezone: str) -> str:
    """The status as lines for a terminal, times in the configured zone."""
    zone = ZoneInfo(timezone)
    now = datetime.fromisoformat(status["now"])

    def when(value: str | None) -> str:
        if not value:
            return "never"
        return f"{datetime.fromisoformat(value).astimezone(zone):%Y-%m-%d %H:%M}"

    lines = ["sites:" if status["sites"] else "sites: none configured"]
    for s in status["sites"]:
        due = "now" if datetime.fromisoformat(s["next_due"]) <= now else when(s["next_due"])
        result = s["result"] or "not crawled yet"
        if s["result"] == "failed" and s["error"]:
            result = f"failed: {s['error']}"
        lines.append(
            f"  {s['site']}: last run {when(s['last_run'])} ({result}); "
            f"{s['new_24h']} new in 24 h; next due {due}"
        )
        health = "; ".join(f["message"] for f in s["health"]) if s["health"] else "ok"
        lines.append(f"    health: {health}")
    lines.append("watches:" if status["watches"] else "watches: none configured")
    for w in status["watches"]:
        lines.append(
            f"  {w['watch']} ({w['cadence']}): {w['pending']} alerts pending; "
            f"last sent {when(w['last_sent'])}"
        )
    d = status["digests"]
    failures = f"{d['failed']} given up, {d['retrying']} waiting for a retry"
    if d["last_error"]:
        failures += f" (last error: {d['last_error']})"
    lines.append(f"digests: last sent {when(d['last_sent'])}; {failures}")
    db = status["database"]
    lines.append(f"database: {db['path']} ({_size(int(db['bytes']))})")
    lines.append(f"times in {timezone}")
    return "\n".join(lines)


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} bytes"
    size = n / 1024
    for unit in ("KB", "MB"):
        if size < 1024:
            return f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"
