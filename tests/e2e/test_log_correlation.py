"""One note's journey, grepped across both services' logs by its request id.

Both services run as real gunicorn processes writing JSON lines to their log files; the test reads
those files as a person would (grep for the id), never the services' internals.
"""

import json
import uuid

import pytest

from tests.support.http import Api
from tests.support.processes import auth_process, enrich_runner, free_port, music_process
from tests.support.waiting import wait_until

ACCESS_FIELDS = {"time", "level", "service", "method", "path", "status", "duration_ms", "request_id"}
_users = iter(range(1_000_000))


@pytest.fixture(scope="module")
def stack(tmp_path_factory, spotify):
    """Its own music (on the Spotify double) and auth: other modules' caches and logs stay theirs."""
    logs = tmp_path_factory.mktemp("correlation-logs")
    database = tmp_path_factory.mktemp("correlation-db") / "notas.db"
    music = music_process(logs, spotify=spotify, name="music-traced")
    with music:
        auth = auth_process(
            logs,
            name="auth-traced",
            database_url=f"sqlite:///{database}",
            music_url=music.url,
            # Every note must reach music to be traced there: no reuse of music's earlier answers
            # (tests/e2e/test_http_cache.py covers that reuse).
            MUSIC_HTTP_CACHE_ENTRIES="0",
        )
        with auth:
            yield auth, music


@pytest.fixture
def auth(stack):
    return stack[0]


@pytest.fixture
def music(stack):
    return stack[1]


@pytest.fixture
def new_user(auth):
    def make(prefix: str) -> Api:
        return Api(auth.url).register_and_login(f"{prefix}{next(_users)}")

    return make


def lines(service) -> list[dict]:
    parsed = []
    for line in service.logs().splitlines():
        if line.startswith("{"):
            parsed.append(json.loads(line))  # every line a service writes is one JSON object
    return parsed


def with_id(service, request_id: str, *, wait: float = 5.0) -> list[dict]:
    """The log lines carrying ``request_id`` (waits briefly for the file to be written)."""
    return wait_until(
        lambda: [entry for entry in lines(service) if entry.get("request_id") == request_id],
        timeout=wait,
        interval=0.05,
        message=f"{service.name}: no log line with request_id {request_id}",
    )


def access_line(service, request_id: str) -> dict:
    found = [e for e in with_id(service, request_id) if e.get("logger", "").endswith(".access")]
    assert len(found) == 1, f"{service.name}: expected one access line for {request_id}, got {found}"
    return found[0]


def test_the_request_id_auth_logs_for_post_notas_is_in_musics_log_for_get_search(new_user, auth, music):
    user = new_user("logs")
    response = user.post("/notas", json={"cancion": "Bohemian Rhapsody"})
    assert response.status_code == 201, response.text
    request_id = response.headers["X-Request-ID"]
    assert request_id

    auth_entry = access_line(auth, request_id)
    assert set(auth_entry) >= ACCESS_FIELDS
    assert auth_entry["service"] == "auth" and auth_entry["level"] == "INFO"
    assert (auth_entry["method"], auth_entry["path"], auth_entry["status"]) == ("POST", "/notas", 201)
    assert auth_entry["user_id"] == user.user_id
    assert isinstance(auth_entry["duration_ms"], int | float)

    music_entry = access_line(music, request_id)
    assert set(music_entry) >= ACCESS_FIELDS
    assert music_entry["service"] == "music"
    assert (music_entry["method"], music_entry["path"], music_entry["status"]) == ("GET", "/search", 200)
    # music answered inside auth's request: it cannot have taken longer than the whole of it.
    assert music_entry["duration_ms"] <= auth_entry["duration_ms"]

    # Grepping the id also finds what auth did with the answer: the note it saved.
    note_id = response.json()["nota"]["id"]
    created = [e for e in with_id(auth, request_id) if e.get("message") == "note created"]
    assert [e.get("note_id") for e in created] == [note_id]


