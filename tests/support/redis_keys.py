"""A test's Redis may be shared, so it is never emptied: each run uses its own key prefix and deletes
only those keys."""

import re
import uuid

RUN_ID = uuid.uuid4().hex[:10]  # one per test process (one per suite run)


def unique_prefix(label: str) -> str:
    return f"test-{RUN_ID}-{uuid.uuid4().hex[:6]}-{label}"


def prefixed_keys(client, prefix: str) -> list[bytes]:
    """Every key Django's cache wrote under ``prefix`` (its keys are ``prefix:version:key``)."""
    pattern = re.sub(r"([*?\[\]\\])", r"\\\1", prefix) + ":*"
    return list(client.scan_iter(match=pattern, count=1000))


def delete_prefixed(client, prefix: str) -> int:
    keys = prefixed_keys(client, prefix)
    for start in range(0, len(keys), 500):
        client.delete(*keys[start : start + 500])
    return len(keys)
