"""What a note keeps of music_service's TRACK: the one definition of that shape in auth_service.

music_client reads a TRACK (and the answer's ``source``, as ``fuente``) into a Song,
notes.enrichment stores a Song's fields on the note (the Note model has a column of the same name
for each), and the API shows them as ``foto``, ``fuente`` and ``musica`` (notes.serializers derives
MusicaSerializer from this class).
"""

from dataclasses import dataclass, fields

from musica_kit.serializers import described


@dataclass(frozen=True, slots=True)
class Song:
    spotify_id: str | None = described("Id de la canción en Spotify; null con el catálogo sin conexión.")
    titulo: str = described("Título de la canción encontrada.")
    artista: str = described("Artista o artistas.")
    album: str = described("Álbum.")
    foto: str | None = described(
        "URL de la portada (la imagen más grande del álbum), o una imagen `data:` con el catálogo sin "
        "conexión; null mientras no se conoce."
    )
    spotify_url: str | None = described("Enlace para abrirla en Spotify; null si vino de Deezer o iTunes.")
    preview_url: str | None = described("Fragmento de unos 30 s, cuando la fuente lo ofrece; si no, null.")
    url: str | None = described(
        "Su página en la fuente que la encontró (Spotify, Deezer, Apple Music); o null."
    )
    fuente: str | None = described(
        "Quién encontró la canción (y la portada): `spotify`, `deezer`, `itunes` u `offline`; null mientras "
        "no se conoce."
    )


SONG_FIELDS = tuple(spec.name for spec in fields(Song))
# Text columns are NOT NULL (""), link columns nullable; longer text than a column holds is cut.
SONG_TEXT_FIELDS = ("titulo", "artista", "album")
# Where a song can come from (music_service's ``source``).
SOURCES = ("spotify", "deezer", "itunes", "offline")
# The API shows the cover and its source as the note's own ``foto`` and ``fuente``, the rest as ``musica``.
NOTE_LEVEL_FIELDS = ("foto", "fuente")
MUSICA_FIELDS = tuple(name for name in SONG_FIELDS if name not in NOTE_LEVEL_FIELDS)
