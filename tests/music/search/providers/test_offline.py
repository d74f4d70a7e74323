"""The offline catalog provider: data quality, covers, matching and ranking."""

import base64
import datetime
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from urllib.parse import unquote, urlsplit

import pytest

from musica_kit.track import Track
from search.providers.offline import (
    CATALOG_PATH,
    OfflineProvider,
    cover_data_uri,
    cover_svg,
    load_catalog,
    normalize,
    spotify_search_url,
    to_track,
)
from tests.support.famous_songs import FAMOUS_SONGS

SVG_NS = "{http://www.w3.org/2000/svg}"
DATA_PREFIX = "data:image/svg+xml;base64,"
# ISO 639-1 codes, plus ISO 639-2's "zxx" (no linguistic content) for instrumentals.
LANGUAGES = {"es", "en", "pt", "fr", "de", "it", "ko", "zxx"}


@pytest.fixture(scope="module")
def provider():
    return OfflineProvider()


@pytest.fixture(scope="module")
def raw_catalog():
    return json.loads(CATALOG_PATH.read_text(encoding="utf-8"))


def decode_svg(uri: str) -> ET.Element:
    assert uri.startswith(DATA_PREFIX)
    return ET.fromstring(base64.b64decode(uri[len(DATA_PREFIX) :]).decode("utf-8"))


def titles(tracks):
    return [t.titulo for t in tracks]


# --- catalog data -------------------------------------------------------------


def test_catalog_has_enough_complete_songs(raw_catalog):
    assert len(raw_catalog) >= 120
    this_year = datetime.date.today().year
    for song in raw_catalog:
        assert set(song) == {"titulo", "artista", "album", "anio", "idioma"}, song
        for field in ("titulo", "artista", "album"):
            assert isinstance(song[field], str) and song[field].strip(), song
            assert song[field] == song[field].strip(), song
        assert isinstance(song["anio"], int) and 1930 <= song["anio"] <= this_year, song
        assert song["idioma"] in LANGUAGES, song


