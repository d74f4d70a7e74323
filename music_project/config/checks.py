"""Deployment checks (``manage.py check --deploy``) for the secrets Django's own checks don't know.

The same rule as at process start (config/secrets.py), as warnings: Django's security.W009 covers
SECRET_KEY's length and variety, music.W002 a placeholder SECRET_KEY, music.W001
MUSIC_SERVICE_TOKEN (without it anyone who reaches music_service could use its Spotify quota).
"""

from django.conf import settings
from django.core.checks import Tags, Warning, register

from config.secrets import is_placeholder, secret_problem


@register(Tags.security, deploy=True)
def check_service_token(app_configs, **kwargs):
    warnings = []
    if is_placeholder(settings.SECRET_KEY):
        warnings.append(Warning(secret_problem("DJANGO_SECRET_KEY", settings.SECRET_KEY), id="music.W002"))
    if problem := secret_problem("MUSIC_SERVICE_TOKEN", settings.MUSIC_SERVICE_TOKEN):
        warnings.append(Warning(problem, id="music.W001"))
    return warnings
