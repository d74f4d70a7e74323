"""Throttle counters without Redis are shared by every worker and every replica (real gunicorn).

Without REDIS_URL the counters live in a table of the service's own database (Django's
DatabaseCache, created by `migrate`). With a per-process local-memory cache, login's 10/min let
~20 through with 2 workers, and each replica had its own window. Each test gets a fresh database,
so its window is its own. PostgreSQL runs too when TEST_DATABASE_URL points at a server (a
throwaway database is created there and dropped after).
"""

import contextlib
import http.client
import json
import os
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.support.processes import auth_process, free_port

LIMIT = 10
NO_REDIS = {"REDIS_URL": "", "THROTTLE_LOGIN": f"{LIMIT}/min"}


def wrong_login(url: str) -> tuple[int, dict, dict]:
    """One attempt on a new connection, free to land on any worker."""
    conn = http.client.HTTPConnection("127.0.0.1", urlsplit(url).port, timeout=15)
    try:
        body = json.dumps({"username": "nadie", "password": "mala"})
        conn.request("POST", "/login", body=body, headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), json.loads(response.read() or b"{}")
    finally:
        conn.close()


def assert_429(answer) -> None:
    status, headers, body = answer
    assert status == 429, answer
    assert headers["Content-Type"].startswith("application/json")
    retry_after = int(headers["Retry-After"])
    assert 1 <= retry_after <= 60
    assert body["error"] and body["detalle"] == {"reintentar_en_segundos": retry_after}


@contextlib.contextmanager
def _postgres_database():
    base = os.environ.get("TEST_DATABASE_URL", "")
    if not base.startswith("postgres"):
        pytest.skip("TEST_DATABASE_URL is not a PostgreSQL URL")
    import psycopg

    name = f"throttle_{uuid.uuid4().hex[:10]}"
    try:
        admin = psycopg.connect(base, autocommit=True, connect_timeout=3)
    except psycopg.Error as exc:
        pytest.skip(f"no PostgreSQL at TEST_DATABASE_URL ({exc})")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield urlunsplit(urlsplit(base)._replace(path=f"/{name}"))
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'notas.db'}"
    else:
        with _postgres_database() as url:
            yield url


def test_login_limit_holds_across_two_workers_without_redis(database_url, log_dir, request):
    name = f"auth-dbcache-{request.node.callspec.id}"
    with auth_process(
        log_dir,
        database_url=database_url,
        music_url=f"http://127.0.0.1:{free_port()}",
        name=name,
        WEB_CONCURRENCY="2",
        GUNICORN_THREADS="2",
        **NO_REDIS,
    ) as auth:
        answers = [wrong_login(auth.url) for _ in range(2 * LIMIT)]
        assert auth.logs().count("Booting worker") >= 2

    statuses = [status for status, _headers, _body in answers]
    assert statuses[:LIMIT] == [401] * LIMIT, statuses
    for answer in answers[LIMIT:]:
        assert_429(answer)


def test_login_limit_holds_across_two_replicas_on_one_database(tmp_path, log_dir):
    """Two auth_service processes (replicas) on one database: one window, whichever answers."""
    database_url = f"sqlite:///{tmp_path / 'notas.db'}"
    music_url = f"http://127.0.0.1:{free_port()}"
    common = {"WEB_CONCURRENCY": "1", "GUNICORN_THREADS": "2", **NO_REDIS}
    with (
        auth_process(
            log_dir, database_url=database_url, music_url=music_url, name="auth-replica-a", **common
        ) as first,
        auth_process(
            log_dir, database_url=database_url, music_url=music_url, name="auth-replica-b", **common
        ) as second,
    ):
        answers = [wrong_login((first, second)[i % 2].url) for i in range(2 * LIMIT)]

    statuses = [status for status, _headers, _body in answers]
    assert statuses[:LIMIT] == [401] * LIMIT, statuses
    for answer in answers[LIMIT:]:
        assert_429(answer)
