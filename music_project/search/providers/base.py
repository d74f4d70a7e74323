"""What every music source returns, and how it says it cannot answer."""

from typing import Protocol

from musica_kit.track import Track

DEFAULT_RETRY_AFTER = 30


def retry_after_seconds(headers) -> int:
    """How long a 429's ``Retry-After`` asks to wait: at least 1 s, DEFAULT_RETRY_AFTER when the header
    is missing or not a number of seconds."""
    try:
        return max(int((headers or {}).get("Retry-After", DEFAULT_RETRY_AFTER)), 1)
    except (TypeError, ValueError):
        return DEFAULT_RETRY_AFTER


class ProviderUnavailable(Exception):
    """The source cannot answer now (down, slow, rate-limited, misconfigured, answered an error).

    ``status`` is the HTTP status music_service should answer with (502 or 503);
    ``retry_after`` is in seconds when the source said how long to wait.
    """

    def __init__(
        self, message: str, *, status: int = 503, retry_after: int | None = None, kind: str = "unavailable"
    ):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after
        # What went wrong, for logs and /health: timeout, unreachable, server_error, rate_limited,
        # limiter, error_answer, garbage, breaker_open, budget or unavailable.
        self.kind = kind


class Provider(Protocol):
    name: str
    # True for a provider that asks nothing over the network (the offline catalog).
    local: bool

    def search(self, query: str, limit: int) -> list[Track]:
        """Best matches first; an empty list when nothing matches."""

    def is_ready(self) -> bool:
        """True when the source can answer a search now."""
