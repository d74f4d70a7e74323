"""The result cache: identical searches, concurrent ones too (local lock, then a cache lock key), ask once."""

import hashlib
import threading
import time
from dataclasses import replace

from django.conf import settings
from django.core.cache import cache

from .providers import get_chain
from .providers.chain import SearchResult

_inflight_guard = threading.Lock()
_inflight: dict[str, threading.Lock] = {}


def normalize_query(query: str) -> str:
    return " ".join(query.casefold().split())


def _cached(key: str) -> SearchResult | None:
    if (entry := cache.get(key)) is None:
        return None
    answer, expires = entry
    return replace(answer, cached=True, fresh_for=max(0, int(expires - time.time())))


def _wait_for_other_process(key: str, seconds: float) -> SearchResult | None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(0.02)
        if (hit := _cached(key)) is not None:
            return hit
        if cache.get(f"{key}:lock") is None:  # it finished or gave up: one last look
            return _cached(key)
    return None


def _ttl(answer: SearchResult) -> int:
    if answer.incomplete:  # until the failed provider may be probed again
        return max(1, int(min(settings.SEARCH_CACHE_FAILOVER_TTL, settings.PROVIDER_BREAKER_COOLDOWN)))
    if answer.failed:
        return min(settings.SEARCH_CACHE_FAILOVER_TTL, settings.SEARCH_CACHE_TTL)
    return settings.SEARCH_CACHE_TTL if answer.tracks else settings.SEARCH_CACHE_EMPTY_TTL


def search_tracks(*, query: str, limit: int) -> SearchResult:
    """Raises ProviderUnavailable when nothing answered."""
    chain = get_chain()
    digest = hashlib.sha256(normalize_query(query).encode()).hexdigest()[:32]
    key = f"search:v4:{chain.key}:{limit}:{digest}"  # v4: bumped when matching or the entry changes
    if (hit := _cached(key)) is not None:
        return hit
    with _inflight_guard:
        local_lock = _inflight.setdefault(key, threading.Lock())
    with local_lock:
        if (hit := _cached(key)) is not None:
            return hit
        lock_key, seconds = f"{key}:lock", chain.max_seconds()
        owner = cache.add(lock_key, 1, timeout=int(seconds) + 2)
        try:
            # The owner looks once more: another process may have answered before it took the lock.
            if (hit := _cached(key) if owner else _wait_for_other_process(key, seconds)) is not None:
                return hit
            answer = chain.search(query, limit)
            ttl = _ttl(answer)
            # Wall-clock expiry: replicas sharing Redis read it too.
            cache.set(key, (answer, time.time() + ttl), timeout=ttl)
        finally:
            if owner:
                cache.delete(lock_key)
            with _inflight_guard:  # only once the cache holds the answer
                _inflight.pop(key, None)
        return replace(answer, fresh_for=max(0, ttl))
