"""The note's serializer: ``musica`` is the found song (MusicaSerializer), null until it is found."""

from notes.models import Enrichment, Note
from notes.serializers import NoteSerializer

ENRICHED = {
    "spotify_id": "4uLU6hMCjMI75M1A2tKUQC",
    "titulo": "Never Gonna Give You Up",
    "artista": "Rick Astley",
    "album": "Whenever You Need Somebody",
    "foto": "https://i.scdn.co/image/ab67616d0000b273baf89eb11ec7c657805d2da0",
    "spotify_url": "https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC",
    "preview_url": None,
    "url": "https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC",
    "fuente": "spotify",
}


def test_musica_is_the_song_and_the_cover_and_its_source_are_the_notes_own():
    note = Note(id=7, cancion="Never Gonna Give You Up", texto="", enriquecimiento=Enrichment.OK, **ENRICHED)
    shown = NoteSerializer(note).data
    song = {name: value for name, value in ENRICHED.items() if name not in ("foto", "fuente")}
    assert shown["musica"] == song and list(shown["musica"]) == list(song)
    assert (shown["foto"], shown["fuente"]) == (ENRICHED["foto"], "spotify")


def test_musica_is_null_until_the_song_is_found():
    for state in (Enrichment.PENDING, Enrichment.NO_RESULTS):
        note = Note(id=8, cancion="x", texto="", enriquecimiento=state)
        assert NoteSerializer(note).data["musica"] is None
