"""The provider seam: which music sources answer, in which order (MUSIC_PROVIDERS).

Default chain: spotify first when its keys are set, then deezer, itunes and the offline catalog.
Each provider module is imported only when the chain uses it.
"""

import logging
from functools import cache

from django.conf import settings

from .base import Provider, ProviderUnavailable
from .chain import ChainAnswer, ProviderChain

__all__ = ["ChainAnswer", "Provider", "ProviderChain", "ProviderUnavailable", "get_chain"]

logger = logging.getLogger(__name__)

KEYLESS_CHAIN = ("deezer", "itunes", "offline")


def chain_names() -> tuple[str, ...]:
    has_keys = bool(settings.SPOTIFY_CLIENT_ID and settings.SPOTIFY_CLIENT_SECRET)
    if not settings.MUSIC_PROVIDERS:
        return (("spotify",) if has_keys else ()) + KEYLESS_CHAIN
    names = tuple(name for name in settings.MUSIC_PROVIDERS if name != "spotify" or has_keys)
    if len(names) < len(settings.MUSIC_PROVIDERS):
        logger.warning("MUSIC_PROVIDERS names spotify but its keys are not set: spotify left out")
    return names or ("offline",)


def _build(name: str) -> Provider:
    if name == "spotify":
        from .spotify import SpotifyProvider

        return SpotifyProvider()
    if name == "deezer":
        from .deezer import DeezerProvider

        return DeezerProvider()
    if name == "itunes":
        from .itunes import ITunesProvider

        return ITunesProvider()
    from .offline import OfflineProvider

    return OfflineProvider()


@cache
def get_chain() -> ProviderChain:
    return ProviderChain([_build(name) for name in chain_names()])
