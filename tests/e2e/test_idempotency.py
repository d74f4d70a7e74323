"""Idempotency-Key on POST /notas against real gunicorn processes (auth + music + the Spotify double).

music runs with its search cache off, so every lookup auth asks for reaches the Spotify double:
its search counter is the number of music calls.
"""

import contextlib
import json
import sqlite3
import threading
import time
import uuid

import pytest
import requests

from tests.support.http import Api
from tests.support.processes import auth_process, music_process
from tests.support.waiting import wait_until

LEASE_SECONDS = 8  # long enough for a killed auth to restart within it, even on a loaded machine
_users = iter(range(1_000_000))


@pytest.fixture(scope="module")
def stack(tmp_path_factory, spotify):
    logs = tmp_path_factory.mktemp("idempotency-logs")
    database = tmp_path_factory.mktemp("idempotency-db") / "notas.db"
    music = music_process(
        logs, spotify=spotify, name="music-uncached", SEARCH_CACHE_TTL=0, SEARCH_CACHE_EMPTY_TTL=0
    )
    with music:
        auth = auth_process(
            logs,
            name="auth-idempotency",
            database_url=f"sqlite:///{database}",
            music_url=music.url,
            IDEMPOTENCY_LEASE_SECONDS=LEASE_SECONDS,
            NOTES_WRITE_RATE="off",
        )
        auth.database = database
        with auth:
            yield auth


@pytest.fixture
def new_user(stack):
    def make() -> Api:
        return Api(stack.url).register_and_login(f"idem{next(_users)}")

    return make


def create(user: Api, key: str | None, body=None, *, raw: str | None = None, timeout: float = 10):
    headers = {"Content-Type": "application/json"}
    if key is not None:
        headers["Idempotency-Key"] = key
    data = raw if raw is not None else json.dumps(body)
    return user.post("/notas", data=data.encode(), headers=headers, timeout=timeout)


def note_rows(stack, user: Api) -> int:
    with sqlite3.connect(stack.database, timeout=10) as db:
        return db.execute("SELECT COUNT(*) FROM notes_note WHERE user_id = ?", (user.user_id,)).fetchone()[0]


def test_a_retry_replays_the_201_same_note_one_row_one_music_call(new_user, spotify, stack):
    user, key = new_user(), str(uuid.uuid4())
    first = create(user, key, {"cancion": "Queen", "texto": "en el coche"})
    retry = create(user, key, raw='{"texto": "en el coche", "cancion": "Queen"}')  # same JSON, reordered

    assert first.status_code == 201, first.text
    assert retry.status_code == 201, retry.text
    assert retry.json() == first.json()
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert first.json()["nota"]["enriquecimiento"] == "ok"
    assert note_rows(stack, user) == 1
    assert spotify.stats()["search_calls"] == 1  # the retry never reached music


def test_without_the_header_a_retry_is_a_second_note(new_user, spotify, stack):
    """The control: what a client without the header gets (and what it got before the header)."""
    user = new_user()
    ids = {create(user, None, {"cancion": "Queen"}).json()["nota"]["id"] for _ in range(2)}
    assert len(ids) == 2
    assert note_rows(stack, user) == 2
    assert spotify.stats()["search_calls"] == 2


def test_the_same_key_while_the_first_runs_is_409_for_the_others(new_user, spotify, stack):
    spotify.configure(latency_ms=1500)  # the first request waits on music
    user, key = new_user(), str(uuid.uuid4())
    start = threading.Barrier(4, timeout=10)
    answers, lock = [], threading.Lock()

    def send():
        start.wait()
        response = create(user, key, {"cancion": "Queen"}, timeout=15)
        with lock:
            answers.append(response)

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert sorted(r.status_code for r in answers) == [201, 409, 409, 409], [r.text for r in answers]
    conflict = next(r for r in answers if r.status_code == 409)
    assert conflict.headers["Content-Type"] == "application/json"
    assert "en curso" in conflict.json()["error"]
    created = next(r for r in answers if r.status_code == 201)

    spotify.configure(latency_ms=0)
    retry = create(user, key, {"cancion": "Queen"})  # the first has finished: its 201 is replayed
    assert retry.status_code == 201
    assert retry.json()["nota"]["id"] == created.json()["nota"]["id"]
    assert note_rows(stack, user) == 1
    assert spotify.stats()["search_calls"] == 1


def test_the_same_key_with_another_body_is_422(new_user, stack):
    user, key = new_user(), str(uuid.uuid4())
    assert create(user, key, {"cancion": "Queen"}).status_code == 201
    other = create(user, key, {"cancion": "Queen", "texto": "otra cosa"})
    assert other.status_code == 422
    assert other.headers["Content-Type"] == "application/json"
    assert set(other.json()) == {"error", "detalle"}
    assert note_rows(stack, user) == 1


