"""GET /search's body is built without its serializer (search_result_body), and must stay exactly
what SearchResultSerializer, the API's description, gives: same keys, same order, same values."""

import json

import pytest

from musica_kit.serializers import dataclass_representation
from musica_kit.track import SOURCES, Track
from search.providers.offline import OfflineProvider
from search.serializers import SearchResultSerializer, TrackSerializer, search_result_body

NONE = dict.fromkeys(["spotify_id", "foto", "spotify_url", "preview_url", "duracion_ms", "url"])


def _track(**values) -> Track:
    return Track(**{**NONE, **values})


ODD_TRACKS = [
    _track(titulo="", artista="", album=""),  # every optional field None
    Track(
        spotify_id="4u7EnebtmKWzUH433cf5Qv",
        titulo="Bohemian Rhapsody",
        artista="Queen",
        album="A Night at the Opera",
        foto="https://i.scdn.co/image/ab67616d0000b273ce4f1737bc8a646c8c4bd25a",
        spotify_url="https://open.spotify.com/track/4u7EnebtmKWzUH433cf5Qv",
        preview_url=None,
        duracion_ms=354320,
        url="https://open.spotify.com/track/4u7EnebtmKWzUH433cf5Qv",
    ),
    _track(titulo="Canción 😀 & «comillas»", artista="Björk, Sigur Rós", album="Ñ", duracion_ms=0),
    # What a provider could hand over untyped: DRF's fields turn it into str / int.
    _track(titulo=1999, artista="Prince", album=1999, duracion_ms="215000"),
    _track(titulo="True", artista="x", album="y", duracion_ms=True),
]


def _described(query, source, tracks) -> dict:
    return SearchResultSerializer({"query": query, "source": source, "tracks": tracks}).data


def _same(built: dict, described: dict) -> None:
    assert built == described
    assert json.dumps(built) == json.dumps(described)  # key order too: it is what the client reads
    for mine, theirs in zip(built["results"], described["results"], strict=True):
        assert list(mine) == list(theirs)
        assert [type(value) for value in mine.values()] == [type(value) for value in theirs.values()]


@pytest.mark.parametrize("track", ODD_TRACKS, ids=range(len(ODD_TRACKS)))
def test_odd_tracks_are_shaped_as_the_serializer_shapes_them(track):
    _same(
        search_result_body(query="q", source="spotify", tracks=[track]), _described("q", "spotify", [track])
    )


def test_catalog_answers_are_shaped_as_the_serializer_shapes_them():
    tracks = OfflineProvider().search("love", 10)
    assert len(tracks) > 1
    for source in SOURCES:
        _same(
            search_result_body(query="love", source=source, tracks=tracks),
            _described("love", source, tracks),
        )


def test_no_results_is_an_empty_list():
    _same(search_result_body(query="zzz", source="offline", tracks=[]), _described("zzz", "offline", []))


def test_the_representation_follows_the_serializers_fields_and_exclusions():
    track = ODD_TRACKS[1]
    assert dataclass_representation(Track)(track) == dict(TrackSerializer(track).data)
    assert list(dataclass_representation(Track, exclude=("url", "foto"))(track)) == [
        name for name in TrackSerializer(track).data if name not in ("url", "foto")
    ]
