"""Ask each provider in MUSIC_PROVIDERS order until one has a match.

A provider that fails is skipped for this search and feeds its breaker (a 429 or an exhausted
limiter opens it at once, for as long as the provider asked); while open it is not asked. A miss
is final only when no provider failed; otherwise the answer names the failed ones (``failed``) and
music answers 503. After PROVIDER_CHAIN_BUDGET seconds the network providers left count as failed;
a local one (the offline catalog) is still asked.
"""

import logging
import math
import time
from dataclasses import dataclass

from django.conf import settings

from musica_kit.breaker import CircuitBreaker
from musica_kit.track import Track

from ..metrics import PROVIDER_SEARCHES, breaker_changed, observed_search
from .base import Provider, ProviderUnavailable

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ChainAnswer:
    source: str  # the provider that matched; for a miss, the last one asked
    tracks: list[Track]
    failed: tuple[str, ...]  # providers skipped because they failed (their answer is unknown)


class ProviderChain:
    def __init__(self, providers: list[Provider]):
        self.providers = providers
        self.breakers = {
            provider.name: CircuitBreaker(
                threshold=settings.PROVIDER_BREAKER_THRESHOLD,
                cooldown=settings.PROVIDER_BREAKER_COOLDOWN,
                name=f"provider {provider.name}",
            )
            for provider in providers
        }

    @property
    def key(self) -> str:
        """Part of cache keys: another order may give another answer."""
        return ",".join(provider.name for provider in self.providers)

    @property
    def first_available(self) -> str:
        """The provider that would be asked first now: the first whose breaker is not open."""
        return next(
            (p.name for p in self.providers if self.breakers[p.name].state != "open"), self.providers[0].name
        )

    def max_seconds(self) -> float:
        """The longest one search can take: the budget, one last slow call, then the catalog."""
        slowest = max(
            settings.SPOTIFY_CONNECT_TIMEOUT + settings.SPOTIFY_READ_TIMEOUT,
            settings.PROVIDER_CONNECT_TIMEOUT + settings.PROVIDER_READ_TIMEOUT,
        )
        return settings.PROVIDER_CHAIN_BUDGET + slowest + 1

    def _ask(self, provider: Provider, query: str, limit: int, started: float) -> list[Track]:
        breaker = self.breakers[provider.name]
        if not provider.local and time.monotonic() - started >= settings.PROVIDER_CHAIN_BUDGET:
            PROVIDER_SEARCHES.labels(provider.name, "budget").inc()
            raise ProviderUnavailable(f"{provider.name}: no quedaba tiempo para consultarlo.", kind="budget")
        if not breaker.allow():
            PROVIDER_SEARCHES.labels(provider.name, "breaker_open").inc()
            retry_after = math.ceil(breaker.retry_in()) or None
            raise ProviderUnavailable(
                f"{provider.name} no está disponible ahora.", retry_after=retry_after, kind="breaker_open"
            )
        try:
            tracks = observed_search(provider, query, limit)
        except ProviderUnavailable as exc:
            if exc.kind in ("rate_limited", "limiter"):
                breaker.trip(exc.retry_after or settings.PROVIDER_BREAKER_COOLDOWN)
            else:
                breaker.record_failure()
            breaker_changed(provider.name, breaker)
            raise
        breaker.record_success()
        breaker_changed(provider.name, breaker)
        return tracks

    def search(self, query: str, limit: int) -> ChainAnswer:
        """Raises the first provider's ProviderUnavailable when no provider answered."""
        started = time.monotonic()
        failed: list[str] = []
        errors: list[ProviderUnavailable] = []
        last_asked = None
        for provider in self.providers:
            try:
                tracks = self._ask(provider, query, limit, started)
            except ProviderUnavailable as exc:
                failed.append(provider.name)
                errors.append(exc)
                continue
            last_asked = provider.name
            if tracks:
                if failed:
                    logger.info("provider failover", extra={"provider": provider.name, "failed": failed})
                return ChainAnswer(provider.name, tracks, tuple(failed))
        if last_asked is None:
            raise errors[0]
        return ChainAnswer(last_asked, [], tuple(failed))

    def status(self, *, check_ready: bool = False) -> list[dict]:
        """Each provider's breaker and, with ``check_ready``, whether it can answer now."""
        rows = []
        for provider in self.providers:
            breaker = self.breakers[provider.name]
            row = {"name": provider.name, "state": breaker.state, "retry_in": math.ceil(breaker.retry_in())}
            if check_ready:
                row["ready"] = breaker.state != "open" and provider.is_ready()
            rows.append(row)
        return rows
