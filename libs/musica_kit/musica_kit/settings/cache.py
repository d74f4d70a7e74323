"""Django's cache for a service: Redis when REDIS_URL is set, else what the service chooses."""

from musica_kit.env import env_str


def cache_settings(*, default_prefix: str, without_redis: dict) -> dict:
    """CACHES (and django-redis' logging switch). With REDIS_URL: Redis, failing open — an outage
    degrades to "no cache", logged, never a 500 (auth's limiter counts in its database then) — with every key
    under REDIS_KEY_PREFIX, so services (and test runs) can share one Redis database. Without it:
    ``without_redis``, the service's own choice."""
    url = env_str("REDIS_URL")
    if not url:
        return {"REDIS_URL": "", "CACHES": {"default": without_redis}}
    return {
        "REDIS_URL": url,
        "CACHES": {
            "default": {
                "BACKEND": "django_redis.cache.RedisCache",
                "LOCATION": url,
                "KEY_PREFIX": env_str("REDIS_KEY_PREFIX", default_prefix),
                "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1, "IGNORE_EXCEPTIONS": True},
            }
        },
        "DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS": True,
    }
