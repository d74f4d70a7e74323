"""Usernames against a live auth_service (2 gunicorn workers x 8 threads): one account per name up
to case and Unicode variants, mixed-script look-alikes refused, races answered 400, never 500.

Runs on SQLite, and also on PostgreSQL when TEST_DATABASE_URL is set (a database of its own,
created and dropped here).
"""

import os
import threading
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests

from tests.support.processes import auth_process

PASSWORD = "Canciones-2026"
BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


@pytest.fixture(scope="module", params=BACKENDS)
def service(request, tmp_path_factory, log_dir, music):
    if request.param == "sqlite":
        database_url = f"sqlite:///{tmp_path_factory.mktemp('users-db') / 'notas.db'}"
        with _auth(log_dir, database_url, music) as auth:
            yield auth
        return
    import psycopg

    server = urlsplit(os.environ["TEST_DATABASE_URL"])
    name = f"e2e_usernames_{uuid.uuid4().hex[:10]}"
    admin_url = urlunsplit(server._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=10) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        with _auth(log_dir, urlunsplit(server._replace(path=f"/{name}")), music) as auth:
            yield auth
    finally:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=10) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _auth(log_dir, database_url, music):
    return auth_process(
        log_dir,
        database_url=database_url,
        music_url=music.url,
        name=f"auth-usernames-{uuid.uuid4().hex[:6]}",
        WEB_CONCURRENCY="2",
        GUNICORN_THREADS="8",
    )


def fresh(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:8]}"


def register(service, username: str) -> requests.Response:
    return requests.post(
        f"{service.url}/register", json={"username": username, "password": PASSWORD}, timeout=20
    )


def login(service, username: str) -> requests.Response:
    return requests.post(
        f"{service.url}/login", json={"username": username, "password": PASSWORD}, timeout=20
    )


def assert_username_400(response: requests.Response) -> str:
    assert response.status_code == 400, (response.status_code, response.text[:300])
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error", "detalle"}
    assert body["error"] == "Datos no válidos."
    (message,) = body["detalle"]["username"]
    return message


def test_case_and_width_variants_of_a_taken_name_are_spanish_400s(service):
    name = fresh("ana")
    assert register(service, name).status_code == 201
    fullwidth = "".join(chr(ord(c) + 0xFEE0) for c in name)  # "ａｎａ…": the 500 of issue 10
    for variant in (name.upper(), name.capitalize(), fullwidth, f"{name.capitalize()} "):
        assert "Ya existe una cuenta" in assert_username_400(register(service, variant)), variant


@pytest.mark.parametrize("look_alike", ["\u0430na", "p\u0430ypal", "Vasya_\u0412\u0430\u0441\u044f"])
def test_mixed_script_look_alikes_are_refused(service, look_alike):
    name = look_alike + uuid.uuid4().hex[:6]
    assert "alfabeto" in assert_username_400(register(service, name))


@pytest.mark.parametrize("base", ["Андрей", "José", "渡辺", "山田タロウ"])
def test_single_script_names_are_welcome(service, base):
    # Digits and "_" belong to no script: the name stays single-script.
    name = f"{base}_{uuid.uuid4().int % 10**8}"
    response = register(service, name)
    assert response.status_code == 201, response.text
    assert response.json()["username"] == name


def test_login_with_any_case_variant(service):
    name = fresh("ana")
    created = register(service, name)
    assert created.status_code == 201
    for typed in (name, name.upper(), name.capitalize()):
        tokens = login(service, typed)
        assert tokens.status_code == 200, (typed, tokens.text)
        me = requests.get(
            f"{service.url}/me", headers={"Authorization": f"Bearer {tokens.json()['access']}"}, timeout=10
        )
        assert me.json() == {"id": created.json()["id"], "username": name}


@pytest.mark.parametrize("variants", ["same", "case-and-width"])
def test_eight_simultaneous_registrations_of_one_new_name(service, variants):
    name = fresh("coro")
    if variants == "same":
        names = [name] * 8
    else:
        fullwidth = "".join(chr(ord(c) + 0xFEE0) for c in name)
        names = [name, name.upper(), name.capitalize(), fullwidth] * 2
    barrier = threading.Barrier(len(names), timeout=30)
    answers: list[requests.Response] = []
    errors: list[BaseException] = []

    def one(username: str) -> None:
        try:
            barrier.wait()
            answers.append(register(service, username))  # a new connection each
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=one, args=(n,)) for n in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    statuses = sorted(response.status_code for response in answers)
    assert statuses == [201] + [400] * 7, [(r.status_code, r.text[:200]) for r in answers]
    for response in answers:
        if response.status_code == 400:
            assert "Ya existe una cuenta" in assert_username_400(response)
    # The one account exists once, and every variant logs into it.
    assert login(service, name.upper()).status_code == 200
    assert '"status": 500' not in service.logs()
