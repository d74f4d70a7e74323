"""The offline catalog provider: its data, its covers, and which query finds which song."""

import base64
import datetime
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from urllib.parse import unquote, urlsplit

import pytest

from search.providers.base import ProviderUnavailable
from search.providers.offline import CATALOG_PATH, OfflineProvider, cover_data_uri, cover_svg, normalize
from tests.support.famous_songs import FAMOUS_SONGS

SVG_NS = "{http://www.w3.org/2000/svg}"
DATA_PREFIX = "data:image/svg+xml;base64,"
# ISO 639-1 codes, plus ISO 639-2's "zxx" (no linguistic content) for instrumentals.
LANGUAGES = {"es", "en", "pt", "fr", "de", "it", "ko", "zxx"}
# Queries that match one song of the whole catalog, however many are asked for.
ONLY_ONE_SONG = {"boh rhap", "ac/dc", "ac dc", "bohemian"}
CATALOG = json.loads(CATALOG_PATH.read_text(encoding="utf-8"))
REQUIRED_ARTISTS = [
    "The Beatles", "Michael Jackson", "Nirvana", "ABBA", "Led Zeppelin", "Pink Floyd", "Soda Stereo",
    "Héroes del Silencio", "Mecano", "Shakira", "Juanes", "Maná", "Los Prisioneros", "Café Tacvba",
    "Gloria Trevi", "Rosalía", "Bad Bunny", "Selena", "Celia Cruz", "Buena Vista Social Club",
    "Gustavo Cerati", "Julieta Venegas", "Jarabe de Palo", "Caifanes", "Carlos Vives", "Camilo Sesto",
    "Rocío Dúrcal", "Alejandro Sanz",
]  # fmt: skip


@pytest.fixture(scope="module")
def provider():
    return OfflineProvider()


def search(query: str, limit: int) -> list[tuple[str, str]]:
    return [(t.titulo, t.artista) for t in OfflineProvider().search(query, limit)]


def svg_texts(uri: str) -> list[str]:
    assert uri.startswith(DATA_PREFIX)
    root = ET.fromstring(base64.b64decode(uri[len(DATA_PREFIX) :]).decode("utf-8"))
    assert (root.tag, root.get("width"), root.get("height")) == (f"{SVG_NS}svg", "300", "300")
    return [el.text for el in root.iter(f"{SVG_NS}text")]


def key(song: dict) -> tuple[str, str]:
    return normalize(song["titulo"]), normalize(song["artista"])


def test_every_song_is_complete_and_the_catalog_has_no_duplicates():
    for song in CATALOG:
        assert set(song) == {"titulo", "artista", "album", "anio", "idioma"}, song
        for field in ("titulo", "artista", "album"):
            assert isinstance(song[field], str) and song[field] == song[field].strip() != "", song
        assert isinstance(song["anio"], int) and 1930 <= song["anio"] <= datetime.date.today().year, song
        assert song["idioma"] in LANGUAGES, song
    assert len({key(song) for song in CATALOG}) == len(CATALOG) >= 600
    text = CATALOG_PATH.read_bytes().decode("utf-8")
    assert "Héroes del Silencio" in text and "\\u00e9" not in text  # real UTF-8, not escapes


