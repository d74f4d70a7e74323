"""Deezer's public search (no key); it reports errors inside a 200 (``{"error": {...}}``)."""

from django.conf import settings

from musica_kit.track import Track, safe_link

from .base import ProviderUnavailable
from .keyless import KeylessProvider

QUOTA_ERROR_CODE = 4  # 50 requests per 5 s


def track_from_deezer(item: dict) -> Track:
    album = item.get("album") or {}
    duration = item.get("duration")
    return Track(
        spotify_id=None,
        titulo=str(item.get("title") or ""),
        artista=str((item.get("artist") or {}).get("name") or ""),
        album=str(album.get("title") or ""),
        foto=safe_link(album.get("cover_xl")) or safe_link(album.get("cover_big")),
        spotify_url=None,
        preview_url=safe_link(item.get("preview")),
        duracion_ms=int(duration) * 1000 if isinstance(duration, int | float) else None,
        url=safe_link(item.get("link")),
    )


class DeezerProvider(KeylessProvider):
    name = "deezer"

    def __init__(self):
        super().__init__(settings.DEEZER_API_URL, settings.DEEZER_RATE_LIMIT)

    def search(self, query: str, limit: int) -> list[Track]:
        status, body = self.get({"q": query, "limit": limit})
        if isinstance(error := body.get("error"), dict):
            if (code := error.get("code")) == QUOTA_ERROR_CODE:
                raise ProviderUnavailable(
                    "deezer superó su cuota de peticiones.", retry_after=5, kind="rate_limited"
                )
            raise self.useless(f"deezer respondió el error {code}.", kind="error_answer")
        data = body.get("data")
        if status != 200 or not isinstance(data, list):
            raise self.useless(f"deezer respondió {status} sin datos.")
        tracks = [track_from_deezer(item) for item in data if isinstance(item, dict)]
        return [track for track in tracks if track.titulo][:limit]
