"""Chooses the music source: Spotify when its keys are set, else the offline catalog."""

from functools import cache

from django.conf import settings

from .base import Provider, ProviderUnavailable, Track

__all__ = ["Provider", "ProviderUnavailable", "Track", "get_provider"]


@cache
def get_provider() -> Provider:
    if settings.SPOTIFY_CLIENT_ID and settings.SPOTIFY_CLIENT_SECRET:
        from .spotify import SpotifyProvider

        return SpotifyProvider()
    from .offline import OfflineProvider

    return OfflineProvider()
