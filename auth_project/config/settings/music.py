"""How auth_service reaches music_service (notes.music_client), enrichment and idempotency keys."""

from django.core.exceptions import ImproperlyConfigured

from musica_kit.env import env_float, env_int, env_str

MUSIC_SERVICE_URL = env_str("MUSIC_SERVICE_URL", "http://localhost:5001").rstrip("/")
MUSIC_SERVICE_TOKEN = env_str("MUSIC_SERVICE_TOKEN")
MUSIC_CONNECT_TIMEOUT = env_float("MUSIC_CONNECT_TIMEOUT", 1.0)
MUSIC_READ_TIMEOUT = env_float("MUSIC_READ_TIMEOUT", 3.0)  # bounds how long a note waits for music
# One keep-alive connection per gunicorn thread.
MUSIC_POOL_SIZE = env_int("MUSIC_POOL_SIZE", 32)
MUSIC_BREAKER_THRESHOLD = env_int("MUSIC_BREAKER_THRESHOLD", 3)
MUSIC_BREAKER_COOLDOWN = env_float("MUSIC_BREAKER_COOLDOWN", 5.0)
# Renewing the pool lets new music replicas get connections.
MUSIC_SESSION_MAX_REQUESTS = env_int("MUSIC_SESSION_MAX_REQUESTS", 10)
# music's answers kept per process as its Cache-Control allows (0: none).
MUSIC_HTTP_CACHE_ENTRIES = env_int("MUSIC_HTTP_CACHE_ENTRIES", 1000)

# sync: the 201 carries the photo; async: the runner enriches; off: never call.
ENRICHMENT_MODE = env_str("ENRICHMENT_MODE", "sync").lower()
if ENRICHMENT_MODE not in {"sync", "async", "off"}:
    raise ImproperlyConfigured(f"ENRICHMENT_MODE must be sync, async or off, not {ENRICHMENT_MODE!r}")
ENRICH_BATCH_SIZE = env_int("ENRICH_BATCH_SIZE", 50)
# A few of music's 64 threads: a runner catching up leaves the rest to sync notes.
ENRICH_CONCURRENCY = env_int("ENRICH_CONCURRENCY", 4)
ENRICH_INTERVAL = env_float("ENRICH_INTERVAL", 2.0)
ENRICH_MAX_BACKOFF = env_int("ENRICH_MAX_BACKOFF", 30)
# Seconds after the first "incompleta" answer (and 5 attempts) before a note ends "sin_resultados".
ENRICH_GIVE_UP_AFTER = env_int("ENRICH_GIVE_UP_AFTER", 86400)
# Touched by the runner (--loop) on every pass, for healthchecks.
ENRICH_HEARTBEAT_FILE = env_str("ENRICH_HEARTBEAT_FILE")
ENRICH_METRICS_PORT = env_int("ENRICH_METRICS_PORT", 5002)

IDEMPOTENCY_KEY_TTL_HOURS = env_int("IDEMPOTENCY_KEY_TTL_HOURS", 24)
# Twice gunicorn's worker timeout: a key "in progress" longer was left by a crash.
IDEMPOTENCY_LEASE_SECONDS = env_int("IDEMPOTENCY_LEASE_SECONDS", 60)
