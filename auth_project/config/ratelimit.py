"""The rate limiter behind every limit: one atomic operation per request (Redis, else one SQL upsert),
as DRF's read-append-write throttles miscount concurrent requests (DRF #5181)."""

import logging
import math
import time

import redis
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django_redis import get_redis_connection
from prometheus_client import Counter
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle, ScopedRateThrottle

logger = logging.getLogger(__name__)

EVERY = 60.0  # seconds between purges of expired rows, and between warnings of a Redis outage

# Only a new window (INCR made the key, without expiry) sets its end.
REDIS_HIT = """
local hits = redis.call('INCR', KEYS[1])
local ms_left = redis.call('PTTL', KEYS[1])
if ms_left < 0 then
    redis.call('PEXPIRE', KEYS[1], ARGV[1])
    ms_left = tonumber(ARGV[1])
end
return {hits, ms_left}
"""

# SET's right-hand sides all read the row as before the update (PostgreSQL and SQLite agree).
SQL_HIT = """
INSERT INTO musica_ratelimit ("key", hits, ends_at) VALUES (%s, 1, %s)
ON CONFLICT ("key") DO UPDATE SET
    hits = CASE WHEN musica_ratelimit.ends_at <= %s THEN 1 ELSE musica_ratelimit.hits + 1 END,
    ends_at = CASE WHEN musica_ratelimit.ends_at <= %s THEN excluded.ends_at ELSE musica_ratelimit.ends_at END
RETURNING hits, ends_at
"""
SQL_PURGE = "DELETE FROM musica_ratelimit WHERE ends_at <= %s"

RATE_LIMITED = Counter("musica_rate_limited_total", "Requests refused with 429, by limit.", ["limit"])
_next_purge = 0.0
_next_warning = 0.0


def client_address(request) -> str:
    """As DRF's throttles take it (NUM_PROXIES), on a plain Django request too."""
    return BaseThrottle().get_ident(request)


def hit(scope: str, ident: str) -> tuple[bool, int]:
    """(allowed, seconds until the window ends); call it outside any transaction."""
    allowed, period = ScopedRateThrottle().parse_rate(api_settings.DEFAULT_THROTTLE_RATES[scope])
    if allowed is None:  # the rate is off
        return True, 0
    hits, seconds_left = _count(f"{scope}:{ident}", period)
    if hits > allowed:
        RATE_LIMITED.labels(scope).inc()
    return hits <= allowed, max(1, math.ceil(seconds_left))


def _count(key: str, period: int) -> tuple[int, float]:
    global _next_warning
    if settings.REDIS_URL:
        try:
            cache_key = caches["default"].make_key(f"ratelimit:{key}")  # under REDIS_KEY_PREFIX
            hits, ms_left = get_redis_connection("default").eval(REDIS_HIT, 1, cache_key, period * 1000)
            return hits, ms_left / 1000
        except redis.RedisError as exc:
            now = time.monotonic()
            if now >= _next_warning:
                _next_warning = now + EVERY
                # The class only: the text may carry the URL's password.
                logger.warning(
                    "rate limiter: Redis unreachable, counting in the database",
                    extra={"error": type(exc).__name__},
                )
    return _sql_count(key, period)


def _sql_count(key: str, period: int) -> tuple[int, float]:
    global _next_purge
    now = time.time()
    with connection.cursor() as cursor:
        if now >= _next_purge:
            _next_purge = now + EVERY
            cursor.execute(SQL_PURGE, [now])
        cursor.execute(SQL_HIT, [key, now + period, now, now])
        hits, ends_at = cursor.fetchone()
    return hits, ends_at - now
