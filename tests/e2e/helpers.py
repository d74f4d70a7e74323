"""Helpers shared by the e2e modules (live processes, answers in our JSON shape, barrier bursts)."""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
import threading
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis

from tests.support.http import Api
from tests.support.processes import auth_process, music_process

PASSWORD = "Canciones-2026"


def sqlite_auth(log_dir, folder, music_url: str, name: str = "auth", **env):
    """auth_service (not started) on a new SQLite database in ``folder``; ``.database`` is its path."""
    database = folder / f"{name}.db"
    service = auth_process(
        log_dir, database_url=f"sqlite:///{database}", music_url=music_url, name=name, **env
    )
    service.database = database
    return service


@contextlib.contextmanager
def services(folder, name: str, *, spotify=None, music_env=None, **auth_env):
    """(auth, music) started, auth on a new SQLite database in ``folder``, named ``auth-<name>``."""
    with (
        music_process(folder, spotify=spotify, name=f"music-{name}", **(music_env or {})) as music,
        sqlite_auth(folder, folder, music.url, f"auth-{name}", **auth_env) as auth,
    ):
        yield auth, music


def login(url: str, username: str, password: str = PASSWORD) -> Api:
    tokens = Api(url).post("/login", json={"username": username, "password": password})
    assert tokens.status_code == 200, tokens.text
    return Api(url, token=tokens.json()["access"])


def collected_auth(log_dir, folder, music_url: str, name: str, **env):
    """``sqlite_auth`` with its static files collected into ``folder``, as the images serve them."""
    auth = sqlite_auth(log_dir, folder, music_url, name, DJANGO_STATIC_ROOT=str(folder / "static"), **env)
    auth.manage("collectstatic", "--noinput", "-v", "0")
    return auth


def sql(database, query: str, *args) -> list[tuple]:
    with sqlite3.connect(database, timeout=30) as db:
        return db.execute(query, args).fetchall()


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def csrf_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def assert_json_error(response, *statuses: int) -> dict:
    """A ``requests`` answer with one of ``statuses`` and our {"error", "detalle"} JSON body."""
    assert response.status_code in statuses, (response.status_code, response.text[:300])
    assert response.headers["Content-Type"].startswith("application/json"), response.text[:300]
    body = response.json()
    assert isinstance(body["error"], str) and body["error"] and isinstance(body["detalle"], dict), body
    return body


def burst(calls: list, timeout: float = 180) -> list:
    """Run every call in its own thread, all released together by one barrier."""
    barrier = threading.Barrier(len(calls), timeout=60)
    results: list = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # reported below, in the test's thread
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    failed = [r for r in results if r is None or isinstance(r, Exception)]
    assert not failed, failed[:3]
    return results


def children(pid: int) -> list[int]:
    """The processes ``pid`` started (Linux's /proc)."""
    with contextlib.suppress(OSError):
        tasks = Path(f"/proc/{pid}/task").iterdir()
        return [int(child) for task in tasks for child in (task / "children").read_text().split()]
    return []


def redis_url_or_skip(db: int) -> str:
    base = urlsplit(os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/0")
    url = f"redis://{base.hostname or '127.0.0.1'}:{base.port or 6379}/{db}"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        pytest.skip(f"no Redis at {url} ({exc}); set TEST_REDIS_URL")
    return url


@contextlib.contextmanager
def postgres_database(prefix: str):
    """A throwaway database on TEST_DATABASE_URL's server (skipped without one), dropped after."""
    base = os.environ.get("TEST_DATABASE_URL", "")
    if not base.startswith("postgres"):
        pytest.skip("TEST_DATABASE_URL is not a PostgreSQL URL")
    import psycopg

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
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
