"""After a music outage the enrichment queue drains, even while a better provider keeps failing: notes
saved while music is stopped, then single passes of ``manage.py enrich_pending`` (default batch and
concurrency, ENRICH_MAX_BACKOFF=0) with Deezer answering 503 before the offline catalog, so every
unknown title gets music's "incompleta" 503.
"""

import pytest

from tests.e2e.helpers import json_lines, sql, sqlite_auth
from tests.keyless_double.server import KeylessDouble
from tests.support.famous_songs import FAMOUS_SONGS
from tests.support.http import Api
from tests.support.processes import free_port, music_process

UNKNOWN = [f"qqqq zzzz desconocida {i}" for i in range(72)]
CATALOG = [title for title, _ in FAMOUS_SONGS[:12]]
GIVE_UP_AFTER = 3  # seconds; a note also needs 5 incompleta attempts
MUSIC_DOWN = (
    "El servicio de música no está disponible ahora: la nota está guardada y la foto "
    "se añadirá automáticamente en cuanto vuelva."
)


def _statuses(database, songs) -> dict[str, tuple[str, int]]:
    rows = sql(database, "SELECT cancion, enriquecimiento, enrich_attempts FROM notes_note")
    return {song: (status, attempts) for song, status, attempts in rows if song in songs}


@pytest.mark.timeout(600)  # up to ~25 runner processes on a loaded machine
def test_catalog_notes_are_not_held_back_by_unknown_ones_and_unknown_ones_end(tmp_path, log_dir, figures):
    with KeylessDouble().start() as doubles:
        doubles.configure("deezer", mode="503")
        chain = {"MUSIC_PROVIDERS": "deezer,offline", "DEEZER_API_URL": doubles.deezer_url}
        # Not started yet: music is stopped while the notes are saved.
        music = music_process(log_dir, port=free_port(), name="music-drain", **chain)
        drain = {
            "NOTES_WRITE_RATE": "off",
            "ENRICH_MAX_BACKOFF": "0",
            "ENRICH_GIVE_UP_AFTER": str(GIVE_UP_AFTER),
        }
        auth = sqlite_auth(log_dir, tmp_path, music.url, "auth-drain", **drain)
        database = auth.database
        with auth:
            user = Api(auth.url).register_and_login("cola")
            for song in UNKNOWN + CATALOG:  # the unknown titles first: the oldest in the queue
                created = user.post("/notas", json={"cancion": song})
                assert created.status_code == 201, created.text
                assert created.json()["nota"]["enriquecimiento"] == "pendiente"
                assert created.json()["aviso"] == MUSIC_DOWN

        with music:
            passes = [auth.manage("enrich_pending") for _ in range(3)]
            catalog = _statuses(database, CATALOG)
            assert {status for status, _ in catalog.values()} == {"ok"}, catalog
            unknown = _statuses(database, UNKNOWN)
            assert {status for status, _ in unknown.values()} == {"pendiente"}  # fewer than 5 attempts

            while len(passes) < 25 and "pendiente" in {s for s, _ in _statuses(database, UNKNOWN).values()}:
                passes.append(auth.manage("enrich_pending"))
            unknown = _statuses(database, UNKNOWN)
            assert {status for status, _ in unknown.values()} == {"sin_resultados"}, unknown
            assert min(attempts for _, attempts in unknown.values()) >= 5

        # Each attempt's lines carry its own id (and more: tests/auth/notes/test_enrichment.py).
        runner = [line for p in passes for line in json_lines(p.stderr + p.stdout)]
        enriched = [line for line in runner if line.get("message") == "note enrichment"]
        assert len(enriched) >= len(UNKNOWN) * 5 + len(CATALOG)
        assert all(line["request_id"].startswith(f"enrich-{line['note_id']}-") for line in enriched)
        # music answered each of those as an expected miss: no ERROR line, the failed provider named.
        music_lines = json_lines(music.logs())
        assert [line for line in music_lines if line["level"] in ("ERROR", "CRITICAL")] == []
        misses = [line for line in music_lines if line.get("path") == "/search" and line.get("status") == 503]
        assert misses and all(line["failed"] == ["deezer"] for line in misses)
        # A late enrichment is traced to music: its id is the one music logged for the search.
        searched = {
            line["request_id"]: line["status"] for line in music_lines if line.get("path") == "/search"
        }
        found = [line["request_id"] for line in enriched if line["enrichment"] == "ok"]
        assert len(found) == len(CATALOG) and {searched[request_id] for request_id in found} == {200}
    figures(notes=len(UNKNOWN) + len(CATALOG), passes_until_unknown_gave_up=len(passes))
