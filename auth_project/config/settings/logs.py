"""One JSON line per event on stdout; noisy third-party loggers kept quiet."""

from musica_kit.env import env_str

SERVICE_NAME = "auth"
LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
# Values of these settings never reach a log line (musica_kit.request_context.redact).
LOG_REDACT_SETTINGS = ("SECRET_KEY", "JWT_SIGNING_KEY", "MUSIC_SERVICE_TOKEN", "METRICS_TOKEN")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "musica_kit.request_context.JsonFormatter", "service": SERVICE_NAME}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        "urllib3": {"level": "ERROR"},
        # With DEBUG on, SQL is logged with its parameters, and the blacklist tables hold whole
        # refresh tokens: never at DEBUG, whatever LOG_LEVEL says.
        "django.db.backends": {"level": "INFO"},
    },
}
