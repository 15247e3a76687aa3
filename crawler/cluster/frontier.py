"""The shared frontier's bookkeeping in Redis: which requests workers hold, which workers are
alive, and when a crawl is drained. Used by the workers' scheduler and by the coordinator.

A worker takes a request with one LMOVE from the queue into its own held list, so a request is
always in exactly one place: the queue, a worker's held list, or done (its follow-up requests
and items pushed before it leaves the held list). A worker refreshes its `alive` key every
half second; when the key has expired, anyone (the coordinator, another worker) moves what the
worker held back onto the queue. So a SIGKILLed worker loses nothing: its requests are fetched
again by another worker.
"""

from __future__ import annotations

import logging
from typing import Any

from crawler.cluster import Keys

logger = logging.getLogger(__name__)

# The requests still to do: those queued plus those held by any registered worker, counted in
# one atomic step (a request moving from a held list to done pushes its follow-ups first).
_OUTSTANDING = """
local n = redis.call('LLEN', KEYS[1])
local workers = redis.call('SMEMBERS', KEYS[2])
for i = 1, #workers do
  n = n + redis.call('LLEN', ARGV[1] .. workers[i])
end
return n
"""


def outstanding(server: Any, keys: Keys) -> int:
    """Requests queued or held by a worker, counted atomically."""
    return int(server.eval(_OUTSTANDING, 2, keys.requests, keys.workers, keys.held_prefix))


def requeue(server: Any, keys: Keys, worker: str) -> int:
    """Move what `worker` holds back to the front of the queue; how many requests."""
    moved = 0
    while server.lmove(keys.held(worker), keys.requests, "RIGHT", "RIGHT") is not None:
        moved += 1
    return moved


def requeue_dead(server: Any, keys: Keys) -> int:
    """Put back the requests of every worker whose heartbeat has expired; how many."""
    moved = 0
    for raw in server.smembers(keys.workers):
        worker = raw.decode() if isinstance(raw, bytes) else str(raw)
        if server.exists(keys.alive(worker)):
            continue
        count = requeue(server, keys, worker)
        server.srem(keys.workers, worker)
        if count:
            logger.warning(
                "worker %s stopped answering; its %d requests are queued again", worker, count
            )
        moved += count
    return moved


def live_workers(server: Any, keys: Keys) -> list[str]:
    """The registered workers whose heartbeat has not expired."""
    found = []
    for raw in server.smembers(keys.workers):
        worker = raw.decode() if isinstance(raw, bytes) else str(raw)
        if server.exists(keys.alive(worker)):
            found.append(worker)
    return sorted(found)
