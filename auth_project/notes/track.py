"""What a note keeps of music_service's TRACK: the one definition of that shape in auth_service.

music_client reads a TRACK into a Song, notes.enrichment stores a Song's fields on the note
(the Note model has a column of the same name for each), and the API shows them as ``foto`` and
``musica`` (notes.serializers derives MusicaSerializer from this class).
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
    spotify_url: str | None = described("Enlace para abrirla en Spotify.")
    preview_url: str | None = described("Fragmento de 30 s, cuando Spotify lo ofrece; si no, null.")


SONG_FIELDS = tuple(spec.name for spec in fields(Song))
# Text columns are NOT NULL (""), link columns nullable; longer text than a column holds is cut.
SONG_TEXT_FIELDS = ("titulo", "artista", "album")
# The API shows the cover as the note's own ``foto`` and the rest as ``musica``.
MUSICA_FIELDS = tuple(name for name in SONG_FIELDS if name != "foto")
