"""JSON lines on stdout; spotipy is silenced (it logs headers at DEBUG)."""

from musica_kit.env import env_str

SERVICE_NAME = "music"
LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
LOG_REDACT_SETTINGS = ("SECRET_KEY", "MUSIC_SERVICE_TOKEN", "SPOTIFY_CLIENT_SECRET", "METRICS_TOKEN")
LOG_REDACT_HOOK = "search.providers.spotify.secrets_for_logs"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "musica_kit.request_context.JsonFormatter", "service": SERVICE_NAME}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        "spotipy": {"level": "CRITICAL"},
        "urllib3": {"level": "WARNING"},
    },
}
