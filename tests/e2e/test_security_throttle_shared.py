"""Without Redis the limits are counted in auth's own database (config/ratelimit.py, table
musica_ratelimit, created by `migrate`), shared by every worker and every replica (real gunicorn),
and note writes are limited per user (NOTES_WRITE_RATE).

A per-process counter would give each worker and each replica its own window (login's 10/min let
~20 through with 2 workers). Each test gets a fresh database, so its window is its own. PostgreSQL
runs too when TEST_DATABASE_URL points at a server (a throwaway database is created there and
dropped after). Bursts released together are tested in test_security_bursts.py.
"""

import contextlib
import http.client
import json
import os
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.support.http import Api
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


WRITES = 5


def test_note_writes_are_limited_per_user_across_two_workers(tmp_path, log_dir):
    """One account cannot spend everyone's Spotify quota: its 6th write in the window is 429,
    whichever worker answers; its reads and deletes and other users' writes go on."""
    with auth_process(
        log_dir,
        database_url=f"sqlite:///{tmp_path / 'notas.db'}",
        music_url=f"http://127.0.0.1:{free_port()}",  # nobody there: notes are saved pendiente
        name="auth-write-limit",
        WEB_CONCURRENCY="2",
        GUNICORN_THREADS="2",
        NOTES_WRITE_RATE=f"{WRITES}/min",
        REDIS_URL="",
    ) as auth:
        ana, bruno = Api(auth.url).register_and_login("ana"), Api(auth.url).register_and_login("bruno")
        ana.session.headers["Connection"] = "close"  # a new connection per request: any worker
        first = ana.post("/notas", json={"cancion": "Queen"})
        assert first.status_code == 201, first.text
        note = first.json()["nota"]["id"]
        assert ana.request("PUT", f"/notas/{note}", json={"cancion": "Abba"}).status_code == 200
        assert ana.request("PATCH", f"/notas/{note}", json={"texto": "x"}).status_code == 200
        for i in range(WRITES - 3):
            assert ana.post("/notas", json={"cancion": f"Canción {i}"}).status_code == 201

        for refused in (
            ana.post("/notas", json={"cancion": "Una más"}),
            ana.request("PATCH", f"/notas/{note}", json={"cancion": "Otra"}),
        ):
            assert refused.status_code == 429, refused.text
            assert refused.headers["Content-Type"].startswith("application/json")
            retry_after = int(refused.headers["Retry-After"])
            assert 1 <= retry_after <= 60
            body = refused.json()
            assert body["detalle"] == {"reintentar_en_segundos": retry_after}
            assert body["error"].startswith("Demasiadas notas guardadas seguidas")

        listed = ana.get("/notas")
        assert listed.status_code == 200 and listed.json()["count"] == WRITES - 2
        assert ana.request("DELETE", f"/notas/{note}").status_code == 204
        # Another user has a window of their own.
        assert bruno.post("/notas", json={"cancion": "Queen"}).status_code == 201
        assert auth.logs().count("Booting worker") >= 2
