"""What every music source returns, and how it says it cannot answer."""

from typing import Protocol

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter

from musica_kit.outbound import read_environment_once
from musica_kit.track import Track

DEFAULT_RETRY_AFTER = 30


def retry_after_seconds(headers) -> int:
    """A 429's ``Retry-After`` in seconds (at least 1)."""
    try:
        return max(int((headers or {}).get("Retry-After", DEFAULT_RETRY_AFTER)), 1)
    except (TypeError, ValueError):
        return DEFAULT_RETRY_AFTER


def provider_session(*urls: str) -> requests.Session:
    """Pooled, without retries: failing fast lets the next provider answer."""
    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=len(urls), pool_maxsize=settings.PROVIDER_POOL_SIZE, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return read_environment_once(session, *urls)


class ProviderUnavailable(Exception):
    """``status``: music's answer (502/503); ``kind``: a metrics label (timeout, rate_limited, budget…)."""

    def __init__(
        self, message: str, *, status: int = 503, retry_after: int | None = None, kind: str = "unavailable"
    ):
        super().__init__(message)
        self.status, self.retry_after, self.kind = status, retry_after, kind


class Provider(Protocol):
    name: str
    local: bool  # asks nothing over the network (the offline catalog)

    def search(self, query: str, limit: int) -> list[Track]: ...

    def is_ready(self) -> bool: ...
