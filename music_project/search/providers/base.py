"""What every music source returns, and how it says it cannot answer."""

from contextlib import contextmanager
from typing import Protocol
from urllib.parse import urlsplit

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from requests.utils import select_proxy

from musica_kit.track import Track

DEFAULT_RETRY_AFTER = 30


def provider_session(*urls: str) -> requests.Session:
    """Pooled, without retries: failing fast lets the next provider answer. The environment's proxy (per
    host of ``urls``) and CA bundle are read once, here: with trust_env requests rereads them and
    ~/.netrc on every call (docs/benchmarks.md)."""
    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=len(urls), pool_maxsize=settings.PROVIDER_POOL_SIZE, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    for url in urls:
        environment = session.merge_environment_settings(url, {}, None, None, None)
        if proxy := select_proxy(url, environment["proxies"]):
            parts = urlsplit(url)
            session.proxies.setdefault(f"{parts.scheme}://{parts.hostname}", proxy)
        session.verify = environment["verify"]
    session.trust_env = False
    return session


class ProviderUnavailable(Exception):
    """``status``: music's answer (502/503); ``kind``: a metrics label (timeout, rate_limited, budget…)."""

    def __init__(
        self, message: str, *, status: int = 503, retry_after: int | None = None, kind: str = "unavailable"
    ):
        super().__init__(message)
        self.status, self.retry_after, self.kind = status, retry_after, kind


def upstream_error(label: str, status: int, headers=None) -> ProviderUnavailable:
    """A 429 carries its Retry-After; a 502/503/504 may soon pass, so music answers 503 (else 502)."""
    if status == 429:
        try:
            seconds = max(int((headers or {}).get("Retry-After", DEFAULT_RETRY_AFTER)), 1)
        except (TypeError, ValueError):
            seconds = DEFAULT_RETRY_AFTER
        message = f"{label} limita las peticiones: espera antes de reintentar."
        return ProviderUnavailable(message, retry_after=seconds, kind="rate_limited")
    upstream = 503 if status in (502, 503, 504) else 502
    return ProviderUnavailable(f"{label} respondió {status}.", status=upstream, kind="server_error")


@contextmanager
def network_errors(label: str):
    try:
        yield
    except requests.Timeout:
        raise ProviderUnavailable(f"{label} tardó demasiado en responder.", kind="timeout") from None
    except requests.RequestException:
        raise ProviderUnavailable(f"No se pudo contactar con {label}.", kind="unreachable") from None


class Provider(Protocol):
    name: str
    local: bool  # asks nothing over the network (the offline catalog)

    def search(self, query: str, limit: int) -> list[Track]: ...

    def is_ready(self) -> bool: ...
