"""The seed's story, end to end: register → login → POST /notas → the photo came from Spotify."""

import jwt

from tests.e2e.helpers import sql, sqlite_auth
from tests.support.http import Api
from tests.support.processes import free_port


def test_register_login_and_save_a_note_with_the_spotify_photo(api, auth, spotify):
    created = api.post("/register", json={"username": "ana", "password": "Canciones-2026"})
    assert created.status_code == 201, created.text
    assert set(created.json()) == {"id", "username"}
    tokens = api.post("/login", json={"username": "ana", "password": "Canciones-2026"}).json()
    ana = Api(auth.url, token=tokens["access"])

    response = ana.post("/notas", json={"cancion": "Queen", "texto": "La escuché en el coche"})

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["mensaje"] == "Guardado con éxito" and "aviso" not in body
    nota = body["nota"]
    assert nota["enriquecimiento"] == "ok"
    assert nota["foto"].startswith("https://i.scdn.co/image/")
    assert nota["musica"]["artista"] == "Queen"
    assert nota["musica"]["spotify_url"] == f"https://open.spotify.com/track/{nota['musica']['spotify_id']}"
    assert spotify.stats()["search_calls"] == 1 and spotify.stats()["queries"] == ["Queen"]
    assert [n["id"] for n in ana.get("/notas").json()["results"]] == [nota["id"]]

    token_user = int(jwt.decode(tokens["access"], options={"verify_signature": False})["user_id"])
    row = sql(auth.database, "SELECT user_id, cancion, foto FROM notes_note WHERE id = ?", nota["id"])
    assert row == [(token_user, "Queen", nota["foto"])] and token_user == created.json()["id"]


def test_both_path_forms_create_and_list(new_user):
    user = new_user()
    for path in ("/notas", "/notas/"):
        assert user.post(path, json={"cancion": "Bohemian Rhapsody"}).status_code == 201
    assert user.get("/notas").json()["count"] == user.get("/notas/").json()["count"] == 2


def test_unknown_song_is_saved_sin_resultados(new_user):
    response = new_user().post("/notas", json={"cancion": "__nada__"})
    assert response.status_code == 201
    assert (response.json()["nota"]["enriquecimiento"], response.json()["nota"]["foto"]) == (
        "sin_resultados",
        None,
    )


def test_music_down_still_saves_the_note_pendiente(tmp_path, log_dir):
    with sqlite_auth(log_dir, tmp_path, f"http://127.0.0.1:{free_port()}", "auth-music-down") as auth:
        user = Api(auth.url).register_and_login("sin_musica")
        response = user.post("/notas", json={"cancion": "Bohemian Rhapsody"})
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["mensaje"] == "Guardado con éxito" and body["aviso"]
        assert (body["nota"]["enriquecimiento"], body["nota"]["foto"]) == ("pendiente", None)
        assert user.get("/notas").json()["count"] == 1


def test_update_with_a_new_song_is_enriched_again(new_user):
    user = new_user()
    note = user.post("/notas", json={"cancion": "__nada__"}).json()["nota"]
    assert note["enriquecimiento"] == "sin_resultados"
    updated = user.request("PATCH", f"/notas/{note['id']}", json={"cancion": "Queen"})
    assert updated.status_code == 200, updated.text
    assert updated.json()["enriquecimiento"] == "ok" and updated.json()["foto"].startswith(
        "https://i.scdn.co/"
    )
    kept = user.request("PATCH", f"/notas/{note['id']}", json={"texto": "solo texto"}).json()
    assert kept["foto"] == updated.json()["foto"] and kept["texto"] == "solo texto"
    assert user.request("DELETE", f"/notas/{note['id']}").status_code == 204
    assert user.get(f"/notas/{note['id']}").status_code == 404
