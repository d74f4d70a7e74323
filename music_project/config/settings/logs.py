"""One JSON line per event on stdout; third-party loggers kept quiet (spotipy logs headers at DEBUG)."""

from config.env import env_str

LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "config.request_context.JsonFormatter", "service": "music"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        "spotipy": {"level": "CRITICAL"},
        "urllib3": {"level": "WARNING"},
    },
}
