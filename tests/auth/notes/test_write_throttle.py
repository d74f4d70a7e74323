"""The per-user limit on note writes (NOTES_WRITE_RATE): POST/PUT/PATCH /notas count, reads and
deletes do not; 429 in our JSON shape with Retry-After; each user has their own window."""

import json

import pytest
from django.core.exceptions import ImproperlyConfigured
from drf_spectacular.generators import SchemaGenerator
from openapi_core import OpenAPI

from config.settings import rest
from notes.models import Note

pytestmark = pytest.mark.django_db

LIMIT = 3


def set_rate(settings, rate):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "notes_write": rate}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}


@pytest.fixture
def small_rate(settings):
    set_rate(settings, f"{LIMIT}/min")


def assert_429(response) -> None:
    assert response.status_code == 429, response.content
    assert response["Content-Type"].startswith("application/json")
    retry_after = int(response["Retry-After"])
    assert 1 <= retry_after <= 60
    body = response.json()
    assert body["detalle"] == {"reintentar_en_segundos": retry_after}
    assert body["error"].startswith("Demasiadas notas guardadas seguidas")
    assert "segundo" in body["error"]  # the wait, in Spanish


def post(client, song="Queen"):
    return client.post("/notas", {"cancion": song}, format="json")


def test_the_31st_write_in_a_minute_is_429_by_default(make_user, client_for):
    client = client_for(make_user())
    for i in range(30):
        assert post(client, f"c{i}").status_code == 201, i
    assert_429(post(client, "una más"))
    assert Note.objects.count() == 30


def test_every_kind_of_write_counts_and_reads_and_deletes_do_not(small_rate, make_user, client_for):
    ana = client_for(make_user("ana"))
    note = post(ana).json()["nota"]
    assert ana.put(f"/notas/{note['id']}", {"cancion": "Abba"}, format="json").status_code == 200
    assert ana.patch(f"/notas/{note['id']}", {"texto": "x"}, format="json").status_code == 200
    # The window is full: every write is refused, before validation and before music is asked.
    assert_429(post(ana, "Despacito"))
    assert_429(ana.put(f"/notas/{note['id']}", {"cancion": "Otra"}, format="json"))
    assert_429(ana.patch(f"/notas/{note['id']}", {"cancion": "Otra"}, format="json"))
    assert_429(ana.post("/notas", {}, format="json"))
    assert Note.objects.get(id=note["id"]).cancion == "Abba"
    # Reading and deleting cost no Spotify search: not limited.
    for _ in range(LIMIT + 2):
        assert ana.get("/notas").status_code == 200
        assert ana.get(f"/notas/{note['id']}").status_code == 200
    assert ana.delete(f"/notas/{note['id']}").status_code == 204


def test_each_user_has_a_window_of_their_own_and_invalid_writes_count_too(small_rate, make_user, client_for):
    ana, bruno = client_for(make_user("ana")), client_for(make_user("bruno"))
    for _ in range(LIMIT):
        assert ana.post("/notas", {"cancion": ""}, format="json").status_code == 400
    assert_429(post(ana))
    for _ in range(LIMIT):
        assert post(bruno).status_code == 201
    assert_429(post(bruno))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", "30/min"),
        ("5/min", "5/min"),
        ("100/hour", "100/hour"),
        ("2/s", "2/s"),
        ("off", None),
        ("OFF", None),
    ],
)
def test_notes_write_rate_is_read_from_the_environment(monkeypatch, raw, expected):
    monkeypatch.setenv("NOTES_WRITE_RATE", raw)
    assert rest.env_rate("NOTES_WRITE_RATE", "30/min") == expected


@pytest.mark.parametrize("raw", ["30", "30 per minute", "0/min", "-1/min", "x/min", "30/week", "30/", "none"])
def test_a_malformed_rate_stops_the_start(monkeypatch, raw):
    monkeypatch.setenv("NOTES_WRITE_RATE", raw)
    with pytest.raises(ImproperlyConfigured, match="NOTES_WRITE_RATE"):
        rest.env_rate("NOTES_WRITE_RATE", "30/min")


def test_the_schema_documents_the_429_on_note_writes_only(small_rate, make_user, client_for):
    from tests.auth.config.test_openapi import validate

    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = schema["paths"]
    for path, method in [("/notas", "post"), ("/notas/{id}", "put"), ("/notas/{id}", "patch")]:
        assert "429" in paths[path][method]["responses"], (method, path)
    for path, method in [("/notas", "get"), ("/notas/{id}", "get"), ("/notas/{id}", "delete")]:
        assert "429" not in paths[path][method]["responses"], (method, path)
    # A real 429 validates against it.
    client = client_for(make_user())
    for _ in range(LIMIT):
        post(client)
    refused = post(client)
    assert_429(refused)
    validate(OpenAPI.from_dict(json.loads(json.dumps(schema, default=str))), refused)


def test_a_replayed_idempotency_key_is_not_a_new_write(small_rate, make_user, client_for):
    """Its original 201 again: no note, no search, so no count. A new key, or none, counts."""
    client = client_for(make_user())

    def keyed(key, song="Queen"):
        return client.post("/notas", {"cancion": song}, format="json", HTTP_IDEMPOTENCY_KEY=key)

    first = keyed("k1")
    assert first.status_code == 201
    for _ in range(LIMIT + 2):
        replay = keyed("k1")
        assert replay.status_code == 201 and replay["Idempotent-Replayed"] == "true"
        assert replay.json() == first.json()
    assert keyed("k1", song="otra").status_code == 422  # same key, another body: refused, no write
    for i in range(LIMIT - 1):
        assert keyed(f"k{i + 2}", song=f"c{i}").status_code == 201
    assert_429(keyed("k9", song="una más"))
    assert_429(post(client, "sin clave"))
    assert keyed("k1").status_code == 201  # a replay still answers when the window is full
    assert Note.objects.count() == LIMIT
