"""One JSON line per event on stdout; noisy third-party loggers kept quiet."""

from musica_kit.env import env_str
from musica_kit.logging_config import json_logging

SERVICE_NAME = "auth"
LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
# Values of these settings never reach a log line (musica_kit.request_context.redact).
LOG_REDACT_SETTINGS = ("SECRET_KEY", "JWT_SIGNING_KEY", "MUSIC_SERVICE_TOKEN", "METRICS_TOKEN")

LOGGING = json_logging(
    service=SERVICE_NAME,
    level=LOG_LEVEL,
    levels={
        "urllib3": "ERROR",
        # With DEBUG on, SQL is logged with its parameters, and the blacklist tables hold whole
        # refresh tokens: never at DEBUG, whatever LOG_LEVEL says.
        "django.db.backends": "INFO",
    },
)
