"""The Redis cache both services use when REDIS_URL is set."""

from musica_kit.env import env_str


def redis_cache(*, url: str, default_prefix: str) -> dict:
    """A ``CACHES["default"]`` on Redis that fails open: a Redis outage degrades to "no cache" (and
    throttles that do not count), logged, never a 500. Every key starts with REDIS_KEY_PREFIX, so
    services (and test runs) can share one Redis database."""
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": env_str("REDIS_KEY_PREFIX", default_prefix),
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1, "IGNORE_EXCEPTIONS": True},
    }
