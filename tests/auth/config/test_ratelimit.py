"""The rate limiter: a window opens at its first hit and lasts the period, Retry-After is what is left, hits
released together count once, expired rows go. SQL on the suite's database (SQLite or PostgreSQL)."""

import itertools
import os
import threading
import types
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest
import redis
from django.db import connection

from config import ratelimit
from config.models import RateLimitWindow
from tests.support.redis_keys import delete_prefixed, unique_prefix

pytestmark = pytest.mark.django_db

# Each test's clock starts past the previous one's, so its first hit purges and may warn.
STARTS = itertools.count(2_000_000_000 + 59.5, 100_000)  # half a second before a minute turns


@pytest.fixture
def clock(monkeypatch):  # the limiter's clock, moved by hand
    fake = types.SimpleNamespace(now=next(STARTS))
    clock = types.SimpleNamespace(time=lambda: fake.now, monotonic=lambda: fake.now)
    monkeypatch.setattr(ratelimit, "time", clock)
    return fake


def test_the_window_opens_at_the_first_request_and_refused_requests_do_not_extend_it(rates, clock):
    rates(login="3/min")
    assert ratelimit.hit("login", "10.0.0.1") == (True, 60)
    clock.now += 1  # the minute turns: the window does not
    assert ratelimit.hit("login", "10.0.0.1") == (True, 59)
    assert ratelimit.hit("login", "10.0.0.1") == (True, 59)
    clock.now += 10.25
    assert ratelimit.hit("login", "10.0.0.1") == (False, 49)  # 48.75 s left, rounded up
    for _ in range(24):
        clock.now += 2
        assert not ratelimit.hit("login", "10.0.0.1")[0]
    assert ratelimit.hit("login", "10.0.0.1") == (False, 1)  # 0.75 s left: never 0
    clock.now += 0.75  # the window has ended: a new one opens at this request
    assert ratelimit.hit("login", "10.0.0.1") == (True, 60)
    row = RateLimitWindow.objects.get(key="login:10.0.0.1")
    assert (row.hits, row.ends_at) == (1, clock.now + 60)


def test_each_scope_and_ident_has_its_own_window_and_a_rate_that_is_off_counts_nothing(rates, clock):
    rates(login="1/min", register="1/hour", notes_write=None)  # NOTES_WRITE_RATE=off
    assert ratelimit.hit("login", "10.0.0.3")[0]
    assert not ratelimit.hit("login", "10.0.0.3")[0]
    assert ratelimit.hit("login", "10.0.0.4")[0]
    assert ratelimit.hit("register", "10.0.0.3") == (True, 3600)
    assert ratelimit.hit("register", "10.0.0.3") == (False, 3600)
    for _ in range(50):
        assert ratelimit.hit("notes_write", "7") == (True, 0)
    assert not RateLimitWindow.objects.filter(key__startswith="notes_write").exists()


def test_expired_rows_are_deleted_by_the_hits_at_most_once_a_minute(rates, clock):
    rates(login="3/s")
    keys = RateLimitWindow.objects.values_list("key", flat=True)
    ratelimit.hit("login", "a")  # the first hit of the minute purges, then counts
    clock.now += 2  # a's window has ended, but the minute has not
    ratelimit.hit("login", "b")
    assert set(keys.all()) == {"login:a", "login:b"}
    clock.now += 60
    ratelimit.hit("login", "c")
    assert set(keys.all()) == {"login:c"}


@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(120)
def test_hits_released_together_are_each_counted_once(rates):
    """16 threads, each its own database connection, released together: exactly 5 allowed."""
    rates(login="5/min")
    barrier = threading.Barrier(16, timeout=30)

    def attempt(_):
        try:
            barrier.wait()
            return ratelimit.hit("login", "10.0.0.10")[0]
        finally:
            connection.close()

    with ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(attempt, range(16), timeout=60))
    assert sorted(answers) == [False] * 11 + [True] * 5
    assert RateLimitWindow.objects.get(key="login:10.0.0.10").hits == 16


@pytest.fixture
def live_redis(settings):
    base = urlsplit(os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/0")
    url = f"redis://{base.hostname or '127.0.0.1'}:{base.port or 6379}/13"
    store = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=5)
    try:
        store.ping()
    except redis.RedisError as exc:
        pytest.skip(f"no Redis at {url} ({exc}); set TEST_REDIS_URL")
    prefix = unique_prefix("ratelimit")
    backend = {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": url, "KEY_PREFIX": prefix}
    settings.REDIS_URL = url
    settings.CACHES = {"default": {**backend, "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1}}}
    yield store, prefix
    delete_prefixed(store, prefix)


def test_redis_counts_under_the_key_prefix_and_a_key_left_without_an_expiry_gets_one(rates, live_redis):
    """Under bursts, and with Redis down: tests/e2e/test_security_bursts.py."""
    rates(login="3/min")
    store, prefix = live_redis
    allowed, retry_after = ratelimit.hit("login", "10.0.1.1")
    assert allowed and 59 <= retry_after <= 60
    key = f"{prefix}:1:ratelimit:login:10.0.1.1"
    assert int(store.get(key)) == 1 and 0 < store.pttl(key) <= 60_000  # its first request set the end
    store.set(key, 10)  # no expiry (written by hand, restored from a dump): must not lock out for ever
    assert ratelimit.hit("login", "10.0.1.1") == (False, 60)
    assert 0 < store.pttl(key) <= 60_000
