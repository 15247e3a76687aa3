"""How requests are stored in the shared queue: pickle (as scrapy-redis does), made able to
carry a `Site`, whose selectors are a read-only mapping that plain pickle refuses.

Pickle runs what it loads: the Redis of a cluster must be reachable by newsmon's hosts only.
"""

from __future__ import annotations

import io
import pickle
from types import MappingProxyType
from typing import Any


def _read_only(entries: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(entries)


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, MappingProxyType):
            return _read_only, (dict(obj),)
        return NotImplemented


def dumps(obj: Any) -> bytes:
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(obj)
    return buffer.getvalue()


def loads(data: bytes) -> Any:
    return pickle.loads(data)
