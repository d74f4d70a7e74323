"""Spotify through spotipy, which must not hang a worker (retries sleep a 429 out) nor write a .cache file."""

import base64
import functools
import logging
import time

import requests
import spotipy
from django.conf import settings
from django.core.cache import cache
from spotipy.cache_handler import CacheHandler
from spotipy.oauth2 import SpotifyClientCredentials, SpotifyOauthError

from musica_kit.track import Track

from ..services import single_flight
from .base import ProviderUnavailable, network_errors, provider_session, upstream_error

logger = logging.getLogger(__name__)

TOKEN_KEY = "spotify:token"  # noqa: S105 (a cache key, not a secret)
BLOCKED_UNTIL_KEY = "spotify:blocked-until"


class DjangoCacheTokenHandler(CacheHandler):
    def get_cached_token(self):
        return cache.get(TOKEN_KEY)

    def save_token_to_cache(self, token_info):
        # A minute early: nobody is handed a token about to die.
        cache.set(TOKEN_KEY, token_info, timeout=max(int(token_info.get("expires_in", 3600)) - 60, 1))


class SharedClientCredentials(SpotifyClientCredentials):
    """One token fetch at a time across threads, workers and (with Redis) replicas."""

    def _valid_cached_token(self) -> str | None:
        cached = self.cache_handler.get_cached_token()
        return cached["access_token"] if cached and not self.is_token_expired(cached) else None

    def get_access_token(self, as_dict=False, check_cache=True):
        fetch = functools.partial(super().get_access_token, as_dict=False, check_cache=False)
        return single_flight(TOKEN_KEY, settings.SPOTIFY_READ_TIMEOUT, self._valid_cached_token, fetch)


def secrets_for_logs() -> list[str]:
    """The client secret and the Basic value spotipy builds from it (LOG_REDACT_HOOK)."""
    secret = settings.SPOTIFY_CLIENT_SECRET
    basic = base64.b64encode(f"{settings.SPOTIFY_CLIENT_ID}:{secret}".encode()).decode()
    return [secret, basic] if secret else []


def track_from_spotify(item: dict) -> Track:
    album = item.get("album") or {}
    artists = [artist.get("name", "") for artist in item.get("artists") or [] if artist]
    images = [image for image in album.get("images") or [] if image and image.get("url")]
    largest = max(images, key=lambda i: (i.get("width") or 0) * (i.get("height") or 0), default={})
    link = (item.get("external_urls") or {}).get("spotify")
    return Track(
        spotify_id=item.get("id"),
        titulo=item.get("name") or "",
        artista=", ".join(name for name in artists if name),
        album=album.get("name") or "",
        foto=largest.get("url"),
        spotify_url=link,
        preview_url=item.get("preview_url"),
        duracion_ms=item.get("duration_ms"),
        url=link,
    )


class SpotifyProvider:
    name = "spotify"
    local = False

    def __init__(self):
        session = provider_session(settings.SPOTIFY_API_URL, settings.SPOTIFY_AUTH_URL)
        timeout = (settings.SPOTIFY_CONNECT_TIMEOUT, settings.SPOTIFY_READ_TIMEOUT)
        http = {"requests_session": session, "requests_timeout": timeout}
        keys = settings.SPOTIFY_CLIENT_ID, settings.SPOTIFY_CLIENT_SECRET
        self._auth = SharedClientCredentials(*keys, cache_handler=DjangoCacheTokenHandler(), **http)
        self._auth.OAUTH_TOKEN_URL = settings.SPOTIFY_AUTH_URL
        self._client = spotipy.Spotify(
            auth_manager=self._auth, retries=0, status_retries=0, backoff_factor=0, **http
        )
        self._client.prefix = settings.SPOTIFY_API_URL.rstrip("/") + "/"

    def search(self, query: str, limit: int) -> list[Track]:
        if (blocked_until := cache.get(BLOCKED_UNTIL_KEY)) and blocked_until > time.time():
            # The 429 that blocked every replica, with the seconds it has left.
            raise upstream_error("Spotify", 429, {"Retry-After": int(blocked_until - time.time()) + 1})
        try:
            with network_errors("Spotify"):
                payload = self._client.search(  # requests leaves out a market of None
                    q=query, type="track", limit=limit, market=settings.SPOTIFY_MARKET or None
                )
        except spotipy.SpotifyException as exc:
            error = upstream_error("Spotify", exc.http_status, exc.headers)
            if error.retry_after:  # a 429: every replica stops asking for Retry-After seconds
                cache.set(BLOCKED_UNTIL_KEY, time.time() + error.retry_after, timeout=error.retry_after)
            raise error from None
        except SpotifyOauthError:
            logger.error("spotify token request refused (check SPOTIFY_CLIENT_ID/SECRET)")
            raise ProviderUnavailable(
                "Spotify rechazó las credenciales del servicio.", status=502, kind="error_answer"
            ) from None
        except (ValueError, KeyError, TypeError):  # a token or search answer spotipy could not read
            payload = None
        if not isinstance(payload, dict):
            message = "Spotify respondió algo que no se entiende."
            raise ProviderUnavailable(message, status=502, kind="garbage")
        items = (payload.get("tracks") or {}).get("items") or []
        return [track_from_spotify(item) for item in items if item][:limit]

    def is_ready(self) -> bool:
        try:
            self._auth.get_access_token()
        except (SpotifyOauthError, requests.RequestException, ValueError, KeyError):
            return False
        return True
