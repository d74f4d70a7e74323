"""What a note keeps of music's answer: a TRACK and who answered it; a Note column per STORED_FIELDS."""

from dataclasses import dataclass, fields

from musica_kit.serializers import described
from musica_kit.track import Track


@dataclass(frozen=True, slots=True)
class Song(Track):
    fuente: str | None = described(
        "Quién encontró la canción (y la portada): `spotify`, `deezer`, `itunes` u `offline`; null mientras "
        "no se conoce."
    )


STORED_FIELDS = tuple(spec.name for spec in fields(Song) if spec.name != "duracion_ms")
# Text columns are NOT NULL (""), link columns nullable.
TEXT_FIELDS = ("titulo", "artista", "album")
LINK_FIELDS = ("foto", "spotify_url", "preview_url", "url")
MUSICA_FIELDS = tuple(name for name in STORED_FIELDS if name not in ("foto", "fuente"))
