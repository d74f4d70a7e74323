"""Which music sources answer, in which order; a provider's module is imported only when used."""

import logging
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from .base import ProviderUnavailable
from .chain import ProviderChain

__all__ = ["ProviderChain", "ProviderUnavailable", "get_chain"]

logger = logging.getLogger(__name__)

PROVIDER_CLASSES = {
    "spotify": "search.providers.spotify.SpotifyProvider",
    "deezer": "search.providers.keyless.DeezerProvider",
    "itunes": "search.providers.keyless.ITunesProvider",
    "offline": "search.providers.offline.OfflineProvider",
}


def chain_names() -> tuple[str, ...]:
    has_keys = bool(settings.SPOTIFY_CLIENT_ID and settings.SPOTIFY_CLIENT_SECRET)
    if not settings.MUSIC_PROVIDERS:
        return (("spotify",) if has_keys else ()) + ("deezer", "itunes", "offline")
    names = tuple(name for name in settings.MUSIC_PROVIDERS if name != "spotify" or has_keys)
    if len(names) < len(settings.MUSIC_PROVIDERS):
        logger.warning("MUSIC_PROVIDERS names spotify but its keys are not set: spotify left out")
    return names or ("offline",)


@cache
def get_chain() -> ProviderChain:
    return ProviderChain([import_string(PROVIDER_CLASSES[name])() for name in chain_names()])
