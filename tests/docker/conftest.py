"""The compose stack, up once per session (`up -d --build`, every service healthy) and `down -v` at the
end, also when a test fails; MUSICA_TEST_KEEP=1 (scripts/test-docker --keep) leaves it running.

A failed test's report carries the tail of every container's log.
"""

from __future__ import annotations

import os
import secrets
import sys

import pytest

from tests.docker.stack import Stack, http, log, wait_http_ok

PASSWORD = "Canciones-2026-docker"
_stacks: list[Stack] = []


@pytest.fixture(scope="session")
def stack():
    stack = Stack.from_environment()
    _stacks.append(stack)
    log(
        f"compose: {' '.join(stack.compose)}; project {stack.project}; auth on {stack.base_url}; "
        f"base image {stack.python_image}"
    )
    try:
        stack.up()
        for service in ("keyless-double", "music_service", "auth_service"):
            stack.wait_healthy(service, 1)
        wait_http_ok(f"{stack.base_url}/health")
        yield stack
    finally:
        _stacks.remove(stack)
        if os.environ.get("MUSICA_TEST_KEEP") == "1":
            remove = " ".join(stack.cmd("down", "-v"))
            log(f"the stack stays up (project {stack.project}); remove it with: {remove}")
        else:
            stack.down()
        stack.close()


class Account:
    """One user of the stack, and how many notes the tests saved through it."""

    def __init__(self, stack: Stack):
        self.api = stack.base_url
        self.username = f"docker{secrets.token_hex(4)}"
        self.token: str | None = None
        self.notes_created = 0

    def register(self) -> None:
        status, body, _ = http(
            "POST", f"{self.api}/register", body={"username": self.username, "password": PASSWORD}
        )
        assert status == 201 and body.get("username") == self.username, (
            f"POST /register: wanted 201, got {status}: {body!r}"
        )

    def login(self) -> str:
        status, body, _ = http(
            "POST", f"{self.api}/login", body={"username": self.username, "password": PASSWORD}
        )
        assert status == 200 and "access" in body and "refresh" in body, (
            f"POST /login: wanted 200 with access/refresh, got {status}: {body!r}"
        )
        self.token = body["access"]
        return self.token

    def note_count(self) -> int:
        status, body, _ = http("GET", f"{self.api}/notas", token=self.token)
        assert status == 200, f"GET /notas: wanted 200, got {status}: {body!r}"
        assert isinstance(body, dict) and "count" in body and "results" in body, (
            f"GET /notas: wanted a paginated body with count/results, got {body!r}"
        )
        return body["count"]

    def create_note(self, song: str) -> dict:
        status, body, _ = http(
            "POST",
            f"{self.api}/notas",
            token=self.token,
            body={"cancion": song, "texto": "desde el contenedor"},
        )
        assert status == 201, f"POST /notas {song!r}: wanted 201, got {status}: {body!r}"
        self.notes_created += 1
        assert body.get("mensaje") == "Guardado con éxito", f"POST /notas: unexpected body {body!r}"
        return body["nota"]


@pytest.fixture(scope="session")
def account(stack):
    """A user registered and logged in through localhost:$AUTH_PORT."""
    user = Account(stack)
    user.register()
    user.login()
    return user


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.failed and _stacks:
        try:
            report.sections.append(("container logs", _stacks[-1].logs_tail()))
        except Exception as exc:  # the report must not fail because the logs could not be read
            print(f"could not read the container logs: {exc}", file=sys.stderr)
    return report
