"""No Spotify keys, MUSIC_PROVIDERS=deezer,itunes,offline: real gunicorn processes, Deezer/iTunes doubles."""

import pytest

from tests.keyless_double.server import KeylessDouble, recorded
from tests.support.http import Api
from tests.support.processes import auth_process, music_process

TRACK = recorded()["deezer"]["search"]["answer"]["data"][0]


@pytest.fixture(scope="module")
def doubles():
    with KeylessDouble().start() as double:
        yield double


@pytest.fixture(scope="module")
def keyless_stack(log_dir, tmp_path_factory, doubles):
    env = {
        "MUSIC_PROVIDERS": "deezer,itunes,offline",
        "DEEZER_API_URL": doubles.deezer_url,
        "ITUNES_API_URL": doubles.itunes_url,
        "SPOTIFY_CLIENT_ID": "",
        "SPOTIFY_CLIENT_SECRET": "",
    }
    database = tmp_path_factory.mktemp("db-keyless") / "notas.db"
    with (
        music_process(log_dir, name="music-keyless", **env) as music,
        auth_process(
            log_dir, name="auth-keyless", database_url=f"sqlite:///{database}", music_url=music.url
        ) as auth,
    ):
        yield music, auth


def test_a_recorded_deezer_answer_reaches_search_and_the_note(keyless_stack, doubles):
    music, auth = keyless_stack
    doubles.reset()
    found = Api(music.url).get("/search?q=Too+much+Lou+Doillon", headers=music.service_auth)
    assert found.status_code == 200, found.text
    assert found.json()["source"] == "deezer"
    track = found.json()["results"][0]
    assert (track["titulo"], track["artista"], track["album"]) == (
        TRACK["title"],
        TRACK["artist"]["name"],
        TRACK["album"]["title"],
    )
    assert track["foto"] == TRACK["album"]["cover_xl"]
    assert track["duracion_ms"] == TRACK["duration"] * 1000
    assert track["preview_url"] == TRACK["preview"]
    assert (track["spotify_id"], track["spotify_url"], track["url"]) == (None, None, TRACK["link"])

    user = Api(auth.url).register_and_login("keyless_ana")
    created = user.post("/notas", json={"cancion": "Too much Lou Doillon", "texto": "sin claves"})
    assert created.status_code == 201, created.text
    nota = created.json()["nota"]
    assert nota["enriquecimiento"] == "ok"
    assert nota["foto"] == TRACK["album"]["cover_xl"]
    assert nota["fuente"] == "deezer"
    assert nota["musica"]["url"] == TRACK["link"]
    assert user.get(f"/notas/{nota['id']}").json()["foto"] == TRACK["album"]["cover_xl"]
    # The note's lookup was answered from music's cache: Deezer was asked once for this song.
    assert doubles.stats("deezer")["search_calls"] == 1


def test_deezer_down_then_itunes_answers_and_health_says_so(keyless_stack, doubles):
    music, auth = keyless_stack
    doubles.reset()
    doubles.configure("deezer", mode="503")
    user = Api(auth.url).register_and_login("keyless_bruno")
    nota = user.post("/notas", json={"cancion": "Jack Johnson This Bike Is a Pipe Bomb"}).json()["nota"]
    assert (nota["enriquecimiento"], nota["fuente"]) == ("ok", "itunes")
    assert nota["foto"].endswith("/600x600bb.jpg")
    health = Api(music.url).get("/health").json()
    states = {row["name"]: row["state"] for row in health["providers"]}
    # Every gunicorn worker has its own breakers: the one that answered /health may not have seen
    # the failure; the chain itself is always reported in order.
    assert list(states) == ["deezer", "itunes", "offline"]
    assert states["itunes"] == "closed"
    # A song nobody has, while Deezer is down: not "sin_resultados" but "pendiente" (tried later).
    missing = user.post("/notas", json={"cancion": "zzzz qqqq no existe"}).json()
    assert missing["nota"]["enriquecimiento"] == "pendiente"
    doubles.configure("deezer", mode="ok")
