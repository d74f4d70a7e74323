"""The ownership matrix against a live auth_service: another user's note does not exist for you
(404 on every method, the row untouched), and no body field ever changes who owns a note."""

import sqlite3
import uuid

import pytest
import requests

from tests.support.http import Api

COLUMNS = (
    "id, user_id, cancion, texto, foto, spotify_id, titulo, artista, album, "
    "enriquecimiento, creada, actualizada"
)


def row(auth, note_id):
    with sqlite3.connect(auth.database, timeout=30) as db:
        return db.execute(f"SELECT {COLUMNS} FROM notes_note WHERE id = ?", (note_id,)).fetchone()  # noqa: S608


@pytest.fixture(scope="module")
def two_users(auth):
    tag = uuid.uuid4().hex[:8]
    return Api(auth.url).register_and_login(f"ana{tag}"), Api(auth.url).register_and_login(f"bruno{tag}")


@pytest.fixture
def ana_and_bruno(two_users):
    """Ana with one fresh note; Bruno with none (he never keeps one)."""
    ana, bruno = two_users
    note = ana.post("/notas", json={"cancion": "Queen", "texto": "de Ana"}).json()["nota"]
    return ana, bruno, note["id"]


BODIES = {
    "GET": None,
    "PUT": {"cancion": "Hackeada", "texto": "por Bruno"},
    "PATCH": {"texto": "por Bruno"},
    "DELETE": None,
}


@pytest.mark.parametrize("method", list(BODIES))
@pytest.mark.parametrize("slash", ["", "/"])
def test_another_users_note_is_404_and_the_row_is_unchanged(method, slash, ana_and_bruno, auth):
    ana, bruno, note_id = ana_and_bruno
    before = row(auth, note_id)

    response = bruno.request(method, f"/notas/{note_id}{slash}", json=BODIES[method])

    assert response.status_code == 404, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    assert set(response.json()) == {"error", "detalle"}
    assert "Queen" not in response.text and "de Ana" not in response.text
    assert row(auth, note_id) == before
    assert ana.get(f"/notas/{note_id}").json()["texto"] == "de Ana"


def test_another_users_note_looks_exactly_like_a_missing_one(ana_and_bruno):
    """No oracle: "exists but not yours" and "does not exist" answer the same."""
    _ana, bruno, note_id = ana_and_bruno
    for method, body in BODIES.items():
        theirs = bruno.request(method, f"/notas/{note_id}", json=body)
        missing = bruno.request(method, f"/notas/{note_id + 10_000_000}", json=body)
        assert (theirs.status_code, theirs.json()) == (missing.status_code, missing.json()), method


def test_the_list_never_shows_another_users_notes(ana_and_bruno):
    _ana, bruno, note_id = ana_and_bruno
    for query in ("", "?page_size=100", "?page=1&page_size=100", f"?id={note_id}", f"?user={_ana.user_id}"):
        listed = bruno.get(f"/notas{query}")
        assert listed.status_code == 200, (query, listed.text)
        assert listed.json()["count"] == 0, query


@pytest.mark.parametrize("method", list(BODIES))
def test_without_a_token_every_method_is_401_and_the_row_is_unchanged(method, ana_and_bruno, auth):
    _ana, _bruno, note_id = ana_and_bruno
    before = row(auth, note_id)
    response = requests.request(method, f"{auth.url}/notas/{note_id}", json=BODIES[method], timeout=10)
    assert response.status_code == 401, response.text
    assert row(auth, note_id) == before


OWNER_FIELDS = [
    {"user_id": "{victim}"},
    {"user": "{victim}"},
    {"user": {"id": "{victim}"}},
    {"user_id": "{victim}", "user": "{victim}", "owner": "{victim}", "usuario": "{victim}"},
]


def _fill(fields: dict, victim: int) -> dict:
    out = {}
    for key, value in fields.items():
        if isinstance(value, dict):
            out[key] = _fill(value, victim)
        else:
            out[key] = victim if value == "{victim}" else value
    return out


@pytest.mark.parametrize("fields", OWNER_FIELDS, ids=lambda f: "+".join(f))
@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH"])
def test_an_owner_in_the_body_never_changes_the_owner(method, fields, two_users, auth):
    owner, victim = two_users
    body = {"cancion": "Bohemian Rhapsody", **_fill(fields, victim.user_id)}
    if method == "POST":
        response = owner.post("/notas", json=body)
        assert response.status_code == 201, response.text
        note_id = response.json()["nota"]["id"]
    else:
        note_id = owner.post("/notas", json={"cancion": "Queen"}).json()["nota"]["id"]
        response = owner.request(method, f"/notas/{note_id}", json=body)
        assert response.status_code == 200, response.text

    assert row(auth, note_id)[1] == owner.user_id
    assert victim.get("/notas").json()["count"] == 0  # the victim never owns a note here
    assert victim.get(f"/notas/{note_id}").status_code == 404
    assert owner.get(f"/notas/{note_id}").status_code == 200
