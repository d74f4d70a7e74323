"""The rate limiter's stores (config/ratelimit.py): the window opens at its first request and lasts
the period, Retry-After is the time it has left, each hit is one atomic statement (SQL) or script
(Redis), stale rows are purged, and an unreachable Redis falls back to the database. The SQL store
runs on the suite's database: SQLite, or PostgreSQL with TEST_DATABASE_URL."""

import logging
import os
import threading
import types
from urllib.parse import urlsplit

import pytest
import redis
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config import ratelimit
from config.models import RateLimitWindow
from tests.support.processes import free_port
from tests.support.redis_keys import delete_prefixed, unique_prefix
from tests.support.waiting import wait_until

START = 1_800_000_000.0 + 59.5  # half a second before a minute turns


@pytest.fixture
def clock(monkeypatch):
    """The limiter's clock, moved by hand."""
    fake = types.SimpleNamespace(now=START)
    monkeypatch.setattr(
        ratelimit, "time", types.SimpleNamespace(time=lambda: fake.now, monotonic=lambda: fake.now)
    )
    monkeypatch.setattr(ratelimit, "_next_purge", 0.0)
    monkeypatch.setattr(ratelimit, "_next_warning", 0.0)
    return fake


def set_rates(settings, **rates):
    merged = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **rates}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": merged}


@pytest.fixture
def three_a_minute(settings):
    set_rates(settings, login="3/min")


@pytest.mark.django_db
def test_the_window_opens_at_the_first_request_and_lasts_the_period(three_a_minute, clock):
    assert ratelimit.hit("login", "10.0.0.1") == (True, 60)
    clock.now += 1  # the minute turns: the window does not
    assert ratelimit.hit("login", "10.0.0.1") == (True, 59)
    assert ratelimit.hit("login", "10.0.0.1") == (True, 59)
    clock.now += 10.2
    assert ratelimit.hit("login", "10.0.0.1") == (False, 49)  # 48.8 s left, rounded up
    clock.now += 48.5
    assert ratelimit.hit("login", "10.0.0.1") == (False, 1)  # 0.3 s left: never 0
    clock.now += 0.3  # the window has ended: a new one opens at this request
    assert ratelimit.hit("login", "10.0.0.1") == (True, 60)
    row = RateLimitWindow.objects.get(key="login:10.0.0.1")
    assert (row.hits, row.ends_at) == (1, clock.now + 60)


@pytest.mark.django_db
def test_refused_requests_do_not_extend_the_window(three_a_minute, clock):
    for _ in range(3):
        assert ratelimit.hit("login", "10.0.0.2")[0]
    for _ in range(20):
        clock.now += 2
        allowed, _retry_after = ratelimit.hit("login", "10.0.0.2")
        assert not allowed
    clock.now += 20  # 60 s after the first request
    assert ratelimit.hit("login", "10.0.0.2") == (True, 60)


@pytest.mark.django_db
def test_each_scope_and_ident_has_its_own_window(settings, clock):
    set_rates(settings, login="1/min", register="1/hour")
    assert ratelimit.hit("login", "10.0.0.3")[0]
    assert not ratelimit.hit("login", "10.0.0.3")[0]
    assert ratelimit.hit("login", "10.0.0.4")[0]
    assert ratelimit.hit("register", "10.0.0.3") == (True, 3600)
    assert ratelimit.hit("register", "10.0.0.3") == (False, 3600)


@pytest.mark.django_db
def test_a_rate_that_is_off_counts_nothing(settings, clock):
    set_rates(settings, notes_write=None)  # NOTES_WRITE_RATE=off
    for _ in range(50):
        assert ratelimit.hit("notes_write", "7") == (True, 0)
    assert not RateLimitWindow.objects.exists()


@pytest.mark.django_db
def test_a_hit_is_one_statement_that_counts_and_answers(three_a_minute, clock):
    ratelimit.hit("login", "10.0.0.5")  # the first hit of the process's minute also purges
    with CaptureQueriesContext(connection) as queries:
        ratelimit.hit("login", "10.0.0.5")
    assert len(queries) == 1, [q["sql"] for q in queries]
    sql = queries[0]["sql"].upper()
    assert "ON CONFLICT" in sql and "RETURNING" in sql