def test_catalog_size_languages_and_decades(raw_catalog):
    unique = {(normalize(s["titulo"]), normalize(s["artista"])) for s in raw_catalog}
    assert len(unique) >= 600
    spanish = {(normalize(s["titulo"]), normalize(s["artista"])) for s in raw_catalog if s["idioma"] == "es"}
    assert len(spanish) >= 150
    assert {s["idioma"] for s in raw_catalog} >= {"es", "en"}
    decades = {s["anio"] // 10 * 10 for s in raw_catalog}
    assert decades >= set(range(1930, 2030, 10)), sorted(decades)
    # Both languages span the decades, not only one era.
    for language in ("es", "en"):
        spread = {s["anio"] // 10 * 10 for s in raw_catalog if s["idioma"] == language}
        assert len(spread) >= 7, (language, sorted(spread))
    # The loaded catalog carries the language too.
    assert sum(song.idioma == "es" for song in load_catalog()) == len(
        [s for s in raw_catalog if s["idioma"] == "es"]
    )


def test_famous_list_is_half_spanish():
    assert len(FAMOUS_SONGS) == 50
    assert len({normalize(title) for title, _ in FAMOUS_SONGS}) == 50


def test_catalog_has_no_duplicates(raw_catalog):
    keys = [(normalize(s["titulo"]), normalize(s["artista"])) for s in raw_catalog]
    assert len(keys) == len(set(keys))


def test_catalog_mix_and_required_songs(raw_catalog):
    by_artist = {}
    for s in raw_catalog:
        by_artist.setdefault(s["artista"], []).append(s)
    assert len(by_artist["Queen"]) >= 8
    queen = {s["titulo"]: s for s in by_artist["Queen"]}
    for title in (
        "Bohemian Rhapsody",
        "Don't Stop Me Now",
        "We Will Rock You",
        "Another One Bites the Dust",
        "Under Pressure",
    ):
        assert title in queen
    assert queen["Bohemian Rhapsody"]["album"] == "A Night at the Opera"
    for artist in (
        "The Beatles",
        "Michael Jackson",
        "Nirvana",
        "ABBA",
        "Led Zeppelin",
        "Pink Floyd",
        "Soda Stereo",
        "Héroes del Silencio",
        "Mecano",
        "Shakira",
        "Juanes",
        "Maná",
        "Los Prisioneros",
        "Café Tacvba",
        "Gloria Trevi",
        "Rosalía",
        "Bad Bunny",
        "Selena",
        "Celia Cruz",
        "Buena Vista Social Club",
        "Gustavo Cerati",
        "Julieta Venegas",
        "Jarabe de Palo",
        "Caifanes",
        "Carlos Vives",
        "Camilo Sesto",
        "Rocío Dúrcal",
        "Alejandro Sanz",
    ):
        assert artist in by_artist, artist
    assert any(s["titulo"] == "Despacito" and s["artista"] == "Luis Fonsi" for s in raw_catalog)


def test_catalog_keeps_accents_as_utf8():
    text = CATALOG_PATH.read_bytes().decode("utf-8")
    assert "Héroes del Silencio" in text
    assert "\\u00e9" not in text  # stored as real UTF-8, not escapes


def test_load_catalog_is_cached():
    assert load_catalog() is load_catalog()


# --- tracks and covers ------------------------------------------------------------


def test_every_song_is_found_by_its_title(provider):
    catalog = load_catalog()
    for song in catalog:
        results = provider.search(song.titulo, len(catalog))
        assert (song.titulo, song.artista) in [(t.titulo, t.artista) for t in results]
        assert normalize(results[0].titulo) == normalize(song.titulo)


def test_every_track_is_well_formed():
    for song in load_catalog():
        track = to_track(song)
        assert isinstance(track, Track)
        assert (track.titulo, track.artista, track.album) == (song.titulo, song.artista, song.album)
        assert track.spotify_id is None
        assert track.preview_url is None
        assert track.duracion_ms is None
        assert track.spotify_url == spotify_search_url(song.titulo, song.artista)
        root = decode_svg(track.foto)
        assert root.tag == f"{SVG_NS}svg"
        assert root.get("width") == "300" and root.get("height") == "300"
        assert root.get("viewBox") == "0 0 300 300"
        assert len(track.foto) < 1536


def test_spotify_url_is_a_search_link():
    url = spotify_search_url("Corazón partío", "Alejandro Sanz")
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc) == ("https", "open.spotify.com")
    assert parts.path.startswith("/search/")
    assert unquote(parts.path[len("/search/") :]) == "Corazón partío Alejandro Sanz"
    assert " " not in url


def test_cover_shows_title_and_artist():
    root = decode_svg(cover_data_uri("Bohemian Rhapsody", "Queen"))
    texts = [el.text for el in root.iter(f"{SVG_NS}text")]
    assert "Bohemian Rhapsody" in texts
    assert "Queen" in texts


def test_cover_escapes_xml_special_characters():
    title = 'Rock & <Roll> "it\'s" ]]> &amp;'
    artist = "Simon & Garfunkel <b>"
    svg = cover_svg(title, artist)
    root = ET.fromstring(svg)  # would raise if not escaped
    texts = [el.text for el in root.iter(f"{SVG_NS}text")]
    assert any(t.startswith("Rock & <Roll>") for t in texts)
    assert "Simon & Garfunkel <b>" in texts
    assert "<Roll>" not in svg and "<b>" not in svg
    decode_svg(cover_data_uri(title, artist))


def test_cover_truncates_long_text():
    long_title = "A" * 200
    root = ET.fromstring(cover_svg(long_title, "B" * 200))
    texts = [el.text for el in root.iter(f"{SVG_NS}text")]
    assert all(len(t) <= 30 for t in texts)
    assert texts[0].endswith("\u2026")
    assert len(cover_data_uri(long_title, "B" * 200)) < 1536


def test_cover_strips_xml_invalid_characters():
    ET.fromstring(cover_svg("bad\x00\x07title", "artist\x1b"))


def test_cover_is_deterministic_and_varies():
    a = cover_data_uri("Despacito", "Luis Fonsi")
    assert a == cover_data_uri("Despacito", "Luis Fonsi")
    assert cover_svg("Despacito", "Luis Fonsi") == cover_svg("Despacito", "Luis Fonsi")
    assert a != cover_data_uri("Despacito", "Otro")
    colours = {decode_svg(cover_data_uri(s.titulo, s.artista))[0].get("fill") for s in load_catalog()}
    assert len(colours) > 50


def test_cover_is_stable_across_processes():
    music_project = CATALOG_PATH.parents[2]  # music_project/search/catalog/songs.json
    code = (
        "from search.providers.offline import cover_data_uri;"
        "print(cover_data_uri('Bohemian Rhapsody', 'Queen'))"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            cwd=music_project,
            env={**os.environ, "PYTHONPATH": str(music_project), "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for seed in ("1", "2")
    }
    assert outputs == {cover_data_uri("Bohemian Rhapsody", "Queen")}


# --- searching ----------------------------------------------------------------------


@pytest.mark.parametrize(("title", "artist"), FAMOUS_SONGS)
def test_famous_songs_resolve_with_a_cover(provider, title, artist):
    (track,) = provider.search(title, 1)
    assert normalize(track.titulo) == normalize(title)
    assert track.artista == artist
    assert track.album
    root = decode_svg(track.foto)
    assert root.tag == f"{SVG_NS}svg"
    texts = [el.text for el in root.iter(f"{SVG_NS}text")]
    assert artist in texts
    if len(track.titulo) <= 22:  # longer titles are shortened on the cover
        assert track.titulo in texts


def test_famous_spanish_songs_are_marked_spanish():
    by_key = {(s.titulo, s.artista): s for s in load_catalog()}
    spanish = FAMOUS_SONGS[25:]
    for title, artist in spanish:
        song = next(s for (t, a), s in by_key.items() if normalize(t) == normalize(title) and a == artist)
        assert song.idioma == "es", song


def test_language_is_not_a_search_key(provider):
    assert provider.search("zxx", 10) == []
    (track,) = provider.search("Take Five", 1)
    assert not hasattr(track, "idioma")


def test_provider_basics(provider):
    assert provider.name == "offline"
    assert provider.is_ready() is True


def test_missing_catalog_is_not_ready(tmp_path):
    from search.providers.base import ProviderUnavailable

    broken = OfflineProvider(tmp_path / "nope.json")
    assert broken.is_ready() is False
    with pytest.raises(ProviderUnavailable):
        broken.search("queen", 5)
    empty = tmp_path / "empty.json"
    empty.write_text("[]", encoding="utf-8")
    assert OfflineProvider(empty).is_ready() is False


def test_queen_returns_queen_songs(provider):
    results = provider.search("Queen", 50)
    queen = [t for t in results if t.artista == "Queen"]
    assert len(queen) >= 8
    # Naming the artist exactly ranks the artist's songs first, then titles with the word.
    assert [t.artista for t in results[: len(queen)]] == ["Queen"] * len(queen)
    assert results[0].titulo == "Bohemian Rhapsody"
    others = [t for t in results if t.artista != "Queen"]
    assert others and all("queen" in normalize(t.titulo) for t in others)


def test_bohemian_finds_bohemian_rhapsody(provider):
    (track,) = provider.search("bohemian", 10)
    assert (track.titulo, track.artista, track.album) == (
        "Bohemian Rhapsody",
        "Queen",
        "A Night at the Opera",
    )


def test_despacito(provider):
    results = provider.search("despacito", 10)
    assert results[0].titulo == "Despacito"
    assert results[0].artista == "Luis Fonsi"


@pytest.mark.parametrize("query", ["heroes del silencio", "HÉROES DEL SILENCIO", "heroes"])
def test_accent_insensitive_artist(provider, query):
    results = provider.search(query, 50)
    assert results
    assert any(t.artista == "Héroes del Silencio" for t in results)
    if query != "heroes":
        assert all(t.artista == "Héroes del Silencio" for t in results)


@pytest.mark.parametrize("query", ["cafe tacvba", "Café   Tacvba", "  CAFE\tTACVBA "])
def test_cafe_tacvba(provider, query):
    results = provider.search(query, 50)
    assert len(results) >= 5
    assert all(t.artista == "Café Tacvba" for t in results)


def test_accent_insensitive_title(provider):
    assert titles(provider.search("corazon partio", 5))[0] == "Corazón partío"
    assert titles(provider.search("TITI ME PREGUNTO", 5))[0] == "Tití me preguntó"


def test_punctuation_and_prefix_tokens(provider):
    assert titles(provider.search("dont stop me", 5))[0] == "Don't Stop Me Now"
    assert titles(provider.search("don't stop", 5))[:2] == [
        "Don't Stop Me Now",
        "Don't Stop 'Til You Get Enough",
    ]
    assert titles(provider.search("boh rhap", 5)) == ["Bohemian Rhapsody"]
    assert titles(provider.search("ac/dc", 5)) == ["Back in Black"]


def test_every_token_must_match(provider):
    assert provider.search("bohemian nirvana", 10) == []
    results = provider.search("nirvana nevermind", 10)
    assert results and all(t.artista == "Nirvana" and t.album == "Nevermind" for t in results)


def test_ranking_order(provider):
    # exact title (Avalancha) > album match (La chispa adecuada, on the album "Avalancha")
    results = provider.search("avalancha", 20)
    assert results[0].titulo == "Avalancha"
    assert results[0].artista == "Héroes del Silencio"
    assert "La chispa adecuada" in titles(results)
    # exact title > title starts with query > all tokens in title
    results = provider.search("la bamba", 10)
    assert results[0].titulo == "La Bamba"
    results = provider.search("money", 10)
    assert results[0].titulo == "Money"
    # title match > artist match > album match
    results = provider.search("thriller", 10)
    assert titles(results)[0] == "Thriller"
    assert set(titles(results)[1:]) == {"Billie Jean", "Beat It"}
    results = provider.search("bad", 20)
    assert (results[0].titulo, results[0].artista) == ("Bad", "Michael Jackson")
    bunny = [i for i, t in enumerate(results) if t.artista == "Bad Bunny"]
    album_only = [i for i, t in enumerate(results) if t.album == "Bad" and t.titulo != "Bad"]
    assert bunny and album_only and max(bunny) < min(album_only)


def test_title_prefix_beats_title_tokens(provider):
    results = titles(provider.search("we will", 10))
    assert results[0] == "We Will Rock You"
    results = titles(provider.search("la vida", 20))
    starts = [i for i, t in enumerate(results) if normalize(t).startswith("la vida")]
    inside = [
        i for i, t in enumerate(results) if not normalize(t).startswith("la vida") and "vida" in normalize(t)
    ]
    assert starts and inside and max(starts) < min(inside)


def test_ties_keep_catalog_order(provider):
    catalog_order = [s.titulo for s in load_catalog() if s.artista == "Queen"]
    results = [t.titulo for t in provider.search("queen", 100) if t.artista == "Queen"]
    assert results == catalog_order


@pytest.mark.parametrize("limit", [1, 3, 5])
def test_limit_is_respected(provider, limit):
    assert len(provider.search("queen", limit)) == limit


def test_non_positive_limit(provider):
    assert provider.search("queen", 0) == []


@pytest.mark.parametrize("query", ["zzzz no existe", "", "   ", "\t\n", "¿?!"])
def test_no_results(provider, query):
    assert provider.search(query, 10) == []


def test_search_is_deterministic(provider):
    assert provider.search("amor", 20) == provider.search("amor", 20)


# --- no wrong covers ----------------------------------------------------------------------

# Nonsense or short note titles: before, each got a catalog cover ("x" -> Fix You).
NO_SONG_QUERIES = [
    # a single character
    "x",
    "a",
    "b",
    "c",
    "y",
    # stop words alone
    "the",
    "la",
    "el",
    "los",
    "de",
    "you",
    "a la",
    # short words that only start a title, artist or album word
    "ab",
    "ai",
    "oh",
    # one word of a longer title, or of an album
    "love",
    "amor",
    "rock",
    "hola",
    "Tres",
]


def test_no_song_queries_are_twenty_distinct():
    assert len({normalize(q) for q in NO_SONG_QUERIES}) == 20


@pytest.mark.parametrize("query", NO_SONG_QUERIES)
def test_a_nonsense_or_short_query_is_no_song(provider, query):
    assert provider.search(query, 1) == []


@pytest.mark.parametrize("query", ["x", "a", "the", "la", "el", "a la", "the the", "y de"])
def test_single_characters_and_stop_words_match_nothing_when_browsing(provider, query):
    assert provider.search(query, 10) == []


def test_browsing_still_ranks_candidates_for_a_loose_word(provider):
    # More than one result asked for (people browsing): no similarity threshold.
    results = provider.search("love", 10)
    assert len(results) == 10
    assert all("love" in normalize(f"{t.titulo} {t.artista} {t.album}") for t in results)


def test_short_words_must_be_whole_words(provider):
    assert provider.search("ro", 10) == [] == provider.search("bo rh", 10)
    assert titles(provider.search("ain", 3))[0] == "Ain't No Mountain High Enough"  # 3 letters: a prefix
    assert titles(provider.search("ac dc", 10)) == ["Back in Black"]  # whole words "ac" and "dc"


@pytest.mark.parametrize(
    ("query", "title", "artist"),
    [
        ("1999", "1999", "Prince"),
        ("9 to 5", "9 to 5", "Dolly Parton"),
        ("U2 one", "One", "U2"),
        ("boh rhap", "Bohemian Rhapsody", "Queen"),
        ("bohemian", "Bohemian Rhapsody", "Queen"),
        ("Queen", "Bohemian Rhapsody", "Queen"),
        ("No sé tú", "No sé tú", "Luis Miguel"),  # "se" is also "sé": not a stop word
        ("Michael Jackson thriller", "Thriller", "Michael Jackson"),
        ("thriller michael", "Thriller", "Michael Jackson"),
        ("purple rain prince", "Purple Rain", "Prince"),
    ],
)
def test_one_song_is_still_found(provider, query, title, artist):
    (track,) = provider.search(query, 1)
    assert (track.titulo, track.artista) == (title, artist)


def test_u2_alone_is_a_u2_song(provider):
    (track,) = provider.search("U2", 1)
    assert track.artista == "U2"


def test_every_title_is_one_songs_answer(provider):
    for song in load_catalog():
        (track,) = provider.search(song.titulo, 1)
        assert normalize(track.titulo) == song.title_norm
