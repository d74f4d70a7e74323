"""spotipy writes request headers at DEBUG (the Basic header with the client secret, the Bearer
token). Our settings keep spotipy quiet, and our JSON formatter masks secrets whatever logs them."""

import base64
import io
import logging

import pytest
from django.conf import settings

from musica_kit.request_context import JsonFormatter
from search.providers.spotify import SpotifyProvider


@pytest.fixture
def spotipy_at_debug():
    """spotipy's loggers forced to DEBUG, captured by a handler with the given formatter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("spotipy")
    previous = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)

    def use(formatter: logging.Formatter) -> io.StringIO:
        handler.setFormatter(formatter)
        return stream

    yield use
    logger.removeHandler(handler)
    logger.setLevel(previous)


def secrets_of(double) -> list[str]:
    basic = base64.b64encode(f"{double.client_id}:{double.client_secret}".encode()).decode()
    return [double.client_secret, basic]


def test_spotipy_at_debug_does_print_the_credentials(spotify, spotipy_at_debug):
    """The negative control: with a plain formatter the secret is there to find."""
    stream = spotipy_at_debug(logging.Formatter("%(message)s"))
    SpotifyProvider().search("Queen", 1)
    text = stream.getvalue()
    assert any(secret in text for secret in secrets_of(spotify)), text[:500]
    assert "Bearer BQ" in text


def test_our_formatter_masks_them_even_at_debug(spotify, spotipy_at_debug):
    stream = spotipy_at_debug(JsonFormatter(service="music"))
    SpotifyProvider().search("Queen", 1)
    text = stream.getvalue()
    assert "sending POST request" in text.lower() or "Sending" in text  # spotipy did log
    for secret in secrets_of(spotify):
        assert secret not in text
    assert "Bearer BQ" not in text
    assert "[redacted]" in text


def test_the_service_token_and_secret_key_are_masked(settings):
    settings.MUSIC_SERVICE_TOKEN = "music-service-token-sentinel-0123456789"
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "%s %s", (settings.MUSIC_SERVICE_TOKEN, settings.SECRET_KEY), None
    )
    line = JsonFormatter(service="music").format(record)
    assert settings.MUSIC_SERVICE_TOKEN not in line and settings.SECRET_KEY not in line


def test_logging_settings_pin_spotipy_and_urllib3_above_debug():
    loggers = settings.LOGGING["loggers"]
    assert logging.getLevelName(loggers["spotipy"]["level"]) > logging.DEBUG
    assert logging.getLevelName(loggers["urllib3"]["level"]) > logging.DEBUG
