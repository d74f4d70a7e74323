import pytest
from django.conf import settings
from django.core.cache import cache
from rest_framework.test import APIClient

from search.providers import get_chain
from tests.keyless_double.server import KeylessDouble
from tests.spotify_double.server import SpotifyDouble
from tests.support.redis_keys import delete_prefixed

pytest_plugins = ["tests.support.openapi_checks"]  # schema, openapi


def _empty_cache() -> None:
    """On Redis only this run's keys go (django-redis' clear() would empty the shared database)."""
    if settings.CACHES["default"]["BACKEND"].startswith("django_redis."):
        from django_redis import get_redis_connection

        delete_prefixed(get_redis_connection("default"), settings.CACHES["default"]["KEY_PREFIX"])
    else:
        cache.clear()


@pytest.fixture(scope="session", autouse=True)
def _own_keys_removed():
    yield
    _empty_cache()


@pytest.fixture(autouse=True)
def _isolated():
    """Each test starts with an empty cache and builds its provider chain anew."""
    _empty_cache()
    get_chain.cache_clear()


@pytest.fixture(scope="session")
def double():
    with SpotifyDouble(client_id="music-tests-id", client_secret="music-tests-secret").start() as server:
        yield server


@pytest.fixture
def spotify(double, settings):
    """music_service configured with keys, pointed at the Spotify double."""
    double.reset()
    settings.SPOTIFY_CLIENT_ID = double.client_id
    settings.SPOTIFY_CLIENT_SECRET = double.client_secret
    settings.SPOTIFY_API_URL = double.api_url
    settings.SPOTIFY_AUTH_URL = double.auth_url
    settings.MUSIC_PROVIDERS = ["spotify"]  # Spotify alone: its failures must show, not fail over
    get_chain.cache_clear()
    return double


@pytest.fixture
def client():
    return APIClient()


@pytest.fixture(scope="session")
def keyless_double():
    with KeylessDouble().start() as server:
        yield server


@pytest.fixture
def keyless(keyless_double, settings):
    """No Spotify keys; chain deezer → itunes → offline, Deezer and iTunes pointed at the doubles."""
    keyless_double.reset()
    keyless_double.synthesize = False
    settings.MUSIC_PROVIDERS = ["deezer", "itunes", "offline"]
    settings.DEEZER_API_URL = keyless_double.deezer_url
    settings.ITUNES_API_URL = keyless_double.itunes_url
    get_chain.cache_clear()
    return keyless_double
