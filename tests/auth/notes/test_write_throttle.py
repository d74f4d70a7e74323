"""NOTES_WRITE_RATE per user: POST/PUT/PATCH /notas count, invalid ones too; reads and deletes don't
(the default 30/min under a burst, and replays: tests/e2e/test_security_bursts.py)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from musica_kit.env import env_rate
from notes.models import Note

pytestmark = pytest.mark.django_db

LIMIT = 3


def assert_429(response) -> None:
    assert response.status_code == 429, response.content
    retry_after = int(response["Retry-After"])
    assert 1 <= retry_after <= 60
    body = response.json()
    assert body["detalle"] == {"reintentar_en_segundos": retry_after}
    assert body["error"].startswith("Demasiadas notas guardadas seguidas") and "segundo" in body["error"]


def post(client, song="Queen"):
    return client.post("/notas", {"cancion": song}, format="json")


def test_every_kind_of_write_counts_and_reads_and_deletes_do_not(rates, make_user, client_for):
    rates(notes_write=f"{LIMIT}/min")
    ana = client_for(make_user("ana"))
    path = f"/notas/{post(ana).json()['nota']['id']}"  # PUT replaces, PATCH updates
    assert ana.put(path, {"cancion": "Abba", "texto": "nuevo"}, format="json").json()["texto"] == "nuevo"
    assert ana.patch(f"{path}/", {"texto": ""}, format="json").status_code == 200
    # The window is full: every write is refused, before validation and before music is asked.
    assert_429(post(ana, "Despacito"))
    assert_429(ana.put(path, {"cancion": "Otra"}, format="json"))
    assert_429(ana.patch(path, {"cancion": "Otra"}, format="json"))
    assert_429(ana.post("/notas", {}, format="json"))
    assert (Note.objects.get().cancion, Note.objects.get().texto) == ("Abba", "")
    for _ in range(LIMIT + 2):  # reading and deleting cost no Spotify search
        assert ana.get("/notas").status_code == ana.get(path).status_code == 200
    assert ana.delete(path).status_code == 204


def test_each_user_has_a_window_of_their_own_and_invalid_writes_count_too(rates, make_user, client_for):
    rates(notes_write=f"{LIMIT}/min")
    ana, bruno = client_for(make_user("ana")), client_for(make_user("bruno"))
    for client, song, status in [(ana, "", 400), (bruno, "Queen", 201)]:
        for _ in range(LIMIT):
            assert post(client, song).status_code == status
        assert_429(post(client))


RATES = {"": "30/min", "5/min": "5/min", "100/hour": "100/hour", "2/s": "2/s", "off": None, "OFF": None}
MALFORMED = ["30", "30 per minute", "0/min", "-1/min", "x/min", "30/week", "30/", "none"]


@pytest.mark.parametrize("raw", [*RATES, *MALFORMED])
def test_notes_write_rate_is_read_from_the_environment_and_a_malformed_one_stops_the_start(monkeypatch, raw):
    monkeypatch.setenv("NOTES_WRITE_RATE", raw)
    if raw in MALFORMED:
        with pytest.raises(ImproperlyConfigured, match="NOTES_WRITE_RATE"):
            env_rate("NOTES_WRITE_RATE", "30/min")
    else:
        assert env_rate("NOTES_WRITE_RATE", "30/min") == RATES[raw]
