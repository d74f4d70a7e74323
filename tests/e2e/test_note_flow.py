"""The seed's story, end to end: register → login → POST /notas → the photo came from Spotify."""

import jwt

from tests.e2e.helpers import PASSWORD, login, sql
from tests.support.http import Api


def test_register_login_and_save_a_note_with_the_spotify_photo(auth, spotify):
    created = Api(auth.url).post("/register", json={"username": "ana", "password": PASSWORD})
    assert created.status_code == 201, created.text
    assert set(created.json()) == {"id", "username"}
    ana = login(auth.url, "ana")

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

    token_user = int(jwt.decode(ana.token, options={"verify_signature": False})["user_id"])
    row = sql(auth.database, "SELECT user_id, cancion, foto FROM notes_note WHERE id = ?", nota["id"])
    assert row == [(token_user, "Queen", nota["foto"])] and token_user == created.json()["id"]
    [(password,)] = sql(auth.database, "SELECT password FROM accounts_user WHERE id = ?", token_user)
    assert password.startswith("argon2$argon2id$")  # the live hasher (the in-process tests use md5)
    # Both path forms create and list.
    assert ana.post("/notas/", json={"cancion": "Bohemian Rhapsody"}).status_code == 201
    assert ana.get("/notas").json()["count"] == ana.get("/notas/").json()["count"] == 2
