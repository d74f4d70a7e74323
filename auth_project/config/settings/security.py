"""Transport security, switchable for deployments behind TLS (musica_kit.settings)."""

from musica_kit.settings import transport_security

from .base import DEBUG

globals().update(transport_security(debug=DEBUG))

# The secrets a serving process refuses to start without (musica_kit.secrets): variable → setting.
REQUIRED_SECRETS = {
    "DJANGO_SECRET_KEY": "SECRET_KEY",
    "JWT_SIGNING_KEY": "SIMPLE_JWT.SIGNING_KEY",
    "MUSIC_SERVICE_TOKEN": "MUSIC_SERVICE_TOKEN",
}
