"""No Spotify keys, MUSIC_PROVIDERS=deezer,itunes,offline: real processes with Deezer/iTunes doubles."""

import pytest

from tests.e2e.helpers import sqlite_auth
from tests.keyless_double.server import KeylessDouble, recorded
from tests.support.http import Api
from tests.support.processes import music_process

TRACK = recorded()["deezer"]["search"]["answer"]["data"][0]


@pytest.fixture(scope="module")
def keyless(log_dir, tmp_path_factory):
    with KeylessDouble().start() as doubles:
        env = {
            "MUSIC_PROVIDERS": "deezer,itunes,offline",
            "SPOTIFY_CLIENT_ID": "",
            "SPOTIFY_CLIENT_SECRET": "",
        }
        env.update(DEEZER_API_URL=doubles.deezer_url, ITUNES_API_URL=doubles.itunes_url)
        with (
            music_process(log_dir, name="music-keyless", **env) as music,
            sqlite_auth(log_dir, tmp_path_factory.mktemp("keyless"), music.url, "auth-keyless") as auth,
        ):
            yield music, auth, doubles


def test_a_recorded_deezer_answer_reaches_search_and_the_note(keyless):
    music, auth, doubles = keyless
    doubles.reset()
    found = Api(music.url).get("/search?q=Too+much+Lou+Doillon", headers=music.service_auth)
    assert found.status_code == 200 and found.json()["source"] == "deezer", found.text
    track = found.json()["results"][0]
    assert (track["titulo"], track["artista"], track["album"], track["foto"], track["preview_url"]) == (
        TRACK["title"], TRACK["artist"]["name"], TRACK["album"]["title"], TRACK["album"]["cover_xl"],
        TRACK["preview"],
    )  # fmt: skip
    assert track["duracion_ms"] == TRACK["duration"] * 1000
    assert (track["spotify_id"], track["spotify_url"], track["url"]) == (None, None, TRACK["link"])

    user = Api(auth.url).register_and_login("keyless_ana")
    created = user.post("/notas", json={"cancion": "Too much Lou Doillon", "texto": "sin claves"})
    assert created.status_code == 201, created.text
    nota = created.json()["nota"]
    assert (nota["enriquecimiento"], nota["fuente"], nota["musica"]["url"]) == ("ok", "deezer", TRACK["link"])
    assert nota["foto"] == user.get(f"/notas/{nota['id']}").json()["foto"] == TRACK["album"]["cover_xl"]
    assert doubles.stats("deezer")["search_calls"] == 1  # the note's lookup came from music's cache


def test_deezer_down_then_itunes_answers_and_health_says_so(keyless):
    music, auth, doubles = keyless
    doubles.reset()
    doubles.configure("deezer", mode="503")
    user = Api(auth.url).register_and_login("keyless_bruno")
    nota = user.post("/notas", json={"cancion": "Jack Johnson This Bike Is a Pipe Bomb"}).json()["nota"]
    assert (nota["enriquecimiento"], nota["fuente"]) == ("ok", "itunes")
    assert nota["foto"].endswith("/600x600bb.jpg")
    # Each worker has its own breakers (this one may not have seen the failure); the chain is in order.
    states = {row["name"]: row["state"] for row in Api(music.url).get("/health").json()["providers"]}
    assert list(states) == ["deezer", "itunes", "offline"] and states["itunes"] == "closed"
    # A song nobody has, while Deezer is down: not "sin_resultados" but "pendiente" (tried later).
    missing = user.post("/notas", json={"cancion": "zzzz qqqq no existe"}).json()
    assert missing["nota"]["enriquecimiento"] == "pendiente"
    doubles.configure("deezer", mode="ok")
