import itertools

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from notes import music_client
from tests.support.processes import free_port, music_process

_names = itertools.count()

pytest_plugins = ["tests.support.openapi_checks"]  # schema, openapi


@pytest.fixture(scope="session")
def live_music(tmp_path_factory):  # a real music_service (offline catalog)
    with music_process(tmp_path_factory.mktemp("music-logs")) as service:
        yield service


@pytest.fixture
def music_up(live_music, settings):
    settings.MUSIC_SERVICE_URL = live_music.url
    return live_music


@pytest.fixture(scope="session")
def live_music_without_deezer(tmp_path_factory):
    """Deezer unreachable: a song the offline catalog lacks gets the "incompleta" 503 naming deezer."""
    env = {"MUSIC_PROVIDERS": "deezer,offline", "DEEZER_API_URL": f"http://127.0.0.1:{free_port()}"}
    with music_process(
        tmp_path_factory.mktemp("music-2-logs"), name="music-without-deezer", **env
    ) as service:
        yield service


@pytest.fixture
def music_incomplete(live_music_without_deezer, settings):
    settings.MUSIC_SERVICE_URL = live_music_without_deezer.url
    return live_music_without_deezer


@pytest.fixture(autouse=True)
def fresh_breaker(monkeypatch, settings):
    """Each test starts with a closed breaker, an empty cache, and asks music afresh (no HTTP cache)."""
    breaker = music_client.CircuitBreaker(
        threshold=settings.MUSIC_BREAKER_THRESHOLD, cooldown=settings.MUSIC_BREAKER_COOLDOWN
    )
    monkeypatch.setattr(music_client, "breaker", breaker)
    cache.clear()
    music_client.clear_cache()
    return breaker


@pytest.fixture
def rates(settings):
    """Some of DEFAULT_THROTTLE_RATES for one test: ``rates(login="3/min", notes_write=None)``."""

    def set_rates(**changed):
        merged = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **changed}
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": merged}

    return set_rates


@pytest.fixture
def make_user(db, django_user_model):
    def make(username: str | None = None, password: str = "Canciones-2026"):
        return django_user_model.objects.create_user(
            username=username or f"user{next(_names)}", password=password
        )

    return make


@pytest.fixture
def ana(make_user):
    return make_user("ana")


@pytest.fixture
def client_for():
    def make(user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user=user)
        return client

    return make
