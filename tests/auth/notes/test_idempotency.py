"""POST /notas with an Idempotency-Key: a retry replays the original 201 (notes/idempotency.py)."""

import io
import json
import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from notes import idempotency, music_client
from notes.models import IdempotencyKey, Note

pytestmark = pytest.mark.django_db

REPLAYED = "Idempotent-Replayed"


@pytest.fixture
def ana(make_user):
    return make_user("ana")


@pytest.fixture
def client(client_for, ana):
    return client_for(ana)


def post(client, body, key: str | None = "k-1", raw: str | None = None):
    headers = {"Idempotency-Key": key} if key is not None else {}
    content = raw if raw is not None else json.dumps(body)
    return client.post("/notas", content, content_type="application/json", headers=headers)


def in_progress(user, *, started):
    """A key left in progress by a request still running, or by one that crashed."""
    fingerprint = idempotency.request_fingerprint({"cancion": "Queen"})
    IdempotencyKey.objects.create(
        user=user,
        key="k-1",
        fingerprint=fingerprint,
        status="in_progress",
        claim="x" * 32,
        created_at=started,
    )


def test_a_retry_with_the_same_key_and_body_replays_the_201(client, music_up, monkeypatch):
    lookups = []
    real_find_song = music_client.find_song

    def find_song(query):
        lookups.append(query)
        return real_find_song(query)

    monkeypatch.setattr(music_client, "find_song", find_song)
    first = post(client, {"cancion": "Bohemian Rhapsody", "texto": "hola"})
    # The same JSON, keys in another order and spaced differently: the same request once parsed.
    again = post(client, None, raw='{ "texto" : "hola",  "cancion":"Bohemian Rhapsody" }')

    assert first.status_code == again.status_code == 201, again.content
    assert again.json() == first.json()
    assert first.json()["nota"]["enriquecimiento"] == "ok"
    assert again[REPLAYED] == "true" and REPLAYED not in first
    assert Note.objects.count() == 1
    assert lookups == ["Bohemian Rhapsody"]  # one lookup: the retry never reached music
    row = IdempotencyKey.objects.get()
    assert (row.status, row.note_id, row.response_status) == ("done", first.json()["nota"]["id"], 201)


@pytest.mark.parametrize("spelling", ['"abc-1"', "~ !" + "k" * 252])
def test_the_quoted_form_is_the_same_key_and_255_printable_characters_fit(client, spelling):
    bare = spelling.strip('"')
    first = post(client, {"cancion": "Queen"}, key=bare)
    again = post(client, {"cancion": "Queen"}, key=spelling)
    assert first.status_code == 201 and again[REPLAYED] == "true"
    assert again.json()["nota"]["id"] == first.json()["nota"]["id"]
    assert IdempotencyKey.objects.get().key == bare


def test_without_a_key_every_post_is_a_new_note(client):
    post(client, {"cancion": "Queen"}, key=None)
    response = post(client, {"cancion": "Queen"}, key=None)
    assert response.status_code == 201 and REPLAYED not in response
    assert Note.objects.count() == 2
    assert not IdempotencyKey.objects.exists()


def test_the_same_key_with_another_body_is_422(client):
    first = post(client, {"cancion": "Queen"})
    other = post(client, {"cancion": "Queen", "texto": "otra"})
    assert other.status_code == 422
    assert other["Content-Type"] == "application/json"
    assert "otro cuerpo" in other.json()["error"] and other.json()["detalle"] == {}
    assert list(Note.objects.values_list("id", flat=True)) == [first.json()["nota"]["id"]]


def test_the_same_key_while_the_first_request_runs_is_409(client, ana):
    in_progress(ana, started=timezone.now())
    response = post(client, {"cancion": "Queen"})
    assert response.status_code == 409
    assert "en curso" in response.json()["error"] and response.json()["detalle"] == {}
    assert Note.objects.count() == 0


def test_a_stale_in_progress_key_left_by_a_crash_is_taken_over(client, ana, settings):
    in_progress(ana, started=timezone.now() - timedelta(seconds=settings.IDEMPOTENCY_LEASE_SECONDS + 1))
    response = post(client, {"cancion": "Queen"})
    assert response.status_code == 201, response.content
    row = IdempotencyKey.objects.get()
    assert (row.status, row.note_id) == ("done", response.json()["nota"]["id"])


def test_a_request_whose_hold_was_lost_saves_no_note(client, monkeypatch):
    """Taken over while it waited on music: its note rolls back with the key, so one key, one note."""

    def find_song(query):  # another request takes the key over meanwhile
        IdempotencyKey.objects.update(claim="someone-else")

    monkeypatch.setattr(music_client, "find_song", find_song)
    response = post(client, {"cancion": "Queen"})
    assert response.status_code == 409, response.content
    assert Note.objects.count() == 0
    assert IdempotencyKey.objects.get().status == "in_progress"  # still the taker's


