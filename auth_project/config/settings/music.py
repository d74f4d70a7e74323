"""How auth_service reaches music_service (notes.music_client), enrichment and idempotency keys."""

from django.core.exceptions import ImproperlyConfigured

from musica_kit.env import env_float, env_int, env_str

MUSIC_SERVICE_URL = env_str("MUSIC_SERVICE_URL", "http://localhost:5001").rstrip("/")
MUSIC_SERVICE_TOKEN = env_str("MUSIC_SERVICE_TOKEN")
MUSIC_CONNECT_TIMEOUT = env_float("MUSIC_CONNECT_TIMEOUT", 1.0)
MUSIC_READ_TIMEOUT = env_float("MUSIC_READ_TIMEOUT", 3.0)  # bounds how long a note waits for music
# Keep-alive connections per process: one per gunicorn thread (32), so none opens its own.
MUSIC_POOL_SIZE = env_int("MUSIC_POOL_SIZE", 32)
# This many failures in a row open the breaker (musica_kit.breaker) for the cooldown (seconds).
MUSIC_BREAKER_THRESHOLD = env_int("MUSIC_BREAKER_THRESHOLD", 3)
MUSIC_BREAKER_COOLDOWN = env_float("MUSIC_BREAKER_COOLDOWN", 5.0)
# Renew the keep-alive pool after this many requests, so new music replicas get connections.
MUSIC_SESSION_MAX_REQUESTS = env_int("MUSIC_SESSION_MAX_REQUESTS", 10)
# music's answers reused as its Cache-Control allows: at most this many per process (0: none).
MUSIC_HTTP_CACHE_ENTRIES = env_int("MUSIC_HTTP_CACHE_ENTRIES", 1000)

# sync: the 201 carries the photo; async: save "pendiente" and let the runner enrich; off: never call.
ENRICHMENT_MODE = env_str("ENRICHMENT_MODE", "sync").lower()
if ENRICHMENT_MODE not in {"sync", "async", "off"}:
    raise ImproperlyConfigured(f"ENRICHMENT_MODE must be sync, async or off, not {ENRICHMENT_MODE!r}")
ENRICH_BATCH_SIZE = env_int("ENRICH_BATCH_SIZE", 50)
# Notes the runner looks up at once: a few of music's 64 threads, so a runner catching up never
# takes every thread from the sync notes' searches.
ENRICH_CONCURRENCY = env_int("ENRICH_CONCURRENCY", 4)
ENRICH_INTERVAL = env_float("ENRICH_INTERVAL", 2.0)
ENRICH_MAX_BACKOFF = env_int("ENRICH_MAX_BACKOFF", 30)
# A song music keeps answering "incompleta" for ends "sin_resultados" this many seconds after the
# first such answer (and 5 such attempts at least).
ENRICH_GIVE_UP_AFTER = env_int("ENRICH_GIVE_UP_AFTER", 86400)
# The runner (--loop) touches this file on every pass; healthchecks read its age. Empty: none.
ENRICH_HEARTBEAT_FILE = env_str("ENRICH_HEARTBEAT_FILE")
# The runner (--loop) serves its own /metrics on this port when METRICS_TOKEN is set.
ENRICH_METRICS_PORT = env_int("ENRICH_METRICS_PORT", 5002)

# How long a completed Idempotency-Key of POST /notas is replayed (and kept).
IDEMPOTENCY_KEY_TTL_HOURS = env_int("IDEMPOTENCY_KEY_TTL_HOURS", 24)
# A key still "in progress" after this long was left by a crashed request and may be taken over:
# twice gunicorn's 30 s worker timeout.
IDEMPOTENCY_LEASE_SECONDS = env_int("IDEMPOTENCY_LEASE_SECONDS", 60)
