"""One JSON line per event on stdout; noisy third-party loggers kept quiet."""

from config.env import env_str

LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "config.request_context.JsonFormatter", "service": "auth"}},
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
