"""Spotify through spotipy: the only module that imports spotipy or knows Spotify's URLs.

Choices that keep a worker from hanging or writing to disk:
- our own ``requests.Session`` with no retries: spotipy's default retries 429 inside
  urllib3, sleeping for ``Retry-After`` (which can be an hour) inside the request;
- the environment's proxy and CA bundle read once, when the session is made, not on
  every call (musica_kit.outbound);
- a token cache in Django's cache (shared by every worker and, with Redis, every
  replica) instead of spotipy's default ``.cache`` file;
- a 429 blocks Spotify calls for ``Retry-After`` seconds, recorded in the shared cache,
  so every replica stops asking at once.
"""

import base64
import logging
import threading
import time

import requests
import spotipy
from django.conf import settings
from django.core.cache import cache
from requests.adapters import HTTPAdapter
from spotipy.cache_handler import CacheHandler
from spotipy.oauth2 import SpotifyClientCredentials, SpotifyOauthError

from musica_kit.outbound import read_environment_once
from musica_kit.track import Track

from .base import ProviderUnavailable, retry_after_seconds

logger = logging.getLogger(__name__)

TOKEN_KEY = "spotify:token"  # noqa: S105 (a cache key, not a secret)
TOKEN_LOCK_KEY = "spotify:token:lock"  # noqa: S105
BLOCKED_UNTIL_KEY = "spotify:blocked-until"
# What the answer says (detalle.motivo) when Spotify rate-limits: user-facing, so Spanish.
RATE_LIMITED = "Spotify limita las peticiones: espera antes de reintentar."


class DjangoCacheTokenHandler(CacheHandler):
    """Keeps the client-credentials token in Django's cache, never on disk."""

    def get_cached_token(self):
        return cache.get(TOKEN_KEY)

    def save_token_to_cache(self, token_info):
        # Expire a minute early so nobody is handed a token about to die.
        ttl = max(int(token_info.get("expires_in", 3600)) - 60, 1)
        cache.set(TOKEN_KEY, token_info, timeout=ttl)


class SharedClientCredentials(SpotifyClientCredentials):
    """One token fetch at a time across threads, workers and (with Redis) replicas."""

    _local_lock = threading.Lock()

    def get_access_token(self, as_dict=False, check_cache=True):
        cached = self.cache_handler.get_cached_token()
        if cached and not self.is_token_expired(cached):
            return cached["access_token"]
        with self._local_lock:
            deadline = time.monotonic() + settings.SPOTIFY_READ_TIMEOUT
            while not cache.add(TOKEN_LOCK_KEY, 1, timeout=int(settings.SPOTIFY_READ_TIMEOUT) + 2):
                # Another process is fetching the token right now: wait briefly for it.
                cached = self.cache_handler.get_cached_token()
                if cached and not self.is_token_expired(cached):
                    return cached["access_token"]
                if time.monotonic() > deadline:
                    break
                time.sleep(0.05)
            try:
                cached = self.cache_handler.get_cached_token()
                if cached and not self.is_token_expired(cached):
                    return cached["access_token"]
                return super().get_access_token(as_dict=False, check_cache=False)
            finally:
                cache.delete(TOKEN_LOCK_KEY)


def secrets_for_logs() -> list[str]:
    """The client secret and the Basic value spotipy builds from it: never in a log line
    (settings.LOG_REDACT_HOOK)."""
    secret = settings.SPOTIFY_CLIENT_SECRET
    if not secret:
        return []
    return [secret, base64.b64encode(f"{settings.SPOTIFY_CLIENT_ID}:{secret}".encode()).decode()]


def _largest_image_url(images: list[dict] | None) -> str | None:
    images = [image for image in images or [] if image and image.get("url")]
    if not images:
        return None
    largest = max(images, key=lambda image: (image.get("width") or 0) * (image.get("height") or 0))
    return largest["url"]


def track_from_spotify(item: dict) -> Track:
    """Clean one Spotify TrackObject down to the contract's TRACK."""
    album = item.get("album") or {}
    artists = [artist.get("name", "") for artist in item.get("artists") or [] if artist]
    return Track(
        spotify_id=item.get("id"),
        titulo=item.get("name") or "",
        artista=", ".join(name for name in artists if name),
        album=album.get("name") or "",
        foto=_largest_image_url(album.get("images")),
        spotify_url=(item.get("external_urls") or {}).get("spotify"),
        preview_url=item.get("preview_url"),
        duracion_ms=item.get("duration_ms"),
        url=(item.get("external_urls") or {}).get("spotify"),
    )


