"""The provider chain: ask each provider in MUSIC_PROVIDERS order until one has a match.

- A provider that fails (timeout, refused connection, 5xx, 429, its rate limiter exhausted, an error
  inside a normal-looking answer) is skipped for this search and feeds its own breaker; while the
  breaker is open it is skipped without being asked. 429s and exhausted limiters open it at once,
  for the time the provider asked for.
- A match from any provider is the answer (``source`` = that provider).
- A miss is final only when no provider failed: every one was asked and none matched. When one
  failed, the answer says so (``failed``): music_service then answers 503, and auth_service keeps
  the note ``pendiente`` to try again later (search.services, search.views).
- Once the search has spent PROVIDER_CHAIN_BUDGET seconds, the network providers left are skipped
  (as failed); a local one (the offline catalog) is still asked.
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

_AT_ONCE = ("rate_limited", "limiter")


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
    def names(self) -> tuple[str, ...]:
        return tuple(provider.name for provider in self.providers)

    @property
    def key(self) -> str:
        """Identifies the chain in cache keys: another order may give another answer."""
        return ",".join(self.names)

    @property
    def first_available(self) -> str:
        """The provider that would be asked first now: the first whose breaker is not open."""
        return next(
            (p.name for p in self.providers if self.breakers[p.name].state != "open"), self.providers[0].name
        )

    def max_seconds(self) -> float:
        """The longest one search can take (budget, then one last slow call, then the catalog)."""
        slowest = max(
            settings.SPOTIFY_CONNECT_TIMEOUT + settings.SPOTIFY_READ_TIMEOUT,
            settings.PROVIDER_CONNECT_TIMEOUT + settings.PROVIDER_READ_TIMEOUT,
        )
        return settings.PROVIDER_CHAIN_BUDGET + slowest + 1

    def _fail(self, provider: Provider, exc: ProviderUnavailable) -> None:
        breaker = self.breakers[provider.name]
        if exc.kind in _AT_ONCE:
            breaker.trip(exc.retry_after or settings.PROVIDER_BREAKER_COOLDOWN)
        else:
            breaker.record_failure()
        breaker_changed(provider.name, breaker)

    def search(self, query: str, limit: int) -> ChainAnswer:
        """Raises ProviderUnavailable (the first provider's failure) when no provider answered."""
        started = time.monotonic()
        failed: list[str] = []
        errors: list[ProviderUnavailable] = []
        last_asked = None
        for provider in self.providers:
            breaker = self.breakers[provider.name]
            if not provider.local and time.monotonic() - started >= settings.PROVIDER_CHAIN_BUDGET:
                failed.append(provider.name)
                errors.append(ProviderUnavailable(f"{provider.name} skipped: no time left", kind="budget"))
                PROVIDER_SEARCHES.labels(provider.name, "budget").inc()
                continue
            if not breaker.allow():
                failed.append(provider.name)
                PROVIDER_SEARCHES.labels(provider.name, "breaker_open").inc()
                errors.append(
                    ProviderUnavailable(
                        f"{provider.name} breaker open",
                        retry_after=math.ceil(breaker.retry_in()) or None,
                        kind="breaker_open",
                    )
                )
                continue
            try:
                tracks = observed_search(provider, query, limit)
            except ProviderUnavailable as exc:
                self._fail(provider, exc)
                failed.append(provider.name)
                errors.append(exc)
                continue
            breaker.record_success()
            breaker_changed(provider.name, breaker)
            last_asked = provider.name
            if tracks:
                if failed:
                    logger.info("provider failover", extra={"provider": provider.name, "failed": failed})
                return ChainAnswer(provider.name, tracks, tuple(failed))
        if last_asked is None:
            raise errors[0]
        return ChainAnswer(last_asked, [], tuple(failed))

    def status(self, *, check_ready: bool = False) -> list[dict]:
        """Each provider's breaker (and, with ``check_ready``, whether it can answer now)."""
        rows = []
        for provider in self.providers:
            breaker = self.breakers[provider.name]
            row = {"name": provider.name, "state": breaker.state, "retry_in": math.ceil(breaker.retry_in())}
            if check_ready:
                row["ready"] = breaker.state != "open" and provider.is_ready()
            rows.append(row)
        return rows
