"""Usernames racing on a live auth_service (2 gunicorn workers x 8 threads, SQLite and PostgreSQL):
one account per name up to case and width variants, the losers a Spanish 400, never a 500. (The
rules themselves are tested in process: tests/auth/accounts/test_usernames.py.)"""

import contextlib
import uuid

import pytest
import requests

from tests.e2e.helpers import PASSWORD, assert_json_error, burst, postgres_database
from tests.support.processes import auth_process


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def service(request, tmp_path_factory, log_dir, music):
    with contextlib.ExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('users-db') / 'notas.db'}"
        else:
            url = stack.enter_context(postgres_database("e2e_usernames"))
        name = f"auth-usernames-{request.param}"
        env = {"WEB_CONCURRENCY": "2", "GUNICORN_THREADS": "8"}
        yield stack.enter_context(
            auth_process(log_dir, database_url=url, music_url=music.url, name=name, **env)
        )


def register(service, username: str) -> requests.Response:
    return requests.post(
        f"{service.url}/register", json={"username": username, "password": PASSWORD}, timeout=20
    )


@pytest.mark.parametrize("variants", ["same", "case-and-width"])
def test_eight_simultaneous_registrations_of_one_new_name(service, variants):
    name = f"coro{uuid.uuid4().hex[:8]}"
    fullwidth = "".join(chr(ord(c) + 0xFEE0) for c in name)  # "ｃｏｒｏ…": the 500 of issue 10
    names = [name] * 8 if variants == "same" else [name, name.upper(), name.capitalize(), fullwidth] * 2

    answers = burst([lambda n=n: register(service, n) for n in names])

    statuses = sorted(response.status_code for response in answers)
    assert statuses == [201] + [400] * 7, [(r.status_code, r.text[:200]) for r in answers]
    for response in answers:
        if response.status_code == 400:
            body = assert_json_error(response, 400)
            assert body["error"] == "Datos no válidos."
            assert "Ya existe una cuenta" in body["detalle"]["username"][0]
    # The one account exists once, and any case variant logs into it.
    login = requests.post(
        f"{service.url}/login", json={"username": name.upper(), "password": PASSWORD}, timeout=20
    )
    assert login.status_code == 200, login.text
    assert '"status": 500' not in service.logs()
