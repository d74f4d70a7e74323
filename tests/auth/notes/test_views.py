import pytest

from notes.models import Note

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana(make_user):
    return make_user("ana")


@pytest.fixture
def client(client_for, ana):
    return client_for(ana)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "cancion"),
        ({"cancion": ""}, "cancion"),
        ({"cancion": "   "}, "cancion"),
        ({"cancion": "x" * 201}, "cancion"),
        ({"cancion": "Queen", "texto": "x" * 5001}, "texto"),
    ],
)
def test_invalid_notes_are_400_and_nothing_is_saved(client, body, field):
    response = client.post("/notas", body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["detalle"]
    assert Note.objects.count() == 0


# JSON that is not a string: each gets a Spanish 400 ("No es una cadena válida.") naming the field.
NOT_STRINGS = {
    "1e999": "1e999",  # Python reads it as inf: it was stored as the song "inf"
    "-0.5": "-0.5",
    "12": "12",
    "true": "true",
    "false": "false",
    "list": '["Imagine"]',
    "object": '{"titulo": "Imagine"}',
}


@pytest.mark.parametrize("field", ["cancion", "texto"])
@pytest.mark.parametrize("value", NOT_STRINGS.values(), ids=NOT_STRINGS.keys())
def test_cancion_and_texto_must_be_json_strings_on_post_put_and_patch(client, ana, field, value):
    note = Note.objects.create(user=ana, cancion="Imagine", texto="antes")
    others = {"cancion": '"Imagine"', "texto": '"hola"'}
    body = "{" + ", ".join(f'"{name}": {value if name == field else others[name]}' for name in others) + "}"
    for method, path in [("post", "/notas"), ("put", f"/notas/{note.id}"), ("patch", f"/notas/{note.id}")]:
        response = getattr(client, method)(path, body, content_type="application/json")
        assert response.status_code == 400, (method, response.content)
        refused = {"error": "Datos no válidos.", "detalle": {field: ["No es una cadena válida."]}}
        assert response.json() == refused
    assert list(Note.objects.values_list("cancion", "texto")) == [("Imagine", "antes")]


def test_form_posts_are_strings_and_still_work(client, ana):
    """The browsable API's HTML form (multipart) and a urlencoded form send text: accepted as before."""
    created = client.post("/notas", {"cancion": "1999", "texto": "12"}, format="multipart")
    assert created.status_code == 201, created.content
    note = Note.objects.get()
    assert (note.cancion, note.texto) == ("1999", "12")
    changed = client.generic(
        "PATCH", f"/notas/{note.id}", "texto=3", content_type="application/x-www-form-urlencoded"
    )
    assert changed.status_code == 200, changed.content
    note.refresh_from_db()
    assert note.texto == "3"


def test_cancion_is_trimmed_and_200_chars_fit(client):
    response = client.post("/notas", {"cancion": "  " + "a" * 200 + "  "}, format="json")
    assert response.status_code == 201
    assert response.json()["nota"]["cancion"] == "a" * 200


def test_music_unreachable_saves_pendiente_with_aviso(client, ana):
    response = client.post("/notas", {"cancion": "Queen", "texto": "hola"}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["mensaje"] == "Guardado con éxito"
    assert body["aviso"] == (
        "El servicio de música no está disponible ahora: la nota está guardada y la foto "
        "se añadirá automáticamente en cuanto vuelva."
    )
    assert body["nota"]["enriquecimiento"] == "pendiente"
    assert body["nota"]["musica"] is None
    assert Note.objects.get().user == ana


def test_a_song_missing_while_a_provider_fails_says_so_and_names_it(client, music_incomplete):
    response = client.post("/notas", {"cancion": "zzzz qqqq no existe"}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["nota"]["enriquecimiento"] == "pendiente"
    assert body["aviso"] == (
        "La canción no está en las fuentes que respondieron: la nota está guardada y se volverá a buscar "
        "cuando respondan las que fallaron (deezer)."
    )
    # The lookup at save was music's first "incompleta" for this song: the give-up clock started.
    note = Note.objects.get(pk=body["nota"]["id"])
    assert note.enrich_attempts == 1 and note.incomplete_since is not None
    found = client.post("/notas", {"cancion": "Bohemian Rhapsody"}, format="json").json()
    assert found["nota"]["enriquecimiento"] == "ok" and "aviso" not in found


@pytest.mark.parametrize("note_id", ["999999", "abc", "1.5", "-1"])
def test_unknown_note_is_json_404(client, note_id):
    response = client.get(f"/notas/{note_id}")
    assert response.status_code == 404
    assert response.json()["error"]


def test_list_is_owner_scoped_newest_first_and_paginated(client, ana, make_user):
    other = make_user()
    Note.objects.create(user=other, cancion="ajena")
    ids = [Note.objects.create(user=ana, cancion=f"c{i}").id for i in range(25)]
    page1 = client.get("/notas").json()
    assert page1["count"] == 25
    assert [n["id"] for n in page1["results"]] == ids[::-1][:20]
    page2 = client.get(page1["next"]).json()
    assert [n["id"] for n in page2["results"]] == ids[::-1][20:]
    assert client.get("/notas?page_size=5").json()["results"][0]["id"] == ids[-1]


def test_put_replaces_and_patch_updates(client, ana):
    note = Note.objects.create(user=ana, cancion="vieja", texto="t")
    response = client.put(f"/notas/{note.id}", {"cancion": "vieja", "texto": "nuevo"}, format="json")
    assert response.status_code == 200
    assert response.json()["texto"] == "nuevo"
    response = client.patch(f"/notas/{note.id}/", {"texto": ""}, format="json")
    assert response.status_code == 200
    note.refresh_from_db()
    assert note.texto == ""
