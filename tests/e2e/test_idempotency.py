"""Idempotency-Key on POST /notas across real gunicorn workers; music's search cache is off, so the
Spotify double's search counter is the number of music calls. The key's rules (422, 400, expiry, users):
tests/auth/notes/test_idempotency.py."""

import contextlib
import json
import threading
import time
import uuid

import pytest
import requests

from tests.e2e.helpers import burst, services, sql
from tests.support.http import Api
from tests.support.waiting import wait_until

LEASE_SECONDS = 8  # long enough for a killed auth to restart within it, even on a loaded machine


@pytest.fixture(scope="module")
def stack(tmp_path_factory, spotify):
    uncached = {"SEARCH_CACHE_TTL": 0, "SEARCH_CACHE_EMPTY_TTL": 0}
    env = {"IDEMPOTENCY_LEASE_SECONDS": LEASE_SECONDS, "NOTES_WRITE_RATE": "off"}
    with services(
        tmp_path_factory.mktemp("idempotency"), "idempotency", spotify=spotify, music_env=uncached, **env
    ) as (auth, _):
        yield auth


@pytest.fixture
def user(stack):
    return Api(stack.url).register_and_login(f"idem{uuid.uuid4().hex[:8]}")


def create(user: Api, key: str | None, body=None, *, raw: str | None = None, timeout: float = 10):
    headers = {"Content-Type": "application/json", **({"Idempotency-Key": key} if key else {})}
    data = raw if raw is not None else json.dumps(body)
    return user.post("/notas", data=data.encode(), headers=headers, timeout=timeout)


def note_rows(stack, user: Api) -> int:
    return sql(stack.database, "SELECT COUNT(*) FROM notes_note WHERE user_id = ?", user.user_id)[0][0]


def test_the_same_key_is_409_while_the_first_runs_then_its_201_is_replayed_with_no_new_row_or_lookup(
    user, spotify, stack
):
    spotify.configure(latency_ms=1500)  # the first request waits on music
    key, body = str(uuid.uuid4()), {"cancion": "Queen", "texto": "en el coche"}
    answers = burst([lambda: create(user, key, body, timeout=15)] * 4, timeout=20)
    assert sorted(r.status_code for r in answers) == [201, 409, 409, 409], [r.text for r in answers]
    conflict = next(r for r in answers if r.status_code == 409)
    assert conflict.headers["Content-Type"] == "application/json" and "en curso" in conflict.json()["error"]
    created = next(r for r in answers if r.status_code == 201)
    assert "Idempotent-Replayed" not in created.headers

    spotify.configure(latency_ms=0)
    retry = create(user, key, raw='{"texto": "en el coche", "cancion": "Queen"}')  # the same JSON, reordered
    assert retry.status_code == 201 and retry.json() == created.json(), retry.text
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert note_rows(stack, user) == 1 and spotify.stats()["search_calls"] == 1  # the retry: no music call
    # Control: without the header the same retry is a second note, looked up again.
    assert create(user, None, body).status_code == 201
    assert note_rows(stack, user) == 2 and spotify.stats()["search_calls"] == 2


def test_a_key_left_in_progress_by_a_killed_worker_is_taken_over_after_its_lease(user, spotify, stack):
    """kill -9 while the note waits on music: the retry is 409 while the lease runs, then one note."""
    key = str(uuid.uuid4())
    spotify.configure(latency_ms=2000)
    lost = threading.Thread(target=lambda: with_reset_ignored(create, user, key, {"cancion": "Queen"}))
    lost.start()
    wait_until(lambda: spotify.stats()["search_calls"], timeout=10, interval=0.02, message="no music call")
    claimed = time.monotonic()  # the key was taken just before the lookup began
    stack.kill()
    lost.join(timeout=10)
    stack.start()
    spotify.configure(latency_ms=0)
    assert create(user, key, {"cancion": "Queen"}).status_code == 409  # it might still be running
    retry = wait_until(
        lambda: (answer := create(user, key, {"cancion": "Queen"})).status_code != 409 and answer,
        timeout=max(0.0, claimed + LEASE_SECONDS - time.monotonic()) + 10,
        interval=0.5,
        message=f"the key stayed in progress (409) past its {LEASE_SECONDS} s lease",
    )
    # claimed is a little after the claim itself: 3 s of slack.
    early = claimed + LEASE_SECONDS - 3 - time.monotonic()
    assert early <= 0, f"the key was taken over {early:.1f} s before its lease ran out"
    assert retry.status_code == 201 and "Idempotent-Replayed" not in retry.headers, retry.text
    assert create(user, key, {"cancion": "Queen"}).json()["nota"]["id"] == retry.json()["nota"]["id"]
    assert note_rows(stack, user) == 1


def with_reset_ignored(function, *args):
    with contextlib.suppress(requests.RequestException):  # the worker was killed: a reset
        function(*args)
