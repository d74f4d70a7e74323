"""TRACK (docs/api-contract.md), defined once: music answers with it, auth reads it."""

from dataclasses import dataclass

from .serializers import described

SOURCES = ("spotify", "deezer", "itunes", "offline")
# Cover hosts, for the pages' CSP (offline covers are data: URIs).
COVER_HOSTS = ("https://i.scdn.co", "https://*.dzcdn.net", "https://*.mzstatic.com")


@dataclass(frozen=True, slots=True)
class Track:
    spotify_id: str | None = described("Id de la canción en Spotify; null si vino de otra fuente.")
    titulo: str = described("Título de la canción.")
    artista: str = described("Artista o artistas, separados por comas.")
    album: str = described("Álbum.")
    foto: str | None = described(
        "URL de la imagen más grande del álbum (null si no tiene); con el catálogo sin conexión, una "
        "portada SVG generada como `data:image/svg+xml;base64,…`."
    )
    spotify_url: str | None = described(
        "Enlace a la canción en Spotify; null con Deezer o iTunes (sin conexión, a una búsqueda en Spotify)."
    )
    preview_url: str | None = described("Fragmento de unos 30 s cuando la fuente lo ofrece; si no, null.")
    duracion_ms: int | None = described("Duración en milisegundos; null sin conexión.")
    url: str | None = described(
        "La página de la canción en la fuente que respondió (Spotify, Deezer o Apple Music); "
        "null sin conexión."
    )


LINK_SCHEMES = ("https://", "http://")


def safe_link(value, schemes: tuple[str, ...] = LINK_SCHEMES) -> str | None:
    """Never a ``javascript:`` link."""
    return value if isinstance(value, str) and value.startswith(schemes) else None
