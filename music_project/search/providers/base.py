"""What every music source returns, and how it says it cannot answer."""

from dataclasses import asdict, dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Track:
    """One song, already shaped as the contract's TRACK."""

    spotify_id: str | None
    titulo: str
    artista: str
    album: str
    foto: str | None
    spotify_url: str | None
    preview_url: str | None
    duracion_ms: int | None

    def as_dict(self) -> dict:
        return asdict(self)


class ProviderUnavailable(Exception):
    """The source cannot answer now (down, slow, rate-limited, misconfigured).

    ``status`` is the HTTP status music_service should answer with (502 or 503);
    ``retry_after`` is in seconds when the source said how long to wait.
    """

    def __init__(self, message: str, *, status: int = 503, retry_after: int | None = None):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class Provider(Protocol):
    name: str

    def search(self, query: str, limit: int) -> list[Track]:
        """Best matches first; an empty list when nothing matches."""

    def is_ready(self) -> bool:
        """True when the source can answer a search now."""
