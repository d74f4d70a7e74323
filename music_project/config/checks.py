"""Deployment checks (``manage.py check --deploy``) for the secret Django's own checks don't know.

Django's security.W009 already covers SECRET_KEY; this holds MUSIC_SERVICE_TOKEN to a standard.
"""

from django.conf import settings
from django.core.checks import Tags, Warning, register

MIN_SERVICE_TOKEN_LENGTH = 32


@register(Tags.security, deploy=True)
def check_service_token(app_configs, **kwargs):
    token = settings.MUSIC_SERVICE_TOKEN
    if len(token) < MIN_SERVICE_TOKEN_LENGTH or len(set(token)) < 5 or token.startswith("change-me"):
        return [
            Warning(
                "MUSIC_SERVICE_TOKEN is empty or weak: without it anyone who reaches music_service "
                "can use it (and its Spotify quota). Set the same random value (at least "
                f"{MIN_SERVICE_TOKEN_LENGTH} characters) on auth_service and music_service.",
                id="music.W001",
            )
        ]
    return []
