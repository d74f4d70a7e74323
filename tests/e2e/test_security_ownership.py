"""Ownership against a live auth_service: another user's note does not exist for you (404 on every
method, the row untouched), and no body field ever changes who owns a note."""

import uuid

import pytest
import requests

from tests.e2e.helpers import assert_json_error, sql
from tests.support.http import Api

BODIES = {
    "GET": None,
    "PUT": {"cancion": "Hackeada", "texto": "por Bruno"},
    "PATCH": {"texto": "por Bruno"},
    "DELETE": None,
}


def row(auth, note_id):
    return sql(auth.database, "SELECT * FROM notes_note WHERE id = ?", note_id)


@pytest.fixture(scope="module")
def two_users(auth):
    tag = uuid.uuid4().hex[:8]
    return Api(auth.url).register_and_login(f"ana{tag}"), Api(auth.url).register_and_login(f"bruno{tag}")


@pytest.fixture
def note_id(two_users):
    """A fresh note of Ana's; Bruno never keeps one."""
    return two_users[0].post("/notas", json={"cancion": "Queen", "texto": "de Ana"}).json()["nota"]["id"]


@pytest.mark.parametrize("method", list(BODIES))
@pytest.mark.parametrize("slash", ["", "/"])
def test_another_users_note_is_404_and_the_row_is_unchanged(method, slash, two_users, note_id, auth):
    ana, bruno = two_users
    before = row(auth, note_id)
    response = bruno.request(method, f"/notas/{note_id}{slash}", json=BODIES[method])
    assert_json_error(response, 404)
    assert "Queen" not in response.text and "de Ana" not in response.text
    # No oracle: "exists but not yours" answers as "does not exist".
    missing = bruno.request(method, f"/notas/{note_id + 10_000_000}{slash}", json=BODIES[method])
    assert response.json() == missing.json() and missing.status_code == 404
    # Without a token: 401.
    anonymous = requests.request(method, f"{auth.url}/notas/{note_id}", json=BODIES[method], timeout=10)
    assert anonymous.status_code == 401, anonymous.text
    assert row(auth, note_id) == before
    assert ana.get(f"/notas/{note_id}").json()["texto"] == "de Ana"


# One owner field or several, as the id itself or as an object.
OWNER_FIELDS = [("user_id",), ("user",), ("user", "id"), ("user_id", "user", "owner", "usuario")]


@pytest.mark.parametrize("fields", OWNER_FIELDS, ids=["user_id", "user", "user.id", "all"])
@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH"])
def test_an_owner_in_the_body_never_changes_the_owner(method, fields, two_users, auth):
    owner, victim = two_users
    # Read-only fields in the body are ignored too.
    extra = {"foto": "https://evil.example/x.png", "enriquecimiento": "ok"}
    owners = (
        {"user": {"id": victim.user_id}}
        if fields == ("user", "id")
        else dict.fromkeys(fields, victim.user_id)
    )
    body = {"cancion": "Bohemian Rhapsody", **extra, **owners}
    if method == "POST":
        response = owner.post("/notas", json=body)
        assert response.status_code == 201, response.text
        note = response.json()["nota"]
    else:
        note = owner.post("/notas", json={"cancion": "Queen"}).json()["nota"]
        response = owner.request(method, f"/notas/{note['id']}", json=body)
        assert response.status_code == 200, response.text
        note = response.json()
    assert note["foto"] != extra["foto"]
    assert sql(auth.database, "SELECT user_id FROM notes_note WHERE id = ?", note["id"]) == [(owner.user_id,)]
    assert victim.get(f"/notas/{note['id']}").status_code == 404
    # The list never shows another user's notes, whatever the query asks.
    for query in (
        "",
        "?page_size=100",
        "?page=1&page_size=100",
        f"?id={note['id']}",
        f"?user={owner.user_id}",
    ):
        listed = victim.get(f"/notas{query}")
        assert listed.status_code == 200 and listed.json()["count"] == 0, (query, listed.text)
