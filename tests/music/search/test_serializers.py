"""GET /search's body (docs/api-contract.md): the contract's keys in its order, text as text and
numbers as numbers whatever a provider handed over, null kept null."""

from musica_kit.track import Track
from search.serializers import search_result_body
from tests.support.contract import TRACK_KEYS

KEYS = TRACK_KEYS
NONE = dict.fromkeys(["spotify_id", "foto", "spotify_url", "preview_url", "duracion_ms", "url"])
SONG = {"titulo": "Canción 😀 & «comillas»", "artista": "Björk", "album": "Ñ"}


def test_the_body_has_the_contracts_keys_in_order_and_its_types():
    # What a provider could hand over untyped: text becomes text, a duration a number.
    untyped = {"titulo": 1999, "artista": "Prince", "album": 1999, "duracion_ms": "215000"}
    tracks = [Track(**{**NONE, **SONG}), Track(**{**NONE, **untyped})]
    body = search_result_body(query="q", source="deezer", tracks=tracks)
    assert list(body) == ["query", "source", "results"] and body["source"] == "deezer"
    assert [list(track) for track in body["results"]] == [KEYS, KEYS]
    assert body["results"][0] == {**NONE, **SONG}
    typed = {"titulo": "1999", "artista": "Prince", "album": "1999", "duracion_ms": 215000}
    assert body["results"][1] == {**NONE, **typed}


def test_no_results_is_an_empty_list():
    assert search_result_body(query="zzz", source="offline", tracks=[]) == {
        "query": "zzz",
        "source": "offline",
        "results": [],
    }
