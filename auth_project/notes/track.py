"""What a note keeps of music's answer: a TRACK and who answered it; a Note column per STORED_FIELDS."""

from dataclasses import dataclass, fields

from musica_kit.track import Track


@dataclass(frozen=True, slots=True)
class Song(Track):
    fuente: str | None  # who found it (and its cover): a musica_kit.track.SOURCES name


STORED_FIELDS = tuple(spec.name for spec in fields(Song) if spec.name != "duracion_ms")
# Text columns are NOT NULL (""), link columns nullable.
TEXT_FIELDS = ("titulo", "artista", "album")
LINK_FIELDS = ("foto", "spotify_url", "preview_url", "url")
