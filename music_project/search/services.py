"""Searching through the cache: identical searches reach the provider once per TTL.

Results are cached by normalised query (case and spaces folded) and limit; empty results
for less time, since a song missing today may be added tomorrow. Within one process,
identical concurrent misses wait for the first caller instead of all asking Spotify.
"""

import hashlib
import threading
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


def normalise_query(query: str) -> str:
    return " ".join(query.casefold().split())


def _cache_key(source: str, query: str, limit: int) -> str:
    digest = hashlib.sha256(normalise_query(query).encode()).hexdigest()[:32]
    return f"search:v1:{source}:{limit}:{digest}"


def _key_lock(key: str) -> threading.Lock:
    with _inflight_guard:
        return _inflight.setdefault(key, threading.Lock())


def search_tracks(*, query: str, limit: int) -> SearchResult:
    """Raises ProviderUnavailable when the source cannot answer and nothing is cached."""
    provider = get_provider()
    key = _cache_key(provider.name, query, limit)
    cached = cache.get(key)
    if cached is not None:
        return SearchResult(provider.name, [Track(**track) for track in cached], cached=True)
    lock = _key_lock(key)
    with lock:
        cached = cache.get(key)
        if cached is not None:
            return SearchResult(provider.name, [Track(**track) for track in cached], cached=True)
        try:
            tracks = provider.search(query, limit)
            ttl = settings.SEARCH_CACHE_TTL if tracks else settings.SEARCH_CACHE_EMPTY_TTL
            cache.set(key, [track.as_dict() for track in tracks], timeout=ttl)
        finally:
            # Only after the cache holds the answer may a newcomer create a fresh lock.
            with _inflight_guard:
                _inflight.pop(key, None)
        return SearchResult(provider.name, tracks, cached=False)
