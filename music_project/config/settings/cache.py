"""Django's cache: Redis when REDIS_URL is set (shared by all replicas), else local memory."""

from musica_kit.env import env_int
from musica_kit.settings.cache import cache_settings

# Without Redis, the process's memory: music runs one worker then (gunicorn.conf.py).
globals().update(
    cache_settings(
        default_prefix="music",
        without_redis={
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "music",
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        },
    )
)

SEARCH_CACHE_TTL = env_int("SEARCH_CACHE_TTL", 24 * 60 * 60)
SEARCH_CACHE_EMPTY_TTL = env_int("SEARCH_CACHE_EMPTY_TTL", 10 * 60)
# The longest max-age a /search answer tells its client (auth_service) to reuse it for, in seconds:
# never longer than the answer stays in the result cache above; 0: every answer is no-store.
SEARCH_HTTP_MAX_AGE = env_int("SEARCH_HTTP_MAX_AGE", 60 * 60)