def test_the_catalog_spans_languages_decades_and_the_artists_and_famous_songs_people_ask_for():
    assert len([s for s in CATALOG if s["idioma"] == "es"]) >= 150
    assert {s["anio"] // 10 * 10 for s in CATALOG} >= set(range(1930, 2030, 10))
    for language in ("es", "en"):
        assert len({s["anio"] // 10 for s in CATALOG if s["idioma"] == language}) >= 7, language
    artists = {s["artista"] for s in CATALOG}
    assert artists >= set(REQUIRED_ARTISTS), set(REQUIRED_ARTISTS) - artists
    queen = {s["titulo"]: s["album"] for s in CATALOG if s["artista"] == "Queen"}
    assert len(queen) >= 8 and queen["Bohemian Rhapsody"] == "A Night at the Opera"
    hits = {"Don't Stop Me Now", "We Will Rock You", "Another One Bites the Dust", "Under Pressure"}
    assert hits <= set(queen)
    assert ("despacito", "luis fonsi") in {key(s) for s in CATALOG}
    assert len({normalize(title) for title, _ in FAMOUS_SONGS}) == 50  # the second half in Spanish
    language = {key(s): s["idioma"] for s in CATALOG}
    assert {language[normalize(t), normalize(a)] for t, a in FAMOUS_SONGS[25:]} == {"es"}


def test_every_song_is_its_titles_answer_and_a_well_formed_track(provider):
    for song in CATALOG:
        (track,) = provider.search(song["titulo"], 1)
        assert normalize(track.titulo) == normalize(song["titulo"])
        found = provider.search(song["titulo"], len(CATALOG))  # the song itself is among them
        track = next(t for t in found if (t.titulo, t.artista) == (song["titulo"], song["artista"]))
        assert track.album == song["album"]
        assert (track.spotify_id, track.preview_url, track.duracion_ms, track.url) == (None,) * 4
        search_link = urlsplit(track.spotify_url)  # a Spotify search for the song
        assert (search_link.scheme, search_link.netloc) == ("https", "open.spotify.com")
        assert search_link.path.startswith("/search/") and " " not in search_link.path
        assert unquote(search_link.path[len("/search/") :]) == f"{song['titulo']} {song['artista']}"
        assert svg_texts(track.foto) and len(track.foto) < 1536


HOSTILE = ('Rock & <Roll> "it\'s"', "Simon & Garfunkel <b>")


@pytest.mark.parametrize(
    ("title", "artist", "shown"),
    [
        ("Bohemian Rhapsody", "Queen", ["Bohemian Rhapsody", "Queen"]),
        (*HOSTILE, list(HOSTILE)),
        ("A" * 200, "B" * 200, ["A" * 21 + "\u2026", "B" * 29 + "\u2026"]),
        ("bad\x00\x07title", "artist\x1b", ["badtitle", "artist"]),
    ],
    ids=["plain", "escaped", "truncated", "xml-invalid"],
)
def test_the_cover_shows_title_and_artist_as_valid_svg(title, artist, shown):
    uri = cover_data_uri(title, artist)
    assert svg_texts(uri) == shown and len(uri) < 1536
    assert "<Roll>" not in cover_svg(title, artist)


def test_covers_are_deterministic_across_processes_and_vary_by_song():
    assert cover_data_uri("Despacito", "Luis Fonsi") != cover_data_uri("Despacito", "Otro")
    colours = {cover_svg(s["titulo"], s["artista"]).split('fill="', 1)[1][:7] for s in CATALOG}
    assert len(colours) > 50
    code = "from search.providers.offline import cover_data_uri as c; print(c('Bohemian Rhapsody', 'Queen'))"
    outputs = set()
    for seed in ("1", "2"):  # hash() differs per process: the colour must not depend on it
        env = {**os.environ, "PYTHONPATH": str(CATALOG_PATH.parents[2]), "PYTHONHASHSEED": seed}
        run = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60, check=True
        )
        outputs.add(run.stdout.strip())
    assert outputs == {cover_data_uri("Bohemian Rhapsody", "Queen")}


def test_a_missing_or_empty_catalog_is_not_ready(tmp_path):
    missing = OfflineProvider(tmp_path / "nope.json")
    assert missing.is_ready() is False
    with pytest.raises(ProviderUnavailable):
        missing.search("queen", 5)
    (tmp_path / "empty.json").write_text("[]", encoding="utf-8")
    assert OfflineProvider(tmp_path / "empty.json").is_ready() is False
    assert OfflineProvider().is_ready() is True


@pytest.mark.parametrize(("title", "artist"), FAMOUS_SONGS)
def test_famous_songs_resolve_with_a_cover_naming_them(provider, title, artist):
    (track,) = provider.search(title, 1)
    assert (normalize(track.titulo), track.artista) == (normalize(title), artist) and track.album
    texts = svg_texts(track.foto)
    assert artist in texts and (len(track.titulo) > 22 or track.titulo in texts)


@pytest.mark.parametrize(
    ("query", "limit", "first"),
    [
        # one song asked for (a note's lookup)
        ("1999", 1, [("1999", "Prince")]),
        ("9 to 5", 1, [("9 to 5", "Dolly Parton")]),
        ("U2 one", 1, [("One", "U2")]),
        ("boh rhap", 1, [("Bohemian Rhapsody", "Queen")]),
        ("bohemian", 1, [("Bohemian Rhapsody", "Queen")]),
        ("Queen", 1, [("Bohemian Rhapsody", "Queen")]),
        ("No sé tú", 1, [("No sé tú", "Luis Miguel")]),  # "se" is also "sé": not a stop word
        ("Michael Jackson thriller", 1, [("Thriller", "Michael Jackson")]),
        ("thriller michael", 1, [("Thriller", "Michael Jackson")]),
        ("purple rain prince", 1, [("Purple Rain", "Prince")]),
        ("Take Five", 1, [("Take Five", "The Dave Brubeck Quartet")]),
        # accents, case, punctuation, prefixes
        ("bohemian", 10, [("Bohemian Rhapsody", "Queen")]),
        ("despacito", 10, [("Despacito", "Luis Fonsi")]),
        ("corazon partio", 5, [("Corazón partío", "Alejandro Sanz")]),
        ("TITI ME PREGUNTO", 5, [("Tití me preguntó", "Bad Bunny")]),
        ("dont stop me", 5, [("Don't Stop Me Now", "Queen")]),
        (
            "don't stop",
            5,
            [("Don't Stop Me Now", "Queen"), ("Don't Stop 'Til You Get Enough", "Michael Jackson")],
        ),
        ("boh rhap", 5, [("Bohemian Rhapsody", "Queen")]),
        ("ac/dc", 5, [("Back in Black", "AC/DC")]),
        ("ac dc", 10, [("Back in Black", "AC/DC")]),  # whole words "ac" and "dc"
        ("ain", 3, [("Ain't No Mountain High Enough", "Marvin Gaye & Tammi Terrell")]),  # 3 letters: a prefix
        # ranking: exact title, then the artist named exactly, title prefix, title, artist, album
        ("avalancha", 20, [("Avalancha", "Héroes del Silencio")]),
        ("la bamba", 10, [("La Bamba", "Ritchie Valens")]),
        ("money", 10, [("Money", "Pink Floyd")]),
        ("we will", 10, [("We Will Rock You", "Queen")]),
        ("bad", 20, [("Bad", "Michael Jackson")]),
    ],
)
def test_which_song_a_query_finds_first(query, limit, first):
    found = search(query, limit)
    assert found[: len(first)] == first, found[:3]
    if limit > 1 and query in ONLY_ONE_SONG:
        assert found == first


@pytest.mark.parametrize(
    ("query", "limit"),
    [
        *[(q, 1) for q in ["x", "a", "b", "c", "y", "the", "la", "el", "los", "de", "you", "a la"]],
        *[(q, 1) for q in ["ab", "ai", "oh", "love", "amor", "rock", "hola", "Tres"]],  # loose matches
        *[(q, 10) for q in ["x", "a", "the", "la", "el", "a la", "the the", "y de"]],  # stop words alone
        *[(q, 10) for q in ["zzzz no existe", "", "   ", "\t\n", "¿?!", "ro", "bo rh", "zxx"]],
        ("bohemian nirvana", 10),  # every word must match
        ("queen", 0),
    ],
)
def test_queries_that_name_no_song_find_nothing(query, limit):
    assert search(query, limit) == []


@pytest.mark.parametrize(
    ("query", "artist", "only"),
    [
        ("heroes del silencio", "Héroes del Silencio", True),
        ("HÉROES DEL SILENCIO", "Héroes del Silencio", True),
        ("heroes", "Héroes del Silencio", False),
        ("  CAFE\tTACVBA ", "Café Tacvba", True),
        ("nirvana nevermind", "Nirvana", True),
    ],
)
def test_artists_are_found_whatever_the_accents_case_and_spaces(query, artist, only):
    artists = [a for _, a in search(query, 50)]
    assert artist in artists and (not only or set(artists) == {artist})


def test_ranking_beyond_the_first_answer():
    found = search("Queen", 50)  # naming an artist: their songs first, in catalog order
    queen = [title for title, artist in found if artist == "Queen"]
    assert queen == [s["titulo"] for s in CATALOG if s["artista"] == "Queen"]
    assert found[: len(queen)] == [(title, "Queen") for title in queen]
    assert all("queen" in normalize(title) for title, _ in found[len(queen) :])
    assert found[len(queen) :], "titles with the word come after the artist's songs"
    thriller = search("thriller", 10)
    assert {title for title, _ in thriller[1:]} == {"Billie Jean", "Beat It"}  # artist, then album
    assert "La chispa adecuada" in [title for title, _ in search("avalancha", 20)]  # on the album
    bad = OfflineProvider().search("bad", 20)
    bunny = [i for i, t in enumerate(bad) if t.artista == "Bad Bunny"]
    album_only = [i for i, t in enumerate(bad) if t.album == "Bad" and t.titulo != "Bad"]
    assert bunny and album_only and max(bunny) < min(album_only)
    la_vida = [normalize(title) for title, _ in search("la vida", 20)]
    starts = [i for i, t in enumerate(la_vida) if t.startswith("la vida")]
    inside = [i for i, t in enumerate(la_vida) if not t.startswith("la vida") and "vida" in t]
    assert starts and inside and max(starts) < min(inside)


def test_limits_are_respected_and_browsing_a_loose_word_still_lists_candidates():
    assert [len(search("queen", limit)) for limit in (1, 3, 5)] == [1, 3, 5]
    found = OfflineProvider().search("love", 10)
    assert len(found) == 10
    assert all("love" in normalize(f"{t.titulo} {t.artista} {t.album}") for t in found)
    assert search("U2", 1)[0][1] == "U2"
