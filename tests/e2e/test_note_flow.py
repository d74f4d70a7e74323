"""The seed's story, end to end: register → login → POST /notas → the photo came from Spotify."""

import sqlite3

import jwt

from tests.support.http import Api
from tests.support.processes import auth_process, free_port


def test_register_login_and_save_a_note_with_the_spotify_photo(api, auth, spotify):
    created = api.post("/register", json={"username": "ana", "password": "Canciones-2026"})
    assert created.status_code == 201, created.text
    assert set(created.json()) == {"id", "username"}
    tokens = api.post("/login", json={"username": "ana", "password": "Canciones-2026"}).json()
    ana = Api(auth.url, token=tokens["access"])

    response = ana.post("/notas", json={"cancion": "Queen", "texto": "La escuché en el coche"})

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["mensaje"] == "Guardado con éxito"
    assert "aviso" not in body
    nota = body["nota"]
    assert nota["enriquecimiento"] == "ok"
    assert nota["foto"].startswith("https://i.scdn.co/image/")
    assert nota["musica"]["artista"] == "Queen"
    assert nota["musica"]["spotify_url"] == f"https://open.spotify.com/track/{nota['musica']['spotify_id']}"
    # The photo is the largest image the double's Spotify answer carried for that track.
    assert spotify.stats()["search_calls"] == 1
    assert spotify.stats()["queries"] == ["Queen"]

    listed = ana.get("/notas")
    assert listed.status_code == 200
    assert [n["id"] for n in listed.json()["results"]] == [nota["id"]]

    token_user = jwt.decode(tokens["access"], options={"verify_signature": False})["user_id"]
    with sqlite3.connect(auth.database) as db:
        row = db.execute(
            "SELECT user_id, cancion, foto FROM notes_note WHERE id = ?", (nota["id"],)
        ).fetchone()
    assert row == (int(token_user), "Queen", nota["foto"])
    assert int(token_user) == created.json()["id"]


def test_both_path_forms_create_and_list(new_user):
    user = new_user()
    without = user.post("/notas", json={"cancion": "Bohemian Rhapsody"})
    with_slash = user.post("/notas/", json={"cancion": "Bohemian Rhapsody"})
    assert (without.status_code, with_slash.status_code) == (201, 201)
    assert user.get("/notas").json()["count"] == 2
    assert user.get("/notas/").json()["count"] == 2


def test_owner_comes_from_the_token_not_the_body(new_user, auth):
    victim, attacker = new_user("victim"), new_user("attacker")
    response = attacker.post(
        "/notas",
        json={
            "cancion": "Queen",
            "user_id": victim.user_id,
            "user": victim.user_id,
            "foto": "https://evil.example/x.png",
            "enriquecimiento": "ok",
        },
    )
    assert response.status_code == 201
    nota = response.json()["nota"]
    assert nota["foto"] != "https://evil.example/x.png"
    with sqlite3.connect(auth.database) as db:
        (owner,) = db.execute("SELECT user_id FROM notes_note WHERE id = ?", (nota["id"],)).fetchone()
    assert owner == attacker.user_id
    assert victim.get("/notas").json()["count"] == 0


def test_another_users_note_is_404(new_user):
    ana, bruno = new_user("ana"), new_user("bruno")
    note_id = ana.post("/notas", json={"cancion": "Queen"}).json()["nota"]["id"]
    for method in ("GET", "PUT", "PATCH", "DELETE"):
        response = bruno.request(method, f"/notas/{note_id}", json={"cancion": "Hackeada"})
        assert response.status_code == 404, (method, response.text)
        assert response.headers["Content-Type"].startswith("application/json")
    assert ana.get(f"/notas/{note_id}").json()["cancion"] == "Queen"


def test_forged_token_is_401(api, new_user):
    user = new_user()
    header, payload, _signature = user.token.split(".")
    forged = jwt.encode(
        jwt.decode(user.token, options={"verify_signature": False}),
        "not-the-signing-key-but-long-enough-0123456789",
        algorithm="HS256",
    )
    for token in (forged, f"{header}.{payload}.AAAA", "garbage"):
        response = Api(api.base_url, token=token).get("/notas")
        assert response.status_code == 401, token
        assert "error" in response.json()


def test_unknown_song_is_saved_sin_resultados(new_user):
    response = new_user().post("/notas", json={"cancion": "__nada__"})
    assert response.status_code == 201
    assert response.json()["nota"]["enriquecimiento"] == "sin_resultados"
    assert response.json()["nota"]["foto"] is None


def test_music_down_still_saves_the_note_pendiente(tmp_path, log_dir):
    closed_port = free_port()  # nothing listens here: music is "stopped"
    database = tmp_path / "notas.db"
    with auth_process(
        log_dir,
        database_url=f"sqlite:///{database}",
        music_url=f"http://127.0.0.1:{closed_port}",
        name="auth-music-down",
    ) as auth:
        user = Api(auth.url).register_and_login("sin_musica")
        response = user.post("/notas", json={"cancion": "Bohemian Rhapsody"})
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["mensaje"] == "Guardado con éxito"
        assert body["aviso"]
        assert body["nota"]["enriquecimiento"] == "pendiente"
        assert body["nota"]["foto"] is None
        assert user.get("/notas").json()["count"] == 1


def test_update_with_a_new_song_is_enriched_again(new_user):
    user = new_user()
    note = user.post("/notas", json={"cancion": "__nada__"}).json()["nota"]
    assert note["enriquecimiento"] == "sin_resultados"
    updated = user.request("PATCH", f"/notas/{note['id']}", json={"cancion": "Queen"})
    assert updated.status_code == 200, updated.text
    assert updated.json()["enriquecimiento"] == "ok"
    assert updated.json()["foto"].startswith("https://i.scdn.co/")
    kept = user.request("PATCH", f"/notas/{note['id']}", json={"texto": "solo texto"}).json()
    assert kept["foto"] == updated.json()["foto"] and kept["texto"] == "solo texto"
    assert user.request("DELETE", f"/notas/{note['id']}").status_code == 204
    assert user.get(f"/notas/{note['id']}").status_code == 404
