"""What a note keeps of music's answer: a TRACK (musica_kit.track) and who answered it (``fuente``).
The Note model has a column of the same name for each of STORED_FIELDS."""

from dataclasses import dataclass, fields

from musica_kit.serializers import described
from musica_kit.track import Track


@dataclass(frozen=True, slots=True)
class Song(Track):
    fuente: str | None = described(
        "Quién encontró la canción (y la portada): `spotify`, `deezer`, `itunes` u `offline`; null mientras "
        "no se conoce."
    )


# All but the duration, which nothing shows.
STORED_FIELDS = tuple(spec.name for spec in fields(Song) if spec.name != "duracion_ms")
# Text columns are NOT NULL (""), link columns nullable; longer text than a column holds is cut.
TEXT_FIELDS = ("titulo", "artista", "album")
# The API shows the cover and its source as the note's own ``foto`` and ``fuente``, the rest as ``musica``.
MUSICA_FIELDS = tuple(name for name in STORED_FIELDS if name not in ("foto", "fuente"))
