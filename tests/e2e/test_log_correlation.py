"""One note's journey, grepped across both services' JSON log files by its request id, as a person
would (never the services' internals)."""

import uuid

import pytest
import requests

from tests.e2e.helpers import json_lines, services
from tests.support.http import Api
from tests.support.waiting import wait_until

ACCESS_FIELDS = {"time", "level", "service", "method", "path", "status", "duration_ms", "request_id"}


@pytest.fixture(scope="module")
def stack(tmp_path_factory, spotify):
    """Its own music and auth (their logs are this module's); every note reaches music: no HTTP cache."""
    with services(
        tmp_path_factory.mktemp("correlation"), "traced", spotify=spotify, MUSIC_HTTP_CACHE_ENTRIES="0"
    ) as both:
        yield both


def with_id(service, request_id: str) -> list[dict]:
    """The log lines carrying ``request_id`` (waits briefly for the file to be written)."""
    return wait_until(
        lambda: [entry for entry in json_lines(service.logs()) if entry.get("request_id") == request_id],
        timeout=5, interval=0.05, message=f"{service.name}: no log line with request_id {request_id}",
    )  # fmt: skip


def access_line(service, request_id: str) -> dict:
    found = [e for e in with_id(service, request_id) if e.get("logger", "").endswith(".access")]
    assert len(found) == 1, f"{service.name}: expected one access line for {request_id}, got {found}"
    return found[0]


def test_the_request_id_of_a_note_is_in_both_services_logs_a_callers_honoured_a_malformed_replaced(stack):
    auth, music = stack
    user = Api(auth.url).register_and_login(f"logs{uuid.uuid4().hex[:8]}")
    response = user.post("/notas", json={"cancion": "Bohemian Rhapsody"})
    assert response.status_code == 201, response.text
    request_id = response.headers["X-Request-ID"]
    auth_entry, music_entry = access_line(auth, request_id), access_line(music, request_id)
    assert set(auth_entry) >= ACCESS_FIELDS and set(music_entry) >= ACCESS_FIELDS
    assert (auth_entry["service"], auth_entry["level"], music_entry["service"]) == ("auth", "INFO", "music")
    assert (auth_entry["method"], auth_entry["path"], auth_entry["status"]) == ("POST", "/notas", 201)
    assert (music_entry["method"], music_entry["path"], music_entry["status"]) == ("GET", "/search", 200)
    assert auth_entry["user_id"] == user.user_id
    # music answered inside auth's request: it cannot have taken longer than the whole of it.
    assert music_entry["duration_ms"] <= auth_entry["duration_ms"]
    # Grepping the id also finds what auth did with the answer: the note it saved.
    note_id = response.json()["nota"]["id"]
    created = [e.get("note_id") for e in with_id(auth, request_id) if e.get("message") == "note created"]
    assert created == [note_id]

    # A caller's id is used end to end, as is an edit's (a new song is searched again); a malformed one
    # is replaced and never logged.
    caller_id, edit_id = f"postman-{uuid.uuid4()}", f"edit-{uuid.uuid4().hex}"
    sent = "no vale; tiene espacios\ty tabuladores"
    edit = {"json": {"cancion": "Under Pressure"}, "headers": {"X-Request-ID": edit_id}}
    answers = [
        user.post("/notas", json={"cancion": "Queen"}, headers={"X-Request-ID": caller_id}),
        user.request("PATCH", f"/notas/{note_id}", **edit),
        user.post("/notas", json={"cancion": "Queen"}, headers={"X-Request-ID": sent}),
    ]
    assert [a.status_code for a in answers] == [201, 200, 201]
    replaced = answers[2].headers["X-Request-ID"]
    assert [a.headers["X-Request-ID"] for a in answers[:2]] == [caller_id, edit_id]
    assert replaced != sent and len(replaced) == 32
    for rid, path in ((caller_id, "/notas"), (edit_id, f"/notas/{note_id}"), (replaced, "/notas")):
        assert access_line(auth, rid)["path"] == path
        assert access_line(music, rid)["path"] == "/search"
    assert sent not in auth.logs() and sent not in music.logs()
    direct_id = f"direct-{uuid.uuid4().hex}"  # music called directly echoes and logs a caller's id too
    headers = {"X-Request-ID": direct_id, **music.service_auth}
    direct = requests.get(f"{music.url}/search", params={"q": "Queen"}, headers=headers, timeout=10)
    assert direct.headers["X-Request-ID"] == direct_id and access_line(music, direct_id)["status"] == 200
