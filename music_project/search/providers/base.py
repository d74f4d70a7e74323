"""What every music source returns, and how it says it cannot answer."""

from dataclasses import asdict, dataclass
from typing import Protocol

from musica_kit.serializers import described


@dataclass(frozen=True, slots=True)
class Track:
    """One song, shaped as the contract's TRACK: the one definition of that shape in music_service."""

    spotify_id: str | None = described("Id de Spotify; null si la canción viene de otra fuente.")
    titulo: str = described("Título de la canción.")
    artista: str = described("Artista o artistas, separados por comas.")
    album: str = described("Álbum.")
    foto: str | None = described(
        "URL de la imagen más grande del álbum (null si no tiene); sin conexión, una portada SVG generada "
        "como `data:image/svg+xml;base64,…`."
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

    def as_dict(self) -> dict:
        return asdict(self)


class ProviderUnavailable(Exception):
    """The source cannot answer now (down, slow, rate-limited, misconfigured, answered an error).

    ``status`` is the HTTP status music_service should answer with (502 or 503);
    ``retry_after`` is in seconds when the source said how long to wait.
    """

    def __init__(
        self, message: str, *, status: int = 503, retry_after: int | None = None, kind: str = "unavailable"
    ):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after
        # What went wrong, for logs and /health: timeout, unreachable, server_error, rate_limited,
        # limiter, error_answer, garbage, breaker_open, budget or unavailable.
        self.kind = kind


class Provider(Protocol):
    name: str
    # True for a provider that asks nothing over the network (the offline catalog).
    local: bool

    def search(self, query: str, limit: int) -> list[Track]:
        """Best matches first; an empty list when nothing matches."""

    def is_ready(self) -> bool:
        """True when the source can answer a search now."""
