"""music's metrics; labels are provider names and fixed outcomes, never a query."""

from prometheus_client import Counter, Gauge, Histogram

PROVIDER_SEARCHES = Counter(
    "musica_provider_searches_total",
    "Provider searches by outcome: match, miss, or why it could not answer (timeout, rate_limited, "
    "limiter: the shared rate limiter refused without waiting, breaker_open, budget, ...).",
    ["provider", "outcome"],
)
PROVIDER_LATENCY = Histogram(
    "musica_provider_request_duration_seconds",
    "Time a provider took to answer (or fail), by provider.",
    ["provider"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 1.5, 2.5, 5),
)
BREAKER_OPEN_UNTIL = Gauge(
    "musica_provider_breaker_open_until_seconds",
    "Unix time until which a provider's breaker stays open (0: closed); max over live workers.",
    ["provider"],
    multiprocess_mode="livemax",  # each worker keeps its own breakers
)
SEARCH_CACHE = Counter(
    "musica_search_cache_total", "/search answers from the result cache: hit or miss.", ["result"]
)