@pytest.mark.django_db
def test_expired_rows_are_deleted_by_the_hits_at_most_once_a_minute(three_a_minute, clock):
    for ident in ("10.0.0.6", "10.0.0.7"):
        ratelimit.hit("login", ident)
    clock.now += 61  # both windows have ended
    with CaptureQueriesContext(connection) as queries:
        ratelimit.hit("login", "10.0.0.8")
    assert len(queries) == 2  # the purge, then the hit
    assert set(RateLimitWindow.objects.values_list("key", flat=True)) == {"login:10.0.0.8"}
    clock.now += 30  # within the minute: no purge
    with CaptureQueriesContext(connection) as queries:
        ratelimit.hit("login", "10.0.0.9")
    assert len(queries) == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(120)
def test_hits_released_together_are_each_counted_once(settings):
    """16 threads, each its own database connection, released together: exactly 5 allowed."""
    set_rates(settings, login="5/min")
    barrier = threading.Barrier(16, timeout=30)
    answers, lock = [], threading.Lock()

    def attempt():
        try:
            barrier.wait()
            answer = ratelimit.hit("login", "10.0.0.10")
            with lock:
                answers.append(answer[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(answers) == [False] * 11 + [True] * 5
    assert RateLimitWindow.objects.get(key="login:10.0.0.10").hits == 16


# --- Redis ---------------------------------------------------------------------------------------


def _redis_cache(url: str, prefix: str) -> dict:
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": prefix,
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1, "IGNORE_EXCEPTIONS": True},
        }
    }


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
    settings.REDIS_URL = url
    settings.CACHES = _redis_cache(url, prefix)
    yield store, prefix
    delete_prefixed(store, prefix)


def test_redis_counts_one_window_under_the_key_prefix(three_a_minute, live_redis):
    store, prefix = live_redis
    for _ in range(3):
        allowed, retry_after = ratelimit.hit("login", "10.0.1.1")
        assert allowed and 59 <= retry_after <= 60
    allowed, retry_after = ratelimit.hit("login", "10.0.1.1")
    assert not allowed and 1 <= retry_after <= 60
    key = f"{prefix}:1:ratelimit:login:10.0.1.1"
    assert int(store.get(key)) == 4
    assert 0 < store.pttl(key) <= 60_000  # the window's end was set by its first request
    assert ratelimit.hit("login", "10.0.1.2")[0]  # another address, another window
    store.pexpire(key, 1)  # the window ends
    wait_until(lambda: not store.exists(key), timeout=10, message="the window did not end")
    assert ratelimit.hit("login", "10.0.1.1")[0]
    assert int(store.get(key)) == 1 and store.pttl(key) > 0


def test_a_redis_key_left_without_an_expiry_gets_one(three_a_minute, live_redis):
    """A key that somehow has no expiry (written by hand, restored from a dump) must not lock its
    client out for ever: the next hit gives it the period."""
    store, prefix = live_redis
    key = f"{prefix}:1:ratelimit:login:10.0.1.3"
    store.set(key, 10)
    allowed, retry_after = ratelimit.hit("login", "10.0.1.3")
    assert not allowed and retry_after == 60
    assert 0 < store.pttl(key) <= 60_000


@pytest.mark.django_db
def test_with_redis_unreachable_the_database_counts_and_a_warning_says_so(
    settings, three_a_minute, clock, caplog
):
    secret = "s3cr3t-redis-password"
    url = f"redis://:{secret}@127.0.0.1:{free_port()}/0"  # nothing listens there
    settings.REDIS_URL = url
    settings.CACHES = _redis_cache(url, unique_prefix("down"))
    with caplog.at_level(logging.WARNING, logger="config.ratelimit"):
        answers = [ratelimit.hit("login", "10.0.2.1")[0] for _ in range(5)]
    assert answers == [True, True, True, False, False]  # limited, never let through
    assert RateLimitWindow.objects.get(key="login:10.0.2.1").hits == 5
    warnings = [r for r in caplog.records if r.name == "config.ratelimit"]
    assert len(warnings) == 1 and warnings[0].levelno == logging.WARNING  # once a minute, not per hit
    assert "Redis unreachable" in warnings[0].getMessage()
    logged = caplog.text + str(warnings[0].__dict__)
    assert secret not in logged and str(urlsplit(url).port) not in logged
    clock.now += 61
    with caplog.at_level(logging.WARNING, logger="config.ratelimit"):
        ratelimit.hit("login", "10.0.2.1")
    assert len([r for r in caplog.records if r.name == "config.ratelimit"]) == 2
