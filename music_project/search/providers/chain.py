"""Ask each provider in order until one matches; a miss is final only when none failed."""

import logging
import math
import time
from dataclasses import dataclass

from django.conf import settings
from opentelemetry import trace
from opentelemetry.trace import SpanKind

from musica_kit.breaker import CircuitBreaker
from musica_kit.track import Track

from ..metrics import BREAKER_OPEN_UNTIL, PROVIDER_LATENCY, PROVIDER_SEARCHES
from .base import Provider, ProviderUnavailable

logger = logging.getLogger(__name__)
TRACER = trace.get_tracer(__name__)


@dataclass(frozen=True, slots=True)
class SearchResult:
    source: str  # the provider that matched; for a miss, the last one asked
    tracks: list[Track]
    failed: tuple[str, ...] = ()  # better providers that failed (their answer is unknown)
    cached: bool = False
    fresh_for: int = 0  # seconds left in the result cache

    @property
    def incomplete(self) -> bool:
        """No match, but a better provider failed: the miss is not final."""
        return bool(self.failed) and not self.tracks


class ProviderChain:
    def __init__(self, providers: list[Provider]):
        self.providers = providers
        limits = dict(
            threshold=settings.PROVIDER_BREAKER_THRESHOLD, cooldown=settings.PROVIDER_BREAKER_COOLDOWN
        )
        self.breakers = {p.name: CircuitBreaker(**limits, name=f"provider {p.name}") for p in providers}

    @property
    def key(self) -> str:
        """Part of cache keys: another order may give another answer."""
        return ",".join(provider.name for provider in self.providers)

    @property
    def first_available(self) -> str:
        return next(
            (p.name for p in self.providers if self.breakers[p.name].state != "open"), self.providers[0].name
        )

    def max_seconds(self) -> float:
        """The longest one search can take: the budget, one last slow call, then the catalog."""
        spotify = settings.SPOTIFY_CONNECT_TIMEOUT + settings.SPOTIFY_READ_TIMEOUT
        keyless = settings.PROVIDER_CONNECT_TIMEOUT + settings.PROVIDER_READ_TIMEOUT
        return settings.PROVIDER_CHAIN_BUDGET + max(spotify, keyless) + 1

    def _ask(self, provider: Provider, query: str, limit: int, started: float) -> list[Track]:
        name, breaker = provider.name, self.breakers[provider.name]
        # Past the budget only a local provider (the catalog) is still asked.
        if not provider.local and time.monotonic() - started >= settings.PROVIDER_CHAIN_BUDGET:
            PROVIDER_SEARCHES.labels(name, "budget").inc()
            raise ProviderUnavailable(f"{name}: no quedaba tiempo para consultarlo.", kind="budget")
        if not breaker.allow():
            PROVIDER_SEARCHES.labels(name, "breaker_open").inc()
            retry_after = math.ceil(breaker.retry_in()) or None
            raise ProviderUnavailable(
                f"{name} no está disponible ahora.", retry_after=retry_after, kind="breaker_open"
            )
        try:
            span = TRACER.start_as_current_span(f"provider {name}", kind=SpanKind.CLIENT)
            with span, PROVIDER_LATENCY.labels(name).time():
                tracks = provider.search(query, limit)
        except ProviderUnavailable as exc:
            logger.warning(
                "provider unavailable", extra={"provider": name, "kind": exc.kind, "reason": str(exc)}
            )
            PROVIDER_SEARCHES.labels(name, exc.kind).inc()
            if exc.kind in ("rate_limited", "limiter"):  # a 429 or the limiter opens it at once
                breaker.trip(exc.retry_after or settings.PROVIDER_BREAKER_COOLDOWN)
            else:
                breaker.record_failure()
            raise
        else:
            PROVIDER_SEARCHES.labels(name, "match" if tracks else "miss").inc()
            breaker.record_success()
        finally:
            open_until = time.time() + breaker.retry_in() if breaker.state == "open" else 0
            BREAKER_OPEN_UNTIL.labels(name).set(open_until)
        return tracks

    def search(self, query: str, limit: int) -> SearchResult:
        """Raises the first provider's ProviderUnavailable when no provider answered."""
        started, failed, last_asked = time.monotonic(), {}, None
        for provider in self.providers:
            try:
                tracks = self._ask(provider, query, limit, started)
            except ProviderUnavailable as exc:
                failed[provider.name] = exc
                continue
            last_asked = provider.name
            if tracks:
                return SearchResult(provider.name, tracks, tuple(failed))
        if last_asked is None:
            raise next(iter(failed.values()))
        return SearchResult(last_asked, [], tuple(failed))

    def status(self, *, check_ready: bool = False) -> list[dict]:
        rows = []
        for provider in self.providers:
            breaker = self.breakers[provider.name]
            row = {"name": provider.name, "state": breaker.state, "retry_in": math.ceil(breaker.retry_in())}
            if check_ready:
                row["ready"] = breaker.state != "open" and provider.is_ready()
            rows.append(row)
        return rows
