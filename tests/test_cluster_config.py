"""`[cluster]` in newsmon.toml, and the cluster commands where no Redis is needed."""

from __future__ import annotations

import socket
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.config import ClusterConfig, parse_config
from monitor.errors import ConfigError


def parse(text: str) -> ClusterConfig | None:
    return parse_config(text, path=Path("newsmon.toml"), environ={}).cluster


def test_a_cluster_table_with_defaults() -> None:
    assert parse('[cluster]\nredis = "redis://store:6379/0"\n') == ClusterConfig(
        redis="redis://store:6379/0", key_prefix="newsmon", worker_timeout=30.0
    )
    assert parse("") is None


def test_every_cluster_key() -> None:
    cluster = parse(
        '[cluster]\nredis = "rediss://store:6380/2"\nkey_prefix = "news:eu"\nworker_timeout = 12\n'
    )
    assert cluster == ClusterConfig("rediss://store:6380/2", "news:eu", 12.0)
    assert cluster.scrapy_settings() == {
        "NEWSMON_REDIS": "rediss://store:6380/2",
        "NEWSMON_KEY_PREFIX": "news:eu",
        "NEWSMON_WORKER_TIMEOUT": "12.0",
    }


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('redis = "redis://h/0"\nqueue = "x"', "cluster.queue: unknown key"),
        ('key_prefix = "n"', "cluster: missing required key 'redis'"),
        ('redis = "http://h:6379"', "cluster.redis: 'http://h:6379' is not a Redis URL"),
        ('redis = "redis://h/0"\nkey_prefix = "a b"', "cluster.key_prefix: 'a b' is not a key"),
        ('redis = "redis://h/0"\nworker_timeout = 0', "cluster.worker_timeout: 0 is not a number"),
        ('redis = "redis://h/0"\nworker_timeout = "30s"', "cluster.worker_timeout: '30s'"),
    ],
)
def test_bad_cluster_keys_are_named(body: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse(f"[cluster]\n{body}\n")
    assert message in str(caught.value)


def newsmon(config: Path, *args: str) -> tuple[int, str]:
    """Run the CLI in this process; its exit code and stderr."""
    result = CliRunner().invoke(cli, ["--config", str(config), *args])
    return result.exit_code, result.stderr


def test_no_work_and_worker_without_a_cluster_table_exit_2(tmp_path: Path) -> None:
    config = tmp_path / "newsmon.toml"
    config.write_text("")
    code, err = newsmon(config, "crawl", "--no-work")
    assert code == 2
    assert "--no-work needs a [cluster] table in newsmon.toml" in err
    code, err = newsmon(config, "worker")
    assert code == 2
    assert "newsmon.toml: no [cluster] table; add one with redis = " in err


def test_crawl_worker_and_ingest_with_redis_down_fail_naming_the_url(tmp_path: Path) -> None:
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = tmp_path / "newsmon.toml"
    config.write_text(
        '[store]\npath = "news.db"\n\n'
        f'[cluster]\nredis = "redis://127.0.0.1:{port}/0"\n\n'
        '[[site]]\nname = "wire"\nhome = "http://127.0.0.1:9/"\n'
    )
    for command in ("crawl", "worker", "ingest"):
        code, err = newsmon(config, command)
        assert code == 1, command
        assert f"cannot reach Redis at redis://127.0.0.1:{port}/0" in err
        assert "fix [cluster] redis in newsmon.toml" in err
    conn = sqlite3.connect(tmp_path / "news.db")  # the failed crawl is recorded per site
    rows = conn.execute("SELECT site, ok, error FROM crawl_runs").fetchall()
    conn.close()
    assert [(site, ok) for site, ok, _ in rows] == [("wire", 0)]
    assert "cannot reach Redis" in rows[0][2]
