"""Brute force against a live auth_service with two gunicorn workers counting on one Redis.

Login and register are throttled per client address. With REDIS_URL the counters live in Redis,
so the limit holds whichever worker answers; the test reads the counter there to prove it.
Each test talks from its own loopback address (127.x.y.z), and the service writes under a key prefix
of this run's own (REDIS_KEY_PREFIX), so its window is its own even when another run of this suite
shares the Redis; the run's keys are deleted afterwards (never the whole database).
Needs a Redis (TEST_REDIS_URL, else 127.0.0.1:6379); only without one is it skipped.
"""

import http.client
import json
import os
import pickle
import random
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
import redis

from tests.support.processes import auth_process, free_port
from tests.support.redis_keys import delete_prefixed, unique_prefix

LIMIT = 5
REDIS_DB = 14


@dataclass
class Answer:
    status: int
    headers: dict
    body: dict


def post(auth, path: str, body: dict, *, source: str, **headers) -> Answer:
    """One request on a new connection (free to land on either worker) from ``source``."""
    conn = http.client.HTTPConnection(
        "127.0.0.1", urlsplit(auth.url).port, timeout=15, source_address=(source, 0)
    )
    try:
        conn.request(
            "POST", path, body=json.dumps(body), headers={"Content-Type": "application/json", **headers}
        )
        response = conn.getresponse()
        return Answer(response.status, dict(response.getheaders()), json.loads(response.read() or b"{}"))
    finally:
        conn.close()


def login(auth, username: str, password: str, *, source: str, **headers) -> Answer:
    return post(auth, "/login", {"username": username, "password": password}, source=source, **headers)


def assert_429(answer: Answer) -> int:
    assert answer.status == 429, answer
    assert answer.headers["Content-Type"].startswith("application/json")
    retry_after = int(answer.headers["Retry-After"])
    assert 1 <= retry_after <= 60
    assert isinstance(answer.body["error"], str) and answer.body["error"]
    assert answer.body["detalle"] == {"reintentar_en_segundos": retry_after}
    return retry_after


@pytest.fixture(scope="module")
def redis_url():
    base = urlsplit(os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/0")
    url = f"redis://{base.hostname or '127.0.0.1'}:{base.port or 6379}/{REDIS_DB}"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        pytest.skip(f"no Redis at {url} ({exc}): the shared-cache throttle needs one (set TEST_REDIS_URL)")
    return url


@pytest.fixture(scope="module")
def throttled_auth(tmp_path_factory, log_dir, redis_url):
    prefix = unique_prefix("auth-throttle")
    with auth_process(
        log_dir,
        database_url=f"sqlite:///{tmp_path_factory.mktemp('throttle') / 'notas.db'}",
        music_url=f"http://127.0.0.1:{free_port()}",
        name="auth-throttle",
        REDIS_URL=redis_url,
        REDIS_KEY_PREFIX=prefix,
        THROTTLE_LOGIN=f"{LIMIT}/min",
        THROTTLE_REGISTER="3/min",
        WEB_CONCURRENCY="2",
        GUNICORN_THREADS="2",
    ) as service:
        service.cache_prefix = prefix
        yield service
    delete_prefixed(redis.Redis.from_url(redis_url, socket_connect_timeout=1, socket_timeout=5), prefix)


@pytest.fixture
def addresses(redis_url, throttled_auth):
    """Fresh loopback client addresses for one test; their windows are removed afterwards."""
    store = redis.Redis.from_url(redis_url, socket_connect_timeout=1, socket_timeout=2)
    prefix = throttled_auth.cache_prefix
    taken = []

    def new() -> str:
        address = f"127.{random.randint(1, 254)}.{random.randint(1, 254)}.{random.randint(1, 254)}"
        taken.append(address)
        store.delete(*(f"{prefix}:1:throttle_{scope}_{address}" for scope in ("login", "register")))
        return address

    yield new, store
    for address in taken:
        store.delete(*(f"{prefix}:1:throttle_{scope}_{address}" for scope in ("login", "register")))


def test_the_sixth_wrong_login_in_the_window_is_429_across_two_workers(throttled_auth, addresses):
    auth = throttled_auth
    new_address, store = addresses
    client, registrar = new_address(), new_address()
    username = f"victima{uuid.uuid4().hex[:6]}"
    created = post(auth, "/register", {"username": username, "password": "Canciones-2026"}, source=registrar)
    assert created.status == 201, created

    for attempt in range(LIMIT):
        answer = login(auth, username, f"mala-{attempt}", source=client)
        assert answer.status == 401, (attempt, answer)

    assert_429(login(auth, username, "mala-6", source=client))
    # Now even the right password waits: the limit is on the address, not on the outcome.
    assert_429(login(auth, username, "Canciones-2026", source=client))
    # Inventing a client address in X-Forwarded-For does not open a new window (NUM_PROXIES=0).
    for fake in ("203.0.113.7", "198.51.100.1, 203.0.113.9", str(uuid.uuid4())):
        assert_429(login(auth, username, "mala", source=client, **{"X-Forwarded-For": fake}))

    # The count lives in the shared Redis, where both workers read it (django-redis pickles it).
    stored = store.get(f"{auth.cache_prefix}:1:throttle_login_{client}")
    assert stored is not None
    assert len(pickle.loads(stored)) == LIMIT  # noqa: S301 (our own test Redis)
    assert auth.logs().count("Booting worker") >= 2
    # Control: from another address the same account logs in.
    assert login(auth, username, "Canciones-2026", source=new_address()).status == 200


def test_another_client_address_has_its_own_window(throttled_auth, addresses):
    new_address, _store = addresses
    first, second = new_address(), new_address()
    for attempt in range(LIMIT):
        assert login(throttled_auth, "nadie", f"mala-{attempt}", source=first).status == 401
    assert_429(login(throttled_auth, "nadie", "mala", source=first))
    assert login(throttled_auth, "nadie", "mala", source=second).status == 401


def test_the_fourth_registration_in_the_window_is_429(throttled_auth, addresses):
    new_address, _store = addresses
    client = new_address()
    for i in range(3):
        body = {"username": f"nuevo{i}{uuid.uuid4().hex[:6]}", "password": "Canciones-2026"}
        answer = post(throttled_auth, "/register", body, source=client)
        assert answer.status == 201, answer
    refused = f"uno_mas{uuid.uuid4().hex[:6]}"
    assert_429(
        post(throttled_auth, "/register", {"username": refused, "password": "Canciones-2026"}, source=client)
    )
    # Nothing was created by the refused request.
    assert login(throttled_auth, refused, "Canciones-2026", source=new_address()).status == 401
