"""The database (DATABASE_URL; SQLite notas.db by default) and Django's cache."""

import dj_database_url

from musica_kit.env import env_int, env_str

from .base import BASE_DIR

DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'notas.db'}"
# Persistent: on SQLite each new connection re-runs the pragmas and checkpoints the WAL on close.
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE locks at BEGIN: writers queue instead of failing "database is locked" mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# Shared by every worker and replica: Redis, else a table (config/migrations/0001_cache_table.py).
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    # Fails open: an outage degrades to "no cache", logged, never a 500.
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
            "LOCATION": "musica_cache",
            "KEY_PREFIX": "auth",
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    }
