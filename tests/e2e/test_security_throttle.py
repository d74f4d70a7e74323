"""Brute force against a live auth_service with two gunicorn workers counting on one Redis.

Login and register are throttled per client address. With REDIS_URL the counters live in Redis,
so the limit holds whichever worker answers; the test reads the counter there to prove it.
Needs a Redis (TEST_REDIS_URL, else 127.0.0.1:6379); only then is it skipped.
"""

import http.client
import json
import os
import pickle
import uuid
from urllib.parse import urlsplit

import pytest
import redis
import requests

from tests.support.processes import auth_process, free_port

LIMIT = 5
REDIS_DB = 14


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
def shared_auth(tmp_path_factory, log_dir, redis_url):
    with auth_process(
        log_dir,
        database_url=f"sqlite:///{tmp_path_factory.mktemp('throttle') / 'notas.db'}",
        music_url=f"http://127.0.0.1:{free_port()}",
        name="auth-throttle",
        REDIS_URL=redis_url,
        THROTTLE_LOGIN=f"{LIMIT}/min",
        THROTTLE_REGISTER="3/min",
        WEB_CONCURRENCY="2",
        GUNICORN_THREADS="2",
    ) as service:
        yield service


@pytest.fixture
def throttle_redis(redis_url):
    client = redis.Redis.from_url(redis_url, socket_connect_timeout=1, socket_timeout=2)
    client.flushdb()  # every test starts with empty windows
    yield redis_url, client
    client.flushdb()


@pytest.fixture
def throttled_auth(shared_auth, throttle_redis):
    return shared_auth


def login(auth, username, password, **headers) -> requests.Response:
    # No session: every attempt is a new connection, free to land on either worker.
    return requests.post(
        f"{auth.url}/login", json={"username": username, "password": password}, headers=headers, timeout=10
    )


def assert_429(response: requests.Response) -> int:
    assert response.status_code == 429, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    retry_after = int(response.headers["Retry-After"])
    assert 1 <= retry_after <= 60
    body = response.json()
    assert isinstance(body["error"], str) and body["error"]
    assert body["detalle"] == {"reintentar_en_segundos": retry_after}
    return retry_after


def test_the_sixth_wrong_login_in_the_window_is_429_across_two_workers(throttled_auth, throttle_redis):
    auth = throttled_auth
    _url, client = throttle_redis
    username = f"victima{uuid.uuid4().hex[:6]}"
    created = requests.post(
        f"{auth.url}/register", json={"username": username, "password": "Canciones-2026"}, timeout=10
    )
    assert created.status_code == 201, created.text

    for attempt in range(LIMIT):
        response = login(auth, username, f"mala-{attempt}")
        assert response.status_code == 401, (attempt, response.text)

    assert_429(login(auth, username, "mala-6"))
    # Now even the right password waits: the limit is on the address, not on the outcome.
    assert_429(login(auth, username, "Canciones-2026"))
    # Inventing a client address in X-Forwarded-For does not open a new window (NUM_PROXIES=0).
    for fake in ("203.0.113.7", "198.51.100.1, 203.0.113.9", str(uuid.uuid4())):
        assert_429(login(auth, username, "mala", **{"X-Forwarded-For": fake}))

    # The count lives in the shared Redis, where both workers read it (django-redis pickles it).
    keys = [key.decode() for key in client.keys("*throttle_login_*")]
    assert keys == ["auth:1:throttle_login_127.0.0.1"], keys
    assert len(pickle.loads(client.get(keys[0]))) == LIMIT  # noqa: S301 (our own test Redis)
    assert auth.logs().count("Booting worker") >= 2


def test_another_client_address_has_its_own_window(throttled_auth):
    auth = throttled_auth
    for attempt in range(LIMIT + 1):
        login(auth, "nadie", f"mala-{attempt}")
    assert_429(login(auth, "nadie", "mala"))

    # The same server from 127.0.0.2 (still loopback): a different client address.
    port = urlsplit(auth.url).port
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10, source_address=("127.0.0.2", 0))
    try:
        conn.request(
            "POST",
            "/login",
            body=json.dumps({"username": "nadie", "password": "mala"}),
            headers={"Content-Type": "application/json"},
        )
        response = conn.getresponse()
        assert response.status == 401, response.read()
    finally:
        conn.close()


def test_the_fourth_registration_in_the_window_is_429(throttled_auth):
    auth = throttled_auth
    for i in range(3):
        response = requests.post(
            f"{auth.url}/register",
            json={"username": f"nuevo{i}{uuid.uuid4().hex[:6]}", "password": "Canciones-2026"},
            timeout=10,
        )
        assert response.status_code == 201, response.text
    response = requests.post(
        f"{auth.url}/register", json={"username": "uno_mas", "password": "Canciones-2026"}, timeout=10
    )
    assert_429(response)
    # Nothing was created by the refused request.
    login_attempt = login(auth, "uno_mas", "Canciones-2026")
    assert login_attempt.status_code == 401, login_attempt.text
