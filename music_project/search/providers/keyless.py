"""Deezer and iTunes, public searches with no key: one GET for JSON that fails fast, a limiter shared by
replicas. Deezer reports errors inside a 200 (``{"error": {...}}``), iTunes as ``{"errorMessage": …}``."""

import time

from django.conf import settings
from django.core.cache import cache

from musica_kit.track import Track, safe_link

from .base import ProviderUnavailable, network_errors, provider_session, upstream_error


class RateLimiter:
    """At most ``rate`` ("50/5": 50 per 5 s window) in Django's cache; a cache that cannot count
    lets the request through: a Redis outage must not silence every provider."""

    def __init__(self, name: str, rate: str):
        count, _, seconds = rate.partition("/")
        self.name = name
        self.count, self.seconds = max(int(count), 1), max(int(seconds or 1), 1)

    def acquire(self) -> None:
        now = time.time()
        window = int(now // self.seconds)
        key = f"ratelimit:{self.name}:{window}"
        try:
            cache.add(key, 0, timeout=self.seconds + 1)
            used = cache.incr(key)
        except ValueError:  # the key expired between add and incr, or the cache is down
            return
        if used is not None and used > self.count:
            raise ProviderUnavailable(
                f"Límite de peticiones a {self.name} alcanzado ({self.count} cada {self.seconds} s).",
                retry_after=max(int((window + 1) * self.seconds - now) + 1, 1),
                kind="limiter",
            )


class KeylessProvider:
    name: str
    local = False

    def __init__(self, base_url: str, rate: str):
        self.search_url = base_url.rstrip("/") + "/search"
        self._session = provider_session(base_url)
        self._session.headers["Accept"] = "application/json"
        self._limiter = RateLimiter(self.name, rate)

    def get(self, params: dict) -> tuple[int, dict]:
        """``(status, body)`` of a 2xx/4xx JSON object; anything else raises ProviderUnavailable."""
        self._limiter.acquire()
        timeout = (settings.PROVIDER_CONNECT_TIMEOUT, settings.PROVIDER_READ_TIMEOUT)
        with network_errors(self.name):
            response = self._session.get(self.search_url, params=params, timeout=timeout)
        if response.status_code == 429 or response.status_code >= 500:
            raise upstream_error(self.name, response.status_code, response.headers)
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise self.useless(f"{self.name} respondió algo que no se entiende.")
        return response.status_code, body

    def useless(self, message: str, kind: str = "garbage") -> ProviderUnavailable:
        """An answer music cannot use: 502."""
        return ProviderUnavailable(message, status=502, kind=kind)

    def is_ready(self) -> bool:
        return True


QUOTA_ERROR_CODE = 4  # Deezer's "50 requests per 5 s"


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
