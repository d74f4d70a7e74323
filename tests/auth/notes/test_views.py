"""/notas through the API: what is stored, what is shown, and what music's answer does to a note."""

from datetime import timedelta

import pytest
from django.utils import timezone

from notes.models import Note

pytestmark = pytest.mark.django_db

SPOTIFY = "https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC"
MUSICA = {"spotify_id": "4uLU6hMCjMI75M1A2tKUQC", "titulo": "Never Gonna Give You Up", "artista": "Rick"}
MUSICA |= {"album": "Whenever You Need Somebody", "spotify_url": SPOTIFY, "preview_url": None, "url": SPOTIFY}
# JSON that is not a string: a Spanish 400 naming the field (1e999 was once stored as the song "inf").
NOT_STRINGS = ["1e999", "-0.5", "12", "true", "false", '["Imagine"]', '{"titulo": "Imagine"}']


@pytest.fixture
def client(client_for, ana):
    return client_for(ana)


@pytest.mark.parametrize("field", ["cancion", "texto"])
@pytest.mark.parametrize("value", NOT_STRINGS)
def test_cancion_and_texto_must_be_json_strings_on_post_put_and_patch(client, ana, field, value):
    note = Note.objects.create(user=ana, cancion="Imagine", texto="antes")
    others = {"cancion": '"Imagine"', "texto": '"hola"'}
    body = "{" + ", ".join(f'"{name}": {value if name == field else others[name]}' for name in others) + "}"
    refused = {"error": "Datos no válidos.", "detalle": {field: ["No es una cadena válida."]}}
    for method, path in [("post", "/notas"), ("put", f"/notas/{note.id}"), ("patch", f"/notas/{note.id}")]:
        response = getattr(client, method)(path, body, content_type="application/json")
        assert (response.status_code, response.json()) == (400, refused), method
    assert list(Note.objects.values_list("cancion", "texto")) == [("Imagine", "antes")]


def test_form_posts_are_strings_and_still_work_and_cancion_is_trimmed_and_200_chars_fit(client):
    """The browsable API's HTML form (multipart) and urlencoded forms send text."""
    created = client.post("/notas", {"cancion": "  " + "a" * 200 + "  ", "texto": "12"}, format="multipart")
    assert (created.status_code, created.json()["nota"]["texto"]) == (201, "12")
    assert created.json()["nota"]["cancion"] == "a" * 200
    form = "application/x-www-form-urlencoded"
    changed = client.generic("PATCH", f"/notas/{created.json()['nota']['id']}", "texto=3", content_type=form)
    assert (changed.status_code, Note.objects.get().texto) == (200, "3")


def test_music_unreachable_saves_pendiente_with_aviso_and_due_again_soon(client, ana, settings):
    body = client.post("/notas", {"cancion": "Queen", "texto": "hola"}, format="json").json()
    assert body["mensaje"] == "Guardado con éxito"
    assert body["aviso"] == (
        "El servicio de música no está disponible ahora: la nota está guardada y la foto "
        "se añadirá automáticamente en cuanto vuelva."
    )
    nota = body["nota"]
    assert (nota["enriquecimiento"], nota["musica"], nota["foto"]) == ("pendiente", None, None)
    note = Note.objects.get(user=ana)
    assert (note.enrich_attempts, note.incomplete_since) == (0, None)  # music down: no attempt counted
    assert note.next_enrich_at <= timezone.now() + timedelta(seconds=settings.ENRICH_MAX_BACKOFF)


def test_a_song_missing_while_a_provider_fails_says_so_and_names_it(client, music_incomplete):
    body = client.post("/notas", {"cancion": "zzzz qqqq no existe"}, format="json").json()
    assert body["nota"]["enriquecimiento"] == "pendiente"
    assert body["aviso"] == (
        "La canción no está en las fuentes que respondieron: la nota está guardada y se volverá a buscar "
        "cuando respondan las que fallaron (deezer)."
    )
    found = client.post("/notas", {"cancion": "Bohemian Rhapsody"}, format="json").json()
    assert found["nota"]["enriquecimiento"] == "ok" and "aviso" not in found


def test_a_found_song_is_musica_and_its_cover_and_source_are_the_notes_own(client, ana):
    cover = "https://i.scdn.co/image/ab67616d0000b273baf89eb11ec7c657805d2da0"
    note = Note.objects.create(
        user=ana, cancion="R", enriquecimiento="ok", foto=cover, fuente="spotify", **MUSICA
    )
    shown = client.get(f"/notas/{note.id}").json()
    assert shown["musica"] == MUSICA and list(shown["musica"]) == list(MUSICA)
    assert (shown["foto"], shown["fuente"]) == (cover, "spotify")


def test_music_fills_the_note_and_a_new_song_drops_the_old_ones_enrichment(client, music_up):
    nota = client.post("/notas", {"cancion": "Despacito"}, format="json").json()["nota"]
    assert (nota["enriquecimiento"], nota["fuente"]) == ("ok", "offline")
    assert nota["foto"].startswith("data:image/svg+xml") and nota["musica"]["artista"].startswith("Luis")
    assert nota["musica"]["url"] is None  # the offline catalog has no page for its songs
    path = f"/notas/{nota['id']}"
    changed = client.patch(path, {"cancion": "zzzz qqqq no existe"}, format="json").json()
    shown = [changed[name] for name in ("enriquecimiento", "foto", "fuente", "musica")]
    assert shown == ["sin_resultados", None, None, None]
    same_song = client.patch(path, {"texto": "solo texto"}, format="json").json()  # not looked up again
    assert same_song["enriquecimiento"] == "sin_resultados"


@pytest.mark.parametrize("mode", ["async", "off"])
def test_async_and_off_modes_save_pendiente_without_asking_music(client, music_up, settings, mode):
    settings.ENRICHMENT_MODE = mode
    searches = music_up.logs().count('"path": "/search"')
    created = client.post("/notas", {"cancion": "Queen"}, format="json").json()
    assert created["nota"]["enriquecimiento"] == "pendiente"
    assert music_up.logs().count('"path": "/search"') == searches
    # Music was not asked, so the aviso must not say it is down.
    assert created["aviso"] == (
        "La nota está guardada; la foto se buscará en segundo plano y se añadirá automáticamente."
    )


def test_list_is_owner_scoped_newest_first_and_paginated(client, ana, make_user):
    Note.objects.create(user=make_user(), cancion="ajena")
    ids = [Note.objects.create(user=ana, cancion=f"c{i}").id for i in range(25)]
    page1 = client.get("/notas").json()
    assert page1["count"] == 25 and [n["id"] for n in page1["results"]] == ids[::-1][:20]
    assert [n["id"] for n in client.get(page1["next"]).json()["results"]] == ids[::-1][20:]
    assert [n["id"] for n in client.get("/notas?page_size=5").json()["results"]] == ids[::-1][:5]
