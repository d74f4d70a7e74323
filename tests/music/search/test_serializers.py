"""GET /search's body (docs/api-contract.md): the contract's keys in its order, text as text and
numbers as numbers whatever a provider handed over, null kept null."""

from musica_kit.track import Track
from search.serializers import SearchResultSerializer
from tests.support.contract import TRACK_KEYS

NONE = dict.fromkeys(["spotify_id", "foto", "spotify_url", "preview_url", "duracion_ms", "url"])
SONG = {"titulo": "Canción 😀 & «comillas»", "artista": "Björk", "album": "Ñ"}


def test_the_body_has_the_contracts_keys_in_order_and_its_types():
    untyped = {"titulo": 1999, "artista": "Prince", "album": 1999, "duracion_ms": "215000"}
    tracks = [Track(**{**NONE, **SONG}), Track(**{**NONE, **untyped})]
    body = SearchResultSerializer({"query": "q", "source": "deezer", "tracks": tracks}).data
    assert list(body) == ["query", "source", "results"] and body["source"] == "deezer"
    assert [list(track) for track in body["results"]] == [TRACK_KEYS, TRACK_KEYS]
    assert body["results"][0] == {**NONE, **SONG}
    typed = {"titulo": "1999", "artista": "Prince", "album": "1999", "duracion_ms": 215000}
    assert body["results"][1] == {**NONE, **typed}