def test_a_failure_after_the_hold_releases_the_key(client, monkeypatch):
    def find_song(query):
        raise RuntimeError("a bug on the way")

    monkeypatch.setattr(music_client, "find_song", find_song)
    with pytest.raises(RuntimeError):
        post(client, {"cancion": "Queen"})
    assert not IdempotencyKey.objects.exists()
    monkeypatch.undo()
    assert post(client, {"cancion": "Otra"}).status_code == 201  # the key is free for another body


def test_a_failed_validation_is_not_remembered(client):
    assert post(client, {"cancion": ""}).status_code == 400
    assert not IdempotencyKey.objects.exists()
    created = post(client, {"cancion": "Queen"})  # the same key, now with a valid body
    assert created.status_code == 201 and REPLAYED not in created


def test_keys_of_different_users_never_collide(client, client_for, make_user):
    bruno = client_for(make_user("bruno"))
    mine = post(client, {"cancion": "Queen"})
    theirs = post(bruno, {"cancion": "Queen"})
    assert mine.status_code == theirs.status_code == 201
    assert REPLAYED not in theirs
    assert mine.json()["nota"]["id"] != theirs.json()["nota"]["id"]
    assert Note.objects.count() == IdempotencyKey.objects.count() == 2
    # A different body under the same key is each user's own business, not a 422 for the other.
    assert post(bruno, {"cancion": "Otra"}).status_code == 422
    assert post(client, {"cancion": "Queen"})[REPLAYED] == "true"


@pytest.mark.parametrize("key", ["", "x" * 256, "clave-ñ", "tab\there", "a\x7f", '""'])
def test_a_malformed_key_is_400_and_nothing_is_saved(client, key):
    response = post(client, {"cancion": "Queen"}, key=key)
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/json"
    assert "Idempotency-Key" in response.json()["detalle"]
    assert Note.objects.count() == 0
    assert not IdempotencyKey.objects.exists()


def test_an_expired_key_is_forgotten_and_its_row_deleted(client, settings):
    first = post(client, {"cancion": "Queen"})
    IdempotencyKey.objects.update(
        created_at=timezone.now() - timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS + 1)
    )
    again = post(client, {"cancion": "Otra canción"})  # 422 within the TTL; a fresh key after it
    assert again.status_code == 201
    assert again.json()["nota"]["id"] != first.json()["nota"]["id"]
    assert IdempotencyKey.objects.get().note_id == again.json()["nota"]["id"]


def test_the_enrichment_runner_deletes_expired_keys(client, client_for, make_user, settings):
    old = client_for(make_user("old"))
    post(old, {"cancion": "Queen"}, key="old-1")
    post(old, {"cancion": "Queen"}, key="old-2")
    IdempotencyKey.objects.update(
        created_at=timezone.now() - timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS, seconds=1)
    )
    post(client, {"cancion": "Queen"}, key="fresh")

    call_command("enrich_pending", stdout=io.StringIO())

    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["fresh"]
    assert Note.objects.count() == 3  # notes stay; only their keys expire


def test_replay_survives_the_note_being_deleted(client):
    first = post(client, {"cancion": "Queen"})
    assert client.delete(f"/notas/{first.json()['nota']['id']}").status_code == 204
    again = post(client, {"cancion": "Queen"})
    assert again.status_code == 201 and again[REPLAYED] == "true"
    assert Note.objects.count() == 0  # a retry never brings a deleted note back


def test_the_openapi_schema_documents_the_header_409_and_422():
    operation = SchemaGenerator().get_schema(request=None, public=True)["paths"]["/notas"]["post"]
    parameters = {p.get("name"): p for p in operation["parameters"]}
    assert parameters["Idempotency-Key"]["in"] == "header"
    assert parameters["Idempotency-Key"].get("required", False) is False
    assert {"409", "422"} <= set(operation["responses"])
    assert REPLAYED in operation["responses"]["201"]["headers"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_holds_of_one_key_give_exactly_one_winner(django_user_model):
    """The unique (user, key) constraint decides a race between two requests' holds."""
    user = django_user_model.objects.create_user(username="racer", password="Canciones-2026")
    start = threading.Barrier(4, timeout=10)
    results, lock = [], threading.Lock()

    def request():
        try:
            start.wait()
            try:
                result = idempotency.idempotency_key_hold(user=user, key="race", data={"cancion": "Q"}).status
            except idempotency.KeyInUse:
                result = 409
            with lock:
                results.append(result)
        finally:
            connection.close()

    threads = [threading.Thread(target=request) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=15)
    assert sorted(results, key=str) == [409, 409, 409, "in_progress"]
    assert IdempotencyKey.objects.get().status == "in_progress"
