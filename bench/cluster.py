"""Cluster benchmark: the shared frontier on Redis against Scrapy's in-memory scheduler, and the
single writer's ingest rate against one worker's crawl rate, in one run, no network.

    python bench/cluster.py                # 2,000 pages behind 20 feeds (bench/crawl.py's site)
    python bench/cluster.py --pages 400    # a quicker look

The site is the one bench/crawl.py builds and serves (real pages of the shared corpus when it is
there, else the demo templates), on 127.0.0.1, politeness lifted. A redis-server of its own runs
on a free port (append-only file on, as a cluster should run it). Printed, all from this run:

  (a) one `scrapy crawl news` with Scrapy's in-memory scheduler and duplicate filter, its items
      pushed to Redis (the worker's pipeline; no SQLite write in the crawl), extracting in its
      own process as a cluster worker does;
  (b) one cluster worker: the coordinator seeds the shared queue, one `scrapy crawl news` worker
      takes it to drained through scrapy-redis (its items pushed to Redis the same way);
  (c) ingest: the records of (b) stored into a fresh SQLite store by the single writer;
  the ratios (b) / (a) (goal >= 0.9) and (c) / (b) (goal >= 20: one store host, 20 workers).
"""

from __future__ import annotations

import argparse
import json
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from multiprocessing import get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import crawl as site_bench  # noqa: E402  (bench/crawl.py: the site and its server)

PUSH_ONLY = {
    "crawler.pipelines.ValidatePipeline": 100,
    "crawler.pipelines.StorePipeline": None,
    "crawler.cluster.worker.PushPipeline": 300,
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_redis(folder: Path) -> tuple[subprocess.Popen[bytes], int]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("no redis-server on PATH: apt-get install redis-server")
    port = free_port()
    process = subprocess.Popen(
        [
            *(binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder)),
            *("--appendonly", "yes", "--save", "", "--loglevel", "warning"),
        ],
        stdout=subprocess.DEVNULL,
    )
    import redis

    client = redis.Redis(port=port)
    for _ in range(200):
        try:
            client.ping()
            break
        except redis.RedisError:
            time.sleep(0.05)
    client.close()
    return process, port


def scrapy_command(settings: dict[str, str]) -> list[str]:
    command = [sys.executable, "-m", "scrapy", "crawl", "news"]
    for key, value in {**site_bench.LIFTED, **settings}.items():
        command += ["-s", f"{key}={value}"]
    return command


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--demo", action="store_true", help="use the demo templates only")
    args = parser.parse_args()

    import redis

    from crawler.cluster import Keys
    from crawler.cluster.coordinator import Ingest, is_drained, seed
    from crawler.sites import Site, site_to_dict
    from crawler.store import ArticleStore

    context = get_context("spawn")
    parent, child = context.Pipe()
    corpus = None if args.demo or not (args.corpus / "fundus").is_dir() else args.corpus
    server = context.Process(target=site_bench.serve, args=(child, args.pages, corpus), daemon=True)
    server.start()
    origin = parent.recv()
    feeds = tuple(f"{origin}/feeds/{k}.xml" for k in range(site_bench.FEEDS))
    site = Site(name="bench", home=f"{origin}/", feeds=feeds)
    made = f"real pages of {corpus}" if corpus else "the demo templates"
    print(f"{args.pages} pages ({made}) behind {len(feeds)} feeds on {origin}")
    env = {"SCRAPY_SETTINGS_MODULE": "crawler.settings", "PATH": "/usr/bin:/bin"}
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        redis_process, port = start_redis(work)
        url = f"redis://127.0.0.1:{port}/0"
        client = redis.Redis(port=port)
        try:
            # (a) Scrapy's in-memory scheduler, items pushed to Redis
            a_keys = Keys("bench-a")
            command = scrapy_command(
                {
                    "NEWSMON_SITES": json.dumps([site_to_dict(site)]),
                    "NEWSMON_DB": str(work / "a.db"),
                    "REDIS_URL": url,
                    "NEWSMON_KEY_PREFIX": a_keys.prefix,
                    "ITEM_PIPELINES": json.dumps(PUSH_ONLY),
                    "NEWSMON_EXTRACT_WORKERS": "0",  # one process, as a cluster worker runs
                }
            )
            started = time.perf_counter()
            subprocess.run(command, cwd=work, env=env, check=True)
            a_time = time.perf_counter() - started
            a_items = client.llen(a_keys.items)

            # (b) one worker through the shared queue: seed, run to drained, stop
            site_bench.fetch_json(f"{origin}/__reset")
            b_keys = Keys("bench-b")
            store = ArticleStore.open(work / "b.db")
            seed(client, b_keys, store, [site])
            command = scrapy_command(
                {"NEWSMON_REDIS": url, "NEWSMON_KEY_PREFIX": b_keys.prefix, "LOG_LEVEL": "ERROR"}
            )
            started = time.perf_counter()
            worker = subprocess.Popen(command, cwd=work, env=env)
            while not is_drained(client, b_keys):
                time.sleep(0.05)
            worker.send_signal(signal.SIGTERM)  # a worker waits for more: stop it, as (a) stops
            worker.wait(60)
            b_time = time.perf_counter() - started
            b_items = client.llen(b_keys.items)
            b_pages = site_bench.fetch_json(f"{origin}/__counts")["pages"]

            # (c) the single writer stores (b)'s records
            ingest = Ingest(client, b_keys, store, {site.name: site})
            started = time.perf_counter()
            stored = ingest.drain()
            c_time = time.perf_counter() - started
            store.close()
        finally:
            client.close()
            redis_process.terminate()
            redis_process.wait(10)
            server.terminate()

    a_rate, b_rate, c_rate = args.pages / a_time, args.pages / b_time, stored / c_time
    print(
        f"(a) in-memory scheduler, 1 crawl   {a_rate:7.1f} pages/s  "
        f"({a_time:.1f} s, {a_items} items)"
    )
    print(
        f"(b) 1 worker through Redis         {b_rate:7.1f} pages/s  ({b_time:.1f} s, "
        f"{b_items} items, {b_pages} page requests)"
    )
    print(
        f"(c) ingest, the single writer      {c_rate:7.1f} records/s ({stored} in {c_time:.1f} s)"
    )
    print(f"ratio (b) / (a)                    {b_rate / a_rate:7.2f}   (goal >= 0.9)")
    print(f"ratio (c) / (b)                    {c_rate / b_rate:7.1f}   (goal >= 20)")


if __name__ == "__main__":
    main()
