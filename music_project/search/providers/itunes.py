"""Apple's iTunes Search API (no key; about 20 calls a minute; errors as ``{"errorMessage": …}``)."""

from django.conf import settings

from musica_kit.track import Track, safe_link

from .keyless import KeylessProvider


def largest_artwork(url: str | None) -> str | None:
    """Only ``…/100x100bb.jpg`` is listed, but the image server renders any size the path names."""
    url = safe_link(url)
    if url and "/100x100bb." in url:
        head, _, tail = url.rpartition("/100x100bb.")
        return f"{head}/600x600bb.{tail}"
    return url


def track_from_itunes(item: dict) -> Track:
    millis = item.get("trackTimeMillis")
    return Track(
        spotify_id=None,
        titulo=str(item.get("trackName") or ""),
        artista=str(item.get("artistName") or ""),
        album=str(item.get("collectionName") or ""),
        foto=largest_artwork(item.get("artworkUrl100")),
        spotify_url=None,
        preview_url=safe_link(item.get("previewUrl")),
        duracion_ms=int(millis) if isinstance(millis, int | float) else None,
        url=safe_link(item.get("trackViewUrl")),
    )


class ITunesProvider(KeylessProvider):
    name = "itunes"

    def __init__(self):
        super().__init__(settings.ITUNES_API_URL, settings.ITUNES_RATE_LIMIT)

    def search(self, query: str, limit: int) -> list[Track]:
        params = {"term": query, "media": "music", "entity": "song", "limit": limit}
        status, body = self.get({**params, "country": settings.ITUNES_COUNTRY})
        if "errorMessage" in body or status == 403:
            raise self.useless(f"itunes respondió un error ({status}).", kind="error_answer")
        results = body.get("results")
        if status != 200 or not isinstance(results, list):
            raise self.useless(f"itunes respondió {status} sin resultados.")
        songs = [item for item in results if isinstance(item, dict) and item.get("kind", "song") == "song"]
        tracks = [track_from_itunes(item) for item in songs]
        return [track for track in tracks if track.titulo][:limit]
