"""Transport security, switchable for deployments behind TLS (musica_kit.settings)."""

from musica_kit.env import env_str
from musica_kit.settings import transport_security

from .base import DEBUG

globals().update(transport_security(debug=DEBUG))

# The secrets a serving process refuses to start without (musica_kit.secrets): variable → setting.
REQUIRED_SECRETS = {
    "DJANGO_SECRET_KEY": "SECRET_KEY",
    "JWT_SIGNING_KEY": "SIMPLE_JWT.SIGNING_KEY",
    "MUSIC_SERVICE_TOKEN": "MUSIC_SERVICE_TOKEN",
}

# Optional: /metrics exists only when it is set, and then needs it (musica_kit.metrics); checked
# at start like REQUIRED_SECRETS when set (musica_kit.secrets).
METRICS_TOKEN = env_str("METRICS_TOKEN")
