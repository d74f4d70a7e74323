"""POST /notas with an Idempotency-Key: a retry replays the original 201, never a second note."""

import io
import json
import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from notes import music_client
from notes.models import IdempotencyKey, Note

pytestmark = pytest.mark.django_db

REPLAYED = "Idempotent-Replayed"


@pytest.fixture
def client(client_for, make_user):
    return client_for(make_user("ana"))


def post(client, body, key: str | None = "k-1", raw: str | None = None):
    headers = {"Idempotency-Key": key} if key is not None else {}
    content = raw if raw is not None else json.dumps(body)
    return client.post("/notas", content, content_type="application/json", headers=headers)


def aged(settings, **extra):
    """A created_at older than the lease (or the TTL, with hours=)."""
    return timezone.now() - timedelta(seconds=settings.IDEMPOTENCY_LEASE_SECONDS + 1, **extra)


def test_a_retry_with_the_same_key_and_body_replays_the_201(client, music_up):
    searches = music_up.logs().count('"path": "/search"')
    first = post(client, {"cancion": "Bohemian Rhapsody", "texto": "hola"})
    # The same JSON, keys in another order and spaced differently: the same request once parsed.
    again = post(client, None, raw='{ "texto" : "hola",  "cancion":"Bohemian Rhapsody" }')
    assert first.status_code == again.status_code == 201, again.content
    assert again.json() == first.json() and first.json()["nota"]["enriquecimiento"] == "ok"
    assert again[REPLAYED] == "true" and REPLAYED not in first
    assert Note.objects.count() == 1
    assert music_up.logs().count('"path": "/search"') == searches + 1  # the retry never reached music


@pytest.mark.parametrize("spelling", ['"abc-1"', "~ !" + "k" * 252])
def test_the_quoted_form_is_the_same_key_and_255_printable_characters_fit(client, spelling):
    first = post(client, {"cancion": "Queen"}, key=spelling.strip('"'))
    again = post(client, {"cancion": "Queen"}, key=spelling)
    assert first.status_code == 201 and again[REPLAYED] == "true"
    assert again.json()["nota"]["id"] == first.json()["nota"]["id"]
    assert IdempotencyKey.objects.get().key == spelling.strip('"')


def test_without_a_key_every_post_is_a_new_note_and_a_failed_validation_is_not_remembered(client):
    assert [post(client, {"cancion": "Queen"}, key=None).get(REPLAYED) for _ in range(2)] == [None] * 2
    assert post(client, {"cancion": ""}).status_code == 400
    assert not IdempotencyKey.objects.exists()
    created = post(client, {"cancion": "Queen"})  # the same key, now with a valid body
    assert created.status_code == 201 and REPLAYED not in created
    assert Note.objects.count() == 3


def test_the_same_key_while_the_first_request_runs_is_409(client, monkeypatch):
    during = []
    monkeypatch.setattr(
        music_client, "find_song", lambda query: during.append(post(client, {"cancion": "Queen"}))
    )
    assert post(client, {"cancion": "Queen"}).status_code == 201
    assert during[0].status_code == 409 and during[0]["Content-Type"] == "application/json"
    assert "en curso" in during[0].json()["error"] and during[0].json()["detalle"] == {}
    assert Note.objects.count() == 1


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


def test_keys_are_each_users_own_and_another_body_is_422(client, client_for, make_user):
    bruno = client_for(make_user("bruno"))
    mine, theirs = post(client, {"cancion": "Queen"}), post(bruno, {"cancion": "Queen"})
    assert mine.status_code == theirs.status_code == 201 and REPLAYED not in theirs
    assert mine.json()["nota"]["id"] != theirs.json()["nota"]["id"]
    other = post(bruno, {"cancion": "Otra"})
    assert (other.status_code, other["Content-Type"], other.json()["detalle"]) == (
        422,
        "application/json",
        {},
    )
    assert "otro cuerpo" in other.json()["error"]
    assert post(client, {"cancion": "Queen"})[REPLAYED] == "true"
    assert Note.objects.count() == IdempotencyKey.objects.count() == 2


@pytest.mark.parametrize("key", ["", "x" * 256, "clave-ñ", "tab\there", "a\x7f", '""'])
def test_a_malformed_key_is_400_and_nothing_is_saved(client, key):
    response = post(client, {"cancion": "Queen"}, key=key)
    assert (response.status_code, response["Content-Type"]) == (400, "application/json"), response.content
    assert "Idempotency-Key" in response.json()["detalle"]
    assert not Note.objects.exists() and not IdempotencyKey.objects.exists()


def test_an_expired_key_is_forgotten_at_the_next_post_and_by_the_runner(
    client, client_for, make_user, settings
):
    first = post(client, {"cancion": "Queen"})
    old = client_for(make_user("old"))
    post(old, {"cancion": "Queen"}, key="old-1")
    IdempotencyKey.objects.update(created_at=aged(settings, hours=settings.IDEMPOTENCY_KEY_TTL_HOURS))
    again = post(client, {"cancion": "Otra canción"})  # 422 within the TTL; a fresh key after it
    assert again.status_code == 201 and again.json()["nota"]["id"] != first.json()["nota"]["id"]
    assert IdempotencyKey.objects.get(key="k-1").note_id == again.json()["nota"]["id"]
    call_command("enrich_pending", stdout=io.StringIO())
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["k-1"]
    assert Note.objects.count() == 3  # notes stay; only their keys expire


def test_replay_survives_the_note_being_deleted(client):
    first = post(client, {"cancion": "Queen"})
    assert client.delete(f"/notas/{first.json()['nota']['id']}").status_code == 204
    again = post(client, {"cancion": "Queen"})
    assert again.status_code == 201 and again[REPLAYED] == "true"
    assert not Note.objects.exists()  # a retry never brings a deleted note back


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_key_make_one_note(make_user, client_for, settings):
    settings.ENRICHMENT_MODE = "off"
    user, start, answers = make_user("racer"), threading.Barrier(4, timeout=10), []

    def request():
        try:
            start.wait()
            answers.append(post(client_for(user), {"cancion": "Q"}, key="race"))
        finally:
            connection.close()

    threads = [threading.Thread(target=request) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=15)
    assert len(answers) == 4 and {answer.status_code for answer in answers} <= {201, 409}
    assert sum(answer.status_code == 201 and REPLAYED not in answer for answer in answers) == 1
    assert Note.objects.count() == 1 and IdempotencyKey.objects.get().status == "done"
