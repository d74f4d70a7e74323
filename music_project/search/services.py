"""Searching through the result cache: identical searches reach the providers once per TTL.

Identical concurrent misses ask the chain once: threads of one process queue on a local lock, and
processes sharing a cache (Redis) on a short lock key, waiting for the first caller's answer. Each
result says how long it stays cached (``fresh_for``), which the view turns into Cache-Control.
"""

import hashlib
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from musica_kit.track import Track

from .providers import ProviderUnavailable, get_chain


@dataclass(frozen=True, slots=True)
class SearchResult:
    source: str
    tracks: list[Track]
    cached: bool
    failed: tuple[str, ...] = ()  # better providers that failed before ``source`` answered
    fresh_for: int = 0  # seconds left in the result cache


class IncompleteMiss(ProviderUnavailable):
    """No provider that answered had a match, but some failed: the miss is not final (503)."""

    def __init__(self, source: str, failed: tuple[str, ...], *, cached: bool):
        super().__init__(f"sin coincidencias, pero no respondieron: {', '.join(failed)}", kind="incomplete")
        self.source = source
        self.failed = failed
        self.cached = cached


_inflight_guard = threading.Lock()
_inflight: dict[str, threading.Lock] = {}


def normalize_query(query: str) -> str:
    return " ".join(query.casefold().split())


def _cache_key(chain: str, query: str, limit: int) -> str:
    digest = hashlib.sha256(normalize_query(query).encode()).hexdigest()[:32]
    # The version goes up when matching changes: answers cached by older code could name wrong covers.
    return f"search:v3:{chain}:{limit}:{digest}"


def _result(source: str, tracks: list[Track], failed, *, cached: bool, fresh_for: int) -> SearchResult:
    if failed and not tracks:
        raise IncompleteMiss(source, failed, cached=cached)
    return SearchResult(source, tracks, cached=cached, failed=failed, fresh_for=max(0, fresh_for))


def _cached(key: str) -> SearchResult | None:
    entry = cache.get(key)
    if entry is None:
        return None
    tracks = [Track(**track) for track in entry["tracks"]]
    fresh_for = int(entry["expires"] - time.time())
    return _result(entry["source"], tracks, tuple(entry["failed"]), cached=True, fresh_for=fresh_for)


def _wait_for_other_process(key: str, seconds: float) -> SearchResult | None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(0.02)
        if (hit := _cached(key)) is not None:
            return hit
        if cache.get(f"{key}:lock") is None:
            # It finished (and cached its answer first) or gave up: one last look.
            return _cached(key)
    return None


def _ttl(answer) -> int:
    if answer.failed and not answer.tracks:
        # A miss that is not final: until the failed provider may be probed again, no sooner.
        return max(1, int(min(settings.SEARCH_CACHE_FAILOVER_TTL, settings.PROVIDER_BREAKER_COOLDOWN)))
    if answer.failed:
        return min(settings.SEARCH_CACHE_FAILOVER_TTL, settings.SEARCH_CACHE_TTL)
    return settings.SEARCH_CACHE_TTL if answer.tracks else settings.SEARCH_CACHE_EMPTY_TTL


def search_tracks(*, query: str, limit: int) -> SearchResult:
    """Raises ProviderUnavailable when no provider could answer and nothing is cached, and
    IncompleteMiss when none matched but some failed."""
    chain = get_chain()
    key = _cache_key(chain.key, query, limit)
    if (hit := _cached(key)) is not None:
        return hit
    with _inflight_guard:
        local_lock = _inflight.setdefault(key, threading.Lock())
    with local_lock:
        if (hit := _cached(key)) is not None:
            return hit
        lock_key = f"{key}:lock"
        seconds = chain.max_seconds()
        owner = cache.add(lock_key, 1, timeout=int(seconds) + 2)
        try:
            if not owner and (hit := _wait_for_other_process(key, seconds)) is not None:
                return hit
            if owner and (hit := _cached(key)) is not None:
                return hit  # another process answered between our first look and taking the lock
            answer = chain.search(query, limit)
            ttl = _ttl(answer)
            entry = {
                "source": answer.source,
                "tracks": [track.as_dict() for track in answer.tracks],
                "failed": list(answer.failed),
                "expires": time.time() + ttl,  # wall clock: replicas sharing Redis read it too
            }
            cache.set(key, entry, timeout=ttl)
        finally:
            if owner:
                cache.delete(lock_key)
            # Only after the cache holds the answer may a newcomer create a fresh local lock.
            with _inflight_guard:
                _inflight.pop(key, None)
        return _result(answer.source, answer.tracks, answer.failed, cached=False, fresh_for=ttl)
