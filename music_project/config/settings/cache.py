"""Django's cache: Redis with REDIS_URL (shared by replicas), else the process's memory (one worker)."""

from musica_kit.env import env_int, env_str

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    # Fails open: a Redis outage means no cache, logged, never a 500.
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("REDIS_KEY_PREFIX", "music"),
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1, "IGNORE_EXCEPTIONS": True},
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "music",
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    }

SEARCH_CACHE_TTL = env_int("SEARCH_CACHE_TTL", 24 * 60 * 60)
SEARCH_CACHE_EMPTY_TTL = env_int("SEARCH_CACHE_EMPTY_TTL", 10 * 60)
# The longest max-age a /search answer gives its caller (0: always no-store).
SEARCH_HTTP_MAX_AGE = env_int("SEARCH_HTTP_MAX_AGE", 60 * 60)