def test_a_caller_supplied_request_id_is_honoured_end_to_end(new_user, auth, music):
    user = new_user("traced")
    request_id = f"postman-{uuid.uuid4()}"
    response = user.post("/notas", json={"cancion": "Queen"}, headers={"X-Request-ID": request_id})
    assert response.status_code == 201, response.text
    assert response.headers["X-Request-ID"] == request_id

    assert access_line(auth, request_id)["path"] == "/notas"
    assert access_line(music, request_id)["path"] == "/search"

    # An edit that changes the song is searched again, under the edit's own id.
    edit_id = f"edit-{uuid.uuid4().hex}"
    note_id = response.json()["nota"]["id"]
    edited = user.request(
        "PATCH", f"/notas/{note_id}", json={"cancion": "Under Pressure"}, headers={"X-Request-ID": edit_id}
    )
    assert edited.status_code == 200 and edited.headers["X-Request-ID"] == edit_id
    assert access_line(auth, edit_id)["path"] == f"/notas/{note_id}"
    assert access_line(music, edit_id)["path"] == "/search"


def test_a_malformed_request_id_is_replaced_and_the_replacement_is_what_music_sees(new_user, auth, music):
    user = new_user("badid")
    sent = "no vale; tiene espacios\ty tabuladores"
    response = user.post("/notas", json={"cancion": "Queen"}, headers={"X-Request-ID": sent})
    assert response.status_code == 201
    request_id = response.headers["X-Request-ID"]
    assert request_id != sent and len(request_id) == 32
    assert access_line(auth, request_id)["path"] == "/notas"
    assert access_line(music, request_id)["path"] == "/search"
    assert sent not in auth.logs() and sent not in music.logs()


def test_music_called_directly_echoes_and_logs_the_id(music):
    import requests

    request_id = f"direct-{uuid.uuid4().hex}"
    response = requests.get(
        f"{music.url}/search",
        params={"q": "Queen"},
        headers={"X-Request-ID": request_id, **music.service_auth},
        timeout=10,
    )
    assert response.status_code == 200
    assert response.headers["X-Request-ID"] == request_id
    entry = access_line(music, request_id)
    assert entry["status"] == 200 and entry["service"] == "music"


def test_a_pending_notes_later_enrichment_is_traced_from_the_runner_to_music(tmp_path):
    """A note saved while music was down is enriched later by the runner, under an id of its own."""
    music = music_process(tmp_path, port=free_port(), name="music-late")  # not started yet
    auth = auth_process(
        tmp_path, name="auth-late", database_url=f"sqlite:///{tmp_path / 'notas.db'}", music_url=music.url
    )
    with auth:
        user = Api(auth.url).register_and_login("late")
        created = user.post("/notas", json={"cancion": "Bohemian Rhapsody"})
        assert created.status_code == 201
        note = created.json()["nota"]
        assert note["enriquecimiento"] == "pendiente"
        request_id = created.headers["X-Request-ID"]
        assert access_line(auth, request_id)["status"] == 201  # music never saw this one

        with music, enrich_runner(auth, interval=0.3) as runner:
            wait_until(
                lambda: user.get(f"/notas/{note['id']}").json()["enriquecimiento"] != "pendiente",
                timeout=30,
                interval=0.2,
                message=lambda: f"note {note['id']} still pendiente; runner log:\n{runner.logs()[-3000:]}",
            )
            enriched = [
                e
                for e in lines(runner)
                if e.get("message") == "note enrichment" and e.get("note_id") == note["id"]
            ]
            assert [e["enrichment"] for e in enriched] == ["ok"]
            runner_id = enriched[0]["request_id"]
            assert runner_id.startswith(f"enrich-{note['id']}-")
            searched = access_line(music, runner_id)
            assert (searched["method"], searched["path"], searched["status"]) == ("GET", "/search", 200)
