"""Django's cache: local memory by default, Redis when REDIS_URL is set (shared by all replicas)."""

from musica_kit.env import env_int, env_str
from musica_kit.settings.cache import redis_cache

REDIS_URL = env_str("REDIS_URL")

if REDIS_URL:
    CACHES = {"default": redis_cache(url=REDIS_URL, default_prefix="music")}
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
