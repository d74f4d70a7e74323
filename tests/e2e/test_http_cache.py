"""HTTP caching between the services: music says how long an answer may be reused (Cache-Control) and
auth's music client honours it (one cache per worker: one worker here). The header itself:
tests/music/search/test_http_caching.py; failures are never kept:
tests/auth/notes/test_music_client.py::test_no_store_and_failed_answers_are_never_kept."""

import secrets
import time

from tests.e2e.helpers import services
from tests.support.http import Api
from tests.support.waiting import wait_until

SHORT_TTL = 2  # music keeps its results (and so lets them be reused) this many seconds
ONE_WORKER = {"WEB_CONCURRENCY": "1", "NOTES_WRITE_RATE": "off"}  # one note per poll below


def searches_seen_by(music) -> int:
    return music.logs().count('"path": "/search"')


def enriched(user: Api, song: str):
    note = user.post("/notas", json={"cancion": song}, timeout=10).json()["nota"]
    return note if note["enriquecimiento"] == "ok" else None


def test_the_second_note_for_a_song_makes_no_request_to_music(tmp_path, log_dir, double, figures):
    with services(tmp_path, "http-cache", spotify=double, **ONE_WORKER) as (auth, music):
        song = f"Cancion cacheada {secrets.token_hex(3)}"
        user = Api(auth.url).register_and_login("cacheada")
        first = user.post("/notas", json={"cancion": song}, timeout=10).json()["nota"]
        assert first["enriquecimiento"] == "ok" and searches_seen_by(music) == 1
        for _ in range(3):
            again = user.post("/notas", json={"cancion": song}, timeout=10).json()["nota"]
            assert (again["foto"], again["musica"]) == (first["foto"], first["musica"])
        assert searches_seen_by(music) == 1, "a note for a song music had answered within max-age asked again"
        assert double.stats()["search_calls"] == 1
        figures(notes=4, music_searches_from_auth=1, spotify_searches=1)


def test_a_changed_answer_is_seen_once_its_max_age_has_run_out(tmp_path, log_dir, double, figures):
    double.configure(synthesize=False)  # the double has no such song yet: music answers "no results"
    ttl = {"SEARCH_CACHE_TTL": SHORT_TTL, "SEARCH_CACHE_EMPTY_TTL": SHORT_TTL}
    with services(tmp_path, "short-ttl", spotify=double, music_env=ttl, **ONE_WORKER) as (auth, music):
        user = Api(auth.url).register_and_login("cambiante")
        song = f"Cancion que llega {secrets.token_hex(3)}"
        before = user.post("/notas", json={"cancion": song}, timeout=10)
        assert before.json()["nota"]["enriquecimiento"] == "sin_resultados", before.text
        seen = searches_seen_by(music)

        double.configure(synthesize=True)  # now the double has it
        changed_at = time.monotonic()
        soon = user.post("/notas", json={"cancion": song}, timeout=10)
        if time.monotonic() - changed_at < SHORT_TTL - 0.5:  # still within max-age (an idle machine)
            assert soon.json()["nota"]["enriquecimiento"] == "sin_resultados"
            assert searches_seen_by(music) == seen  # reused: music was not asked

        late = f"the new answer unseen {SHORT_TTL + 10} s after a {SHORT_TTL} s max-age"
        note = wait_until(lambda: enriched(user, song), timeout=SHORT_TTL + 10, interval=0.5, message=late)
        assert note["foto"] and note["musica"]["titulo"]
        figures(max_age_s=SHORT_TTL, new_answer_seen_after_s=round(time.monotonic() - changed_at, 2))
