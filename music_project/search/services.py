"""The result cache: identical searches, concurrent ones too (single-flight), ask the providers once."""

import hashlib
import threading
import time
from dataclasses import replace

from django.conf import settings
from django.core.cache import cache

from .providers import get_chain
from .providers.chain import SearchResult

_guard = threading.Lock()
_locks: dict[str, threading.Lock] = {}


def single_flight(key: str, seconds: float, read, compute):
    """``read()`` when not None, else ``compute()`` (which stores what ``read`` returns) once: a lock per key
    in the process, then a lock key in the cache; past ``seconds`` of waiting a caller computes it itself."""
    if (value := read()) is not None:
        return value
    with _guard:
        local_lock = _locks.setdefault(key, threading.Lock())
    with local_lock:
        if (value := read()) is not None:
            return value
        lock_key = f"{key}:lock"
        owner = cache.add(lock_key, 1, timeout=int(seconds) + 2)
        try:
            # The owner looks once more: another process may have answered before it took the lock.
            if (value := read() if owner else _wait(lock_key, seconds, read)) is not None:
                return value
            return compute()
        finally:
            if owner:
                cache.delete(lock_key)
            with _guard:  # only once the cache holds the value
                _locks.pop(key, None)


def _wait(lock_key: str, seconds: float, read):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(0.02)
        if (value := read()) is not None:
            return value
        if cache.get(lock_key) is None:  # it finished or gave up: one last look
            return read()
    return None


def normalize_query(query: str) -> str:
    return " ".join(query.casefold().split())


def _cached(key: str) -> SearchResult | None:
    if (entry := cache.get(key)) is None:
        return None
    answer, expires = entry
    return replace(answer, cached=True, fresh_for=max(0, int(expires - time.time())))


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

    def ask() -> SearchResult:
        answer = chain.search(query, limit)
        ttl = _ttl(answer)
        # Wall-clock expiry: replicas sharing Redis read it too.
        cache.set(key, (answer, time.time() + ttl), timeout=ttl)
        return replace(answer, fresh_for=max(0, ttl))

    return single_flight(key, chain.max_seconds(), lambda: _cached(key), ask)
