"""Searching through the cache: identical searches reach the provider once per TTL.

Results are cached by normalized query (case and spaces folded) and limit; empty results
for less time, since a song missing today may be added tomorrow. Identical concurrent
misses ask the provider once: threads of one process queue on a local lock, and processes
sharing a cache (Redis) on a short lock key, waiting for the first caller's answer.
"""

import hashlib
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from .providers import Track, get_provider


@dataclass(frozen=True, slots=True)
class SearchResult:
    source: str
    tracks: list[Track]
    cached: bool


_inflight_guard = threading.Lock()
_inflight: dict[str, threading.Lock] = {}
_POLL_SECONDS = 0.02


def normalize_query(query: str) -> str:
    return " ".join(query.casefold().split())


def _cache_key(source: str, query: str, limit: int) -> str:
    digest = hashlib.sha256(normalize_query(query).encode()).hexdigest()[:32]
    return f"search:v1:{source}:{limit}:{digest}"


def _key_lock(key: str) -> threading.Lock:
    with _inflight_guard:
        return _inflight.setdefault(key, threading.Lock())


def _cached(source: str, key: str) -> SearchResult | None:
    tracks = cache.get(key)
    if tracks is None:
        return None
    return SearchResult(source, [Track(**track) for track in tracks], cached=True)


def _wait_for_other_process(source: str, key: str) -> SearchResult | None:
    """Another process is asking the provider for this key: wait (bounded) for its answer."""
    deadline = time.monotonic() + settings.SPOTIFY_CONNECT_TIMEOUT + settings.SPOTIFY_READ_TIMEOUT
    while time.monotonic() < deadline:
        time.sleep(_POLL_SECONDS)
        if (hit := _cached(source, key)) is not None:
            return hit
        if cache.get(f"{key}:lock") is None:
            # It finished (its answer was cached just before it let go of the lock) or gave up:
            # look once more, so an answer landing between the two reads is not asked for again.
            return _cached(source, key)
    return None


def search_tracks(*, query: str, limit: int) -> SearchResult:
    """Raises ProviderUnavailable when the source cannot answer and nothing is cached."""
    provider = get_provider()
    key = _cache_key(provider.name, query, limit)
    if (hit := _cached(provider.name, key)) is not None:
        return hit
    with _key_lock(key):
        if (hit := _cached(provider.name, key)) is not None:
            return hit
        lock_key = f"{key}:lock"
        owner = cache.add(lock_key, 1, timeout=int(settings.SPOTIFY_READ_TIMEOUT) + 2)
        try:
            if not owner and (hit := _wait_for_other_process(provider.name, key)) is not None:
                return hit
            if owner and (hit := _cached(provider.name, key)) is not None:
                return hit  # another process answered between our first look and taking the lock
            tracks = provider.search(query, limit)
            ttl = settings.SEARCH_CACHE_TTL if tracks else settings.SEARCH_CACHE_EMPTY_TTL
            cache.set(key, [track.as_dict() for track in tracks], timeout=ttl)
        finally:
            if owner:
                cache.delete(lock_key)
            # Only after the cache holds the answer may a newcomer create a fresh local lock.
            with _inflight_guard:
                _inflight.pop(key, None)
        return SearchResult(provider.name, tracks, cached=False)
