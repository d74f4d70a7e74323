"""The Idempotency-Key header of POST /notas (notes/idempotency.py)."""

from musica_kit.env import env_int

# How long a completed key is replayed (and kept: expired keys are deleted).
IDEMPOTENCY_KEY_TTL_HOURS = env_int("IDEMPOTENCY_KEY_TTL_HOURS", 24)
# A key still "in progress" after this long was left by a crashed request and may be taken over.
# Twice gunicorn's 30 s worker timeout: no live request runs that long.
IDEMPOTENCY_LEASE_SECONDS = env_int("IDEMPOTENCY_LEASE_SECONDS", 60)