class SpotifyProvider:
    name = "spotify"
    local = False

    def __init__(self):
        session = requests.Session()
        # No retries at all: failing fast is the caller's cue to answer 503 now.
        adapter = HTTPAdapter(pool_connections=2, pool_maxsize=settings.PROVIDER_POOL_SIZE, max_retries=0)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        read_environment_once(session, settings.SPOTIFY_API_URL, settings.SPOTIFY_AUTH_URL)
        timeout = (settings.SPOTIFY_CONNECT_TIMEOUT, settings.SPOTIFY_READ_TIMEOUT)
        self._auth = SharedClientCredentials(
            client_id=settings.SPOTIFY_CLIENT_ID,
            client_secret=settings.SPOTIFY_CLIENT_SECRET,
            requests_session=session,
            requests_timeout=timeout,
            cache_handler=DjangoCacheTokenHandler(),
        )
        self._auth.OAUTH_TOKEN_URL = settings.SPOTIFY_AUTH_URL
        self._client = spotipy.Spotify(
            auth_manager=self._auth,
            requests_session=session,
            requests_timeout=timeout,
            retries=0,
            status_retries=0,
            backoff_factor=0,
        )
        self._client.prefix = settings.SPOTIFY_API_URL.rstrip("/") + "/"

    def _check_not_blocked(self) -> None:
        blocked_until = cache.get(BLOCKED_UNTIL_KEY)
        if blocked_until and blocked_until > time.time():
            raise ProviderUnavailable(
                RATE_LIMITED,
                status=503,
                retry_after=int(blocked_until - time.time()) + 1,
                kind="rate_limited",
            )

    def _block(self, seconds: int) -> None:
        cache.set(BLOCKED_UNTIL_KEY, time.time() + seconds, timeout=seconds)

    def search(self, query: str, limit: int) -> list[Track]:
        self._check_not_blocked()
        kwargs = {"q": query, "type": "track", "limit": limit}
        if settings.SPOTIFY_MARKET:
            kwargs["market"] = settings.SPOTIFY_MARKET
        try:
            payload = self._client.search(**kwargs)
        except spotipy.SpotifyException as exc:
            if exc.http_status == 429:
                seconds = retry_after_seconds(exc.headers)
                self._block(seconds)
                logger.warning("spotify rate limited", extra={"retry_after": seconds})
                raise ProviderUnavailable(
                    RATE_LIMITED, status=503, retry_after=seconds, kind="rate_limited"
                ) from None
            logger.warning("spotify error", extra={"upstream_status": exc.http_status})
            status = 503 if exc.http_status in (502, 503, 504) else 502
            raise ProviderUnavailable(
                "Spotify respondió con un error.", status=status, kind="server_error"
            ) from None
        except SpotifyOauthError:
            logger.error("spotify token request refused (check SPOTIFY_CLIENT_ID/SECRET)")
            raise ProviderUnavailable(
                "Spotify rechazó las credenciales del servicio.", status=502, kind="error_answer"
            ) from None
        except requests.Timeout:
            logger.warning("spotify timed out")
            raise ProviderUnavailable(
                "Spotify tardó demasiado en responder.", status=503, kind="timeout"
            ) from None
        except (requests.RequestException, ValueError, KeyError, TypeError):
            logger.warning("spotify unreachable or answered garbage")
            raise ProviderUnavailable(
                "No se pudo contactar con Spotify.", status=503, kind="unreachable"
            ) from None
        if not isinstance(payload, dict):
            logger.warning("spotify answered a body that is not JSON")
            raise ProviderUnavailable(
                "Spotify respondió algo que no se entiende.", status=502, kind="garbage"
            )
        items = (payload.get("tracks") or {}).get("items") or []
        return [track_from_spotify(item) for item in items if item][:limit]

    def is_ready(self) -> bool:
        try:
            self._auth.get_access_token()
        except (SpotifyOauthError, requests.RequestException, ValueError, KeyError):
            return False
        return True
