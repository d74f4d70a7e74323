"""Django's cache: Redis when REDIS_URL is set (shared by all replicas), else local memory."""

from musica_kit.env import env_int, env_str

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    # Redis fails open: an outage degrades to "no cache", logged, never a 500. Every key
    # goes under REDIS_KEY_PREFIX, so services (and test runs) can share one Redis database.
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
    # The process's memory: music runs one worker then (gunicorn.conf.py).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "music",
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    }

SEARCH_CACHE_TTL = env_int("SEARCH_CACHE_TTL", 24 * 60 * 60)
SEARCH_CACHE_EMPTY_TTL = env_int("SEARCH_CACHE_EMPTY_TTL", 10 * 60)
# The longest max-age a /search answer tells its client (auth_service) to reuse it for, in seconds:
# never longer than the answer stays in the result cache above; 0: every answer is no-store.
SEARCH_HTTP_MAX_AGE = env_int("SEARCH_HTTP_MAX_AGE", 60 * 60)
