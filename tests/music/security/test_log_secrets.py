"""spotipy writes request headers at DEBUG (the Basic header with the client secret, the Bearer
token). Our settings keep spotipy quiet, and our JSON formatter masks secrets whatever logs them."""

import base64
import logging

from musica_kit.request_context import JsonFormatter
from search.providers.spotify import SpotifyProvider


def test_spotipy_at_debug_prints_the_credentials_and_our_formatter_masks_them(spotify, caplog):
    with caplog.at_level(logging.DEBUG, logger="spotipy"):
        SpotifyProvider().search("Queen", 1)
    records = [record for record in caplog.records if record.name.startswith("spotipy")]
    plain = "\n".join(record.getMessage() for record in records)  # the negative control
    text = "\n".join(JsonFormatter(service="music").format(record) for record in records)
    basic = base64.b64encode(f"{spotify.client_id}:{spotify.client_secret}".encode()).decode()
    assert any(secret in plain for secret in (spotify.client_secret, basic))
    assert "Bearer BQ" in plain
    assert "sending" in text.lower() and "[redacted]" in text  # spotipy did log, masked
    assert spotify.client_secret not in text and basic not in text and "Bearer BQ" not in text


def test_the_service_token_and_secret_key_are_masked_and_spotipy_and_urllib3_stay_above_debug(settings):
    settings.MUSIC_SERVICE_TOKEN = "music-service-token-sentinel-0123456789"
    values = (settings.MUSIC_SERVICE_TOKEN, settings.SECRET_KEY)
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%s %s", values, None)
    line = JsonFormatter(service="music").format(record)
    assert settings.MUSIC_SERVICE_TOKEN not in line and settings.SECRET_KEY not in line
    loggers = settings.LOGGING["loggers"]
    assert logging.getLevelName(loggers["spotipy"]["level"]) > logging.DEBUG
    assert logging.getLevelName(loggers["urllib3"]["level"]) > logging.DEBUG
