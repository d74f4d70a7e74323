"""DATABASE_URL (dj-database-url); SQLite notas.db by default, tuned for several writers."""

import dj_database_url

from musica_kit.env import env_int, env_str

from .base import BASE_DIR

DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'notas.db'}"

# Persistent connections (one per gunicorn thread) for every database. On SQLite, one per request
# would re-run the pragmas and checkpoint the WAL at each close (docs/benchmarks.md has the figures).
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the writer; IMMEDIATE takes the write lock at BEGIN, so two
    # workers queue on busy_timeout instead of failing with "database is locked" mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
