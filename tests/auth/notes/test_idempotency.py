"""Idempotency-Key cases only in-process can set up (the rest live: tests/e2e/test_idempotency.py)."""

import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from notes import music_client
from notes.models import IdempotencyKey, Note

pytestmark = pytest.mark.django_db

REPLAYED = "Idempotent-Replayed"


@pytest.fixture
def client(client_for, make_user):
    return client_for(make_user("ana"))


def post(client, body, key="k-1"):
    headers = {} if key is None else {"Idempotency-Key": key}
    return client.post("/notas", json.dumps(body), content_type="application/json", headers=headers)


def aged(settings, **extra):  # older than the lease (or the TTL, with hours=)
    return timezone.now() - timedelta(seconds=settings.IDEMPOTENCY_LEASE_SECONDS + 1, **extra)


@pytest.mark.parametrize("spelling", ['"abc-1"', "~ !" + "k" * 252])
def test_the_quoted_form_is_the_same_key_and_255_printable_characters_fit(client, spelling):
    first = post(client, {"cancion": "Queen"}, key=spelling.strip('"'))
    again = post(client, {"cancion": "Queen"}, key=spelling)
    assert first.status_code == 201 and again[REPLAYED] == "true"
    assert again.json()["nota"]["id"] == first.json()["nota"]["id"]
    assert IdempotencyKey.objects.get().key == spelling.strip('"')


def test_a_stale_key_is_taken_over_and_the_request_that_lost_it_saves_no_note(client, monkeypatch, settings):
    """A worker stalled past the lease (as after a crash) loses its key to a retry: one key, one note."""
    retries = []

    def stalled(query):
        if not retries:
            retries.append(None)
            IdempotencyKey.objects.update(created_at=aged(settings))
            retries[0] = post(client, {"cancion": "Queen"})

    monkeypatch.setattr(music_client, "find_song", stalled)
    assert post(client, {"cancion": "Queen"}).status_code == 409
    assert retries[0].status_code == 201, retries[0].content
    row = IdempotencyKey.objects.get()
    assert (row.status, row.note_id) == ("done", retries[0].json()["nota"]["id"])
    assert Note.objects.count() == 1


def test_a_failure_after_the_hold_releases_the_key(client, monkeypatch):
    def find_song(query):
        raise RuntimeError("a bug on the way")

    monkeypatch.setattr(music_client, "find_song", find_song)
    with pytest.raises(RuntimeError):
        post(client, {"cancion": "Queen"})
    assert not IdempotencyKey.objects.exists()
    monkeypatch.undo()
    assert post(client, {"cancion": "Otra"}).status_code == 201  # the key is free for another body


@pytest.mark.parametrize("key", ["", "x" * 256, "clave-ñ", "tab\there", "a\x7f", '""'])
def test_a_malformed_key_is_400_and_nothing_is_saved(client, key):
    response = post(client, {"cancion": "Queen"}, key=key)
    assert (response.status_code, response["Content-Type"]) == (400, "application/json"), response.content
    assert "Idempotency-Key" in response.json()["detalle"]
    assert not Note.objects.exists() and not IdempotencyKey.objects.exists()


def test_replay_survives_the_note_being_deleted(client):
    first = post(client, {"cancion": "Queen"})
    assert client.delete(f"/notas/{first.json()['nota']['id']}").status_code == 204
    again = post(client, {"cancion": "Queen"})
    assert again.status_code == 201 and again[REPLAYED] == "true"
    assert not Note.objects.exists()  # a retry never brings a deleted note back


def test_without_a_key_or_with_an_invalid_body_nothing_is_remembered(client):
    for _ in range(2):
        assert post(client, {"cancion": "Queen"}, key=None).status_code == 201
    assert post(client, {"cancion": ""}).status_code == 400
    assert Note.objects.count() == 2 and not IdempotencyKey.objects.exists()
    created = post(client, {"cancion": "Queen"})  # the same key, now with a valid body
    assert created.status_code == 201 and REPLAYED not in created


def test_keys_of_different_users_never_collide_and_another_body_is_422(client, client_for, make_user):
    bruno = client_for(make_user("bruno"))
    mine = post(client, {"cancion": "Queen"})
    theirs = post(bruno, {"cancion": "Queen"})
    assert mine.status_code == theirs.status_code == 201 and REPLAYED not in theirs
    assert mine.json()["nota"]["id"] != theirs.json()["nota"]["id"]
    # A different body under the same key is each user's own business, not a 422 for the other.
    other = post(bruno, {"cancion": "Queen", "texto": "otra"})
    assert (other.status_code, other["Content-Type"]) == (422, "application/json")
    assert "otro cuerpo" in other.json()["error"] and other.json()["detalle"] == {}
    assert Note.objects.count() == IdempotencyKey.objects.count() == 2
    assert post(client, {"cancion": "Queen"})[REPLAYED] == "true"


def test_an_expired_key_is_forgotten_at_the_users_next_keyed_post_and_the_runner_deletes_the_rest(
    client, client_for, make_user, settings
):
    old = client_for(make_user("old"))
    post(old, {"cancion": "Queen"}, key="old-1")
    post(old, {"cancion": "Queen"}, key="old-2")
    first = post(client, {"cancion": "Queen"})
    IdempotencyKey.objects.update(created_at=aged(settings, hours=settings.IDEMPOTENCY_KEY_TTL_HOURS))
    again = post(client, {"cancion": "Otra canción"})  # 422 within the TTL; a fresh key after it
    assert again.status_code == 201 and again.json()["nota"]["id"] != first.json()["nota"]["id"]
    assert IdempotencyKey.objects.get(key="k-1").note_id == again.json()["nota"]["id"]
    assert IdempotencyKey.objects.filter(key__startswith="old-").count() == 2  # only its user's went

    call_command("enrich_pending", stdout=io.StringIO())

    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["k-1"]
    assert Note.objects.count() == 4  # notes stay; only their keys expire
