"""HTTP caching between the services, on real gunicorn processes: music says how long an answer may
be reused (Cache-Control), auth's music client honours it (CacheControl, one cache per worker)."""

import re
import secrets
import time

import pytest
import requests

from tests.spotify_double.server import SpotifyDouble
from tests.support.http import Api
from tests.support.processes import auth_process, music_process
from tests.support.waiting import wait_until

SHORT_TTL = 2  # music keeps its results (and so lets them be reused) this many seconds


@pytest.fixture
def double():
    with SpotifyDouble(synthesize=True).start() as server:
        yield server


def _searches_seen_by(music) -> int:
    return music.logs().count('"path": "/search"')


def test_the_second_note_for_a_song_makes_no_request_to_music(tmp_path, log_dir, double, figures):
    with (
        music_process(log_dir, spotify=double, name="music-http-cache") as music,
        # One worker: the caches are per worker, so with two the second note might land on the other.
        auth_process(
            log_dir,
            database_url=f"sqlite:///{tmp_path / 'n.db'}",
            music_url=music.url,
            name="auth-http-cache",
            WEB_CONCURRENCY="1",
        ) as auth,
    ):
        song = f"Cancion cacheada {secrets.token_hex(3)}"
        direct = requests.get(
            f"{music.url}/search", params={"q": song}, headers=music.service_auth, timeout=5
        )
        assert direct.status_code == 200
        assert re.fullmatch(r"private, max-age=\d+", direct.headers["Cache-Control"]), direct.headers
        assert int(direct.headers["Cache-Control"].rsplit("=", 1)[1]) > 60
        assert "Authorization" in direct.headers["Vary"]

        user = Api(auth.url).register_and_login("cacheada")
        first = user.post("/notas", json={"cancion": song}, timeout=10)
        assert first.status_code == 201 and first.json()["nota"]["enriquecimiento"] == "ok", first.text
        seen = _searches_seen_by(music)
        assert seen == 2  # ours, then auth's first
        for _ in range(3):
            again = user.post("/notas", json={"cancion": song}, timeout=10)
            assert again.status_code == 201
            assert again.json()["nota"]["foto"] == first.json()["nota"]["foto"]
            assert again.json()["nota"]["musica"] == first.json()["nota"]["musica"]
        assert _searches_seen_by(music) == seen, (
            "a note for a song music had answered within max-age asked again"
        )
        assert double.stats()["search_calls"] == 1
        figures(notes=4, music_searches_from_auth=seen - 1, spotify_searches=double.stats()["search_calls"])


def test_a_changed_answer_is_seen_once_its_max_age_has_run_out(tmp_path, log_dir, double, figures):
    double.configure(synthesize=False)  # the double has no such song yet: music answers "no results"
    with (
        music_process(
            log_dir,
            spotify=double,
            name="music-short-ttl",
            SEARCH_CACHE_TTL=SHORT_TTL,
            SEARCH_CACHE_EMPTY_TTL=SHORT_TTL,
        ) as music,
        auth_process(
            log_dir,
            database_url=f"sqlite:///{tmp_path / 'n.db'}",
            music_url=music.url,
            name="auth-short-ttl",
            WEB_CONCURRENCY="1",
            NOTES_WRITE_RATE="off",  # one note per poll
        ) as auth,
    ):
        user = Api(auth.url).register_and_login("cambiante")
        song = f"Cancion que llega {secrets.token_hex(3)}"
        before = user.post("/notas", json={"cancion": song}, timeout=10)
        assert before.status_code == 201
        assert before.json()["nota"]["enriquecimiento"] == "sin_resultados", before.text
        seen = _searches_seen_by(music)

        double.configure(synthesize=True)  # now the double has it
        changed_at = time.monotonic()
        soon = user.post("/notas", json={"cancion": song}, timeout=10)
        if time.monotonic() - changed_at < SHORT_TTL - 0.5:  # still within max-age (an idle machine)
            assert soon.json()["nota"]["enriquecimiento"] == "sin_resultados"
            assert _searches_seen_by(music) == seen  # reused: music was not asked

        def enriched():
            note = user.post("/notas", json={"cancion": song}, timeout=10).json()["nota"]
            return note if note["enriquecimiento"] == "ok" else None

        note = wait_until(
            enriched,
            timeout=SHORT_TTL + 10,
            interval=0.5,
            message=f"the new answer was not seen {SHORT_TTL + 10} s after a {SHORT_TTL} s max-age",
        )
        took = time.monotonic() - changed_at
        assert note["foto"] and note["musica"]["titulo"]
        figures(max_age_s=SHORT_TTL, new_answer_seen_after_s=round(took, 2))


def test_a_failed_answer_is_not_reused(tmp_path, log_dir, double):
    """Spotify down: music's 502/503 are no-store, so every note asks music again; Spotify back: the
    next note that reaches music is enriched, and from then on the answer is reused."""
    with (
        music_process(log_dir, spotify=double, name="music-failing", PROVIDER_BREAKER_COOLDOWN="1") as music,
        auth_process(
            log_dir,
            database_url=f"sqlite:///{tmp_path / 'n.db'}",
            music_url=music.url,
            name="auth-failing",
            WEB_CONCURRENCY="1",
            NOTES_WRITE_RATE="off",  # one note per poll
            MUSIC_BREAKER_THRESHOLD="100",  # auth keeps asking music: every note shows in music's log
        ) as auth,
    ):
        user = Api(auth.url).register_and_login("fallida")
        song = f"Cancion sin servicio {secrets.token_hex(3)}"
        double.configure(mode="500")
        for expected in (1, 2):
            failed = user.post("/notas", json={"cancion": song}, timeout=10)
            assert failed.status_code == 201 and failed.json()["nota"]["enriquecimiento"] == "pendiente"
            assert _searches_seen_by(music) == expected  # the failure was not kept: music asked again
        double.configure(mode="ok")

        def recovered():  # music's own breaker for Spotify may still be open for its 1 s cooldown
            note = user.post("/notas", json={"cancion": song}, timeout=10).json()["nota"]
            return note if note["enriquecimiento"] == "ok" else None

        wait_until(recovered, timeout=20, interval=0.5, message="never enriched after Spotify recovered")
        seen = _searches_seen_by(music)
        assert (
            user.post("/notas", json={"cancion": song}, timeout=10).json()["nota"]["enriquecimiento"] == "ok"
        )
        assert _searches_seen_by(music) == seen  # the healthy answer, unlike the failures, is reused
