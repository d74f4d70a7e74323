"""What Deezer and iTunes share: one GET for JSON that fails fast, and a limiter shared by replicas."""

import logging
import time

import requests
from django.conf import settings
from django.core.cache import cache

from .base import ProviderUnavailable, provider_session, retry_after_seconds

logger = logging.getLogger(__name__)


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
            logger.warning("provider rate limit reached", extra={"provider": self.name})
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
        name = self.name
        self._limiter.acquire()
        timeout = (settings.PROVIDER_CONNECT_TIMEOUT, settings.PROVIDER_READ_TIMEOUT)
        try:
            response = self._session.get(self.search_url, params=params, timeout=timeout)
        except requests.Timeout:
            logger.warning("provider timed out", extra={"provider": name})
            raise ProviderUnavailable(f"{name} tardó demasiado en responder.", kind="timeout") from None
        except requests.RequestException:
            logger.warning("provider unreachable", extra={"provider": name})
            raise ProviderUnavailable(f"No se pudo contactar con {name}.", kind="unreachable") from None
        status = response.status_code
        if status == 429:
            seconds = retry_after_seconds(response.headers)
            logger.warning("provider rate limited", extra={"provider": name, "retry_after": seconds})
            message = f"{name} limita las peticiones: espera antes de reintentar."
            raise ProviderUnavailable(message, retry_after=seconds, kind="rate_limited")
        if status >= 500:
            logger.warning("provider error", extra={"provider": name, "upstream_status": status})
            upstream = 503 if status in (502, 503, 504) else 502
            raise ProviderUnavailable(f"{name} respondió {status}.", status=upstream, kind="server_error")
        try:
            body = response.json()
        except ValueError:
            logger.warning("provider answered a body that is not JSON", extra={"provider": name})
            message = f"{name} respondió algo que no es JSON."
            raise ProviderUnavailable(message, status=502, kind="garbage") from None
        if not isinstance(body, dict):
            raise ProviderUnavailable(f"{name} respondió algo inesperado.", status=502, kind="garbage")
        return status, body

    def is_ready(self) -> bool:
        return True
