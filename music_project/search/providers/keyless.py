"""What Deezer and iTunes share: one GET for JSON that fails fast, and a limiter shared by replicas."""

import time

from django.conf import settings
from django.core.cache import cache

from .base import ProviderUnavailable, network_errors, provider_session, upstream_error


class RateLimiter:
    """At most ``rate`` ("50/5": 50 per 5 s window) in Django's cache; a cache that cannot count
    lets the request through: a Redis outage must not silence every provider."""

    def __init__(self, name: str, rate: str):
        count, _, seconds = rate.partition("/")
        self.name = name
        self.count, self.seconds = max(int(count), 1), max(int(seconds or 1), 1)

    def acquire(self) -> None:
        now = time.time()
        window = int(now // self.seconds)
        key = f"ratelimit:{self.name}:{window}"
        try:
            cache.add(key, 0, timeout=self.seconds + 1)
            used = cache.incr(key)
        except ValueError:  # the key expired between add and incr, or the cache is down
            return
        if used is not None and used > self.count:
            raise ProviderUnavailable(
                f"Límite de peticiones a {self.name} alcanzado ({self.count} cada {self.seconds} s).",
                retry_after=max(int((window + 1) * self.seconds - now) + 1, 1),
                kind="limiter",
            )


class KeylessProvider:
    name: str
    local = False

    def __init__(self, base_url: str, rate: str):
        self.search_url = base_url.rstrip("/") + "/search"
        self._session = provider_session(base_url)
        self._session.headers["Accept"] = "application/json"
        self._limiter = RateLimiter(self.name, rate)

    def get(self, params: dict) -> tuple[int, dict]:
        """``(status, body)`` of a 2xx/4xx JSON object; anything else raises ProviderUnavailable."""
        self._limiter.acquire()
        timeout = (settings.PROVIDER_CONNECT_TIMEOUT, settings.PROVIDER_READ_TIMEOUT)
        with network_errors(self.name):
            response = self._session.get(self.search_url, params=params, timeout=timeout)
        if response.status_code == 429 or response.status_code >= 500:
            raise upstream_error(self.name, response.status_code, response.headers)
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise self.useless(f"{self.name} respondió algo que no se entiende.")
        return response.status_code, body

    def useless(self, message: str, kind: str = "garbage") -> ProviderUnavailable:
        """An answer music cannot use: 502."""
        return ProviderUnavailable(message, status=502, kind=kind)

    def is_ready(self) -> bool:
        return True
