"""Redis in tests: a unique key prefix per run, and cleanup of only those keys. The Redis a test uses
may be shared (other runs, other suites, a developer's data), so a test never empties a database:
services under test get ``REDIS_KEY_PREFIX=unique_prefix(...)`` and the test deletes those keys."""

from __future__ import annotations

import re
import uuid

RUN_ID = uuid.uuid4().hex[:10]  # one per test process (one per suite run)


def unique_prefix(label: str) -> str:
    """A cache key prefix nobody else uses: this run's id, a fresh suffix, and a readable label."""
    return f"test-{RUN_ID}-{uuid.uuid4().hex[:6]}-{label}"


def prefixed_keys(client, prefix: str) -> list[bytes]:
    """Every key Django's cache wrote under ``prefix`` (its keys are ``prefix:version:key``)."""
    pattern = re.sub(r"([*?\[\]\\])", r"\\\1", prefix) + ":*"
    return list(client.scan_iter(match=pattern, count=1000))


def delete_prefixed(client, prefix: str) -> int:
    """Delete the keys under ``prefix`` only; returns how many there were."""
    keys = prefixed_keys(client, prefix)
    for start in range(0, len(keys), 500):
        client.delete(*keys[start : start + 500])
    return len(keys)