def test_different_users_keys_are_independent(new_user, spotify, stack):
    ana, bruno = new_user(), new_user()
    mine = create(ana, "k1", {"cancion": "Queen"})
    theirs = create(bruno, "k1", {"cancion": "Bohemian Rhapsody"})  # another body: no 422 across users
    assert mine.status_code == theirs.status_code == 201
    assert "Idempotent-Replayed" not in theirs.headers
    assert mine.json()["nota"]["id"] != theirs.json()["nota"]["id"]
    assert note_rows(stack, ana) == note_rows(stack, bruno) == 1
    assert bruno.get("/notas").json()["count"] == 1
    assert spotify.stats()["search_calls"] == 2


def test_a_failed_validation_is_not_remembered(new_user, stack):
    user, key = new_user(), str(uuid.uuid4())
    refused = create(user, key, {"cancion": "   "})
    assert refused.status_code == 400
    assert "cancion" in refused.json()["detalle"]
    created = create(user, key, {"cancion": "Queen"})
    assert created.status_code == 201
    assert "Idempotent-Replayed" not in created.headers
    assert note_rows(stack, user) == 1


def test_a_malformed_key_is_a_spanish_400(new_user, stack):
    user = new_user()
    response = create(user, "x" * 256, {"cancion": "Queen"})
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["detalle"]
    assert note_rows(stack, user) == 0


def test_expired_keys_are_deleted_by_the_runner_and_forgotten(new_user, stack):
    user, key = new_user(), str(uuid.uuid4())
    first = create(user, key, {"cancion": "Queen"})
    with sqlite3.connect(stack.database, timeout=10) as db:
        db.execute(
            "UPDATE notes_idempotencykey SET created_at = datetime('now', '-25 hours') WHERE user_id = ?",
            (user.user_id,),
        )

    stack.manage("enrich_pending")  # one pass of the runner, which also deletes expired keys

    with sqlite3.connect(stack.database, timeout=10) as db:
        left = db.execute("SELECT COUNT(*) FROM notes_idempotencykey WHERE user_id = ?", (user.user_id,))
        assert left.fetchone()[0] == 0
    again = create(user, key, {"cancion": "Otra"})  # within 24 h this would be a 422
    assert again.status_code == 201
    assert again.json()["nota"]["id"] != first.json()["nota"]["id"]


def test_a_key_left_in_progress_by_a_killed_worker_is_taken_over_after_its_lease(new_user, spotify, stack):
    """kill -9 while the note waits on music: the retry is 409 while the lease runs, then one note."""
    user, key = new_user(), str(uuid.uuid4())
    spotify.configure(latency_ms=2000)
    lost = threading.Thread(target=lambda: _ignore_errors(create, user, key, {"cancion": "Queen"}))
    lost.start()
    wait_until(
        lambda: spotify.stats()["search_calls"] >= 1,
        timeout=10,
        interval=0.02,
        message="the first request never reached music",
    )
    assert spotify.stats()["search_calls"] == 1, "the first request never reached music"
    claimed = time.monotonic()  # the key was taken just before the lookup began
    stack.kill()
    lost.join(timeout=10)
    stack.start()
    spotify.configure(latency_ms=0)
    try:
        assert create(user, key, {"cancion": "Queen"}).status_code == 409  # it might still be running
        # The retry keeps answering 409 until the lease has run out, then takes the key over.
        retry = wait_until(
            lambda: (answer := create(user, key, {"cancion": "Queen"})).status_code != 409 and answer,
            timeout=max(0.0, claimed + LEASE_SECONDS - time.monotonic()) + 10,
            interval=0.5,
            message=f"the key stayed in progress (409) past its {LEASE_SECONDS} s lease",
        )
        # (claimed is a little after the claim itself: the music call took some time to reach the double)
        early = claimed + LEASE_SECONDS - 3 - time.monotonic()
        assert early <= 0, f"the key was taken over {early:.1f} s before its lease ran out"
        assert retry.status_code == 201, retry.text
        assert "Idempotent-Replayed" not in retry.headers
        assert create(user, key, {"cancion": "Queen"}).json()["nota"]["id"] == retry.json()["nota"]["id"]
        assert note_rows(stack, user) == 1
    finally:
        if stack.proc.poll() is not None:
            stack.start()


def _ignore_errors(function, *args):
    with contextlib.suppress(requests.RequestException):  # the worker was killed: a reset
        function(*args)
