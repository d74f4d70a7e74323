"""Django's cache, shared by every worker and replica: Redis when REDIS_URL is set, else a table
in the service's own database (DatabaseCache), never local memory.

Nothing in auth_service uses the cache itself today: the rate limiter (config/ratelimit.py) uses
the Redis connection django-redis keeps for this alias, and its own table without Redis. The
table is created by a migration (config/migrations/0001_cache_table.py), so every ``migrate``
(scripts/run, the container entrypoint, the tests) creates it. The default alias is the shared
one, so any cache use added later is shared by every worker and replica.
"""

from musica_kit.env import env_str

DATABASE_CACHE_TABLE = "musica_cache"  # must match config/migrations/0001_cache_table.py

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    # Redis fails open: an outage degrades to "no cache", logged, never a 500 (the limiter counts in
    # its database then). Every key goes under REDIS_KEY_PREFIX, so services (and test runs) can
    # share one Redis database.
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("REDIS_KEY_PREFIX", "auth"),
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1, "IGNORE_EXCEPTIONS": True},
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": DATABASE_CACHE_TABLE,
            "KEY_PREFIX": "auth",
            # Past MAX_ENTRIES Django culls a third of the rows, live windows included: keep it
            # far above the number of clients and users counted at once (default 300).
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    }
