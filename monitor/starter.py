"""`newsmon init`: a commented newsmon.toml to start from (it passes `newsmon config check`)."""

from __future__ import annotations

from pathlib import Path

from monitor.errors import ConfigError

STARTER = """\
# newsmon's config: every key is described in the README ("The config file").
# Check it with: newsmon config check

# Sites from the built-in catalog (list them all with: newsmon sites).
sites = ["mspoweruser", "theverge"]

[store]
path = "newsmon.db"               # the SQLite file, next to this config
# keep = "365d"                   # drop article bodies older than this (headlines stay)

# A site of your own: only name and home are required.
# [[site]]
# name = "example-tech"
# home = "https://news.example.com/"
# feeds = ["https://news.example.com/feed/"]
# every = "15m"                   # how often it is crawled (default 15m)

[[watch]]
name = "Microsoft in Japan"
query = 'Microsoft AND (Japan OR Japanese OR Tokyo)'
notify = ["you@example.com"]      # who gets the digest
cadence = "daily"                 # immediate | hourly | daily | weekly

# Until [email] is filled in, pass --outbox DIR to write digests as .eml files.
# [email]
# host = "smtp.example.com"
# port = 587
# security = "starttls"
# username = "alerts@example.com"
# password_env = "NEWSMON_SMTP_PASSWORD"   # the password comes from this environment variable
# sender = "newsmon <alerts@example.com>"

[schedule]
timezone = "UTC"                  # e.g. "Europe/Berlin"; digests and status use it
digest_at = "08:00"               # when daily digests go out

[crawl]
# contact = "mailto:you@example.com"   # lets publishers reach you (in the User-Agent)
"""


def write_starter(folder: Path) -> Path:
    """Write `folder/newsmon.toml`; a ConfigError if one is there already (never overwritten)."""
    path = folder / "newsmon.toml"
    if path.exists():
        raise ConfigError(
            f"{path} exists already; edit it, or pass --dir to write a new one elsewhere"
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text(STARTER, encoding="utf-8")
    except OSError as e:
        raise ConfigError(f"cannot write {path}: {e.strerror or e}; pass another --dir") from e
    return path
