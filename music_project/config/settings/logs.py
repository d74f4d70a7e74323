"""One JSON line per event on stdout; third-party loggers kept quiet (spotipy logs headers at DEBUG)."""

from musica_kit.env import env_str
from musica_kit.logging_config import json_logging

SERVICE_NAME = "music"
LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
# Values of these settings never reach a log line (musica_kit.request_context.redact).
LOG_REDACT_SETTINGS = ("SECRET_KEY", "MUSIC_SERVICE_TOKEN", "SPOTIFY_CLIENT_SECRET", "METRICS_TOKEN")
LOG_REDACT_HOOK = "search.providers.spotify.secrets_for_logs"

LOGGING = json_logging(
    service=SERVICE_NAME, level=LOG_LEVEL, levels={"spotipy": "CRITICAL", "urllib3": "WARNING"}
)
