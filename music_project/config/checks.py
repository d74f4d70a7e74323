"""Deployment checks (``manage.py check --deploy``) for the secrets Django's own checks don't know.

The same rule as at process start (musica_kit.secrets), as warnings: Django's security.W009 covers
SECRET_KEY's length and variety, music.W002 a placeholder or repeated-pattern SECRET_KEY, music.W001
MUSIC_SERVICE_TOKEN (without it anyone who reaches music_service could use its Spotify quota).
"""

from django.core.checks import Tags, register

from musica_kit.secrets import secret_warnings


@register(Tags.security, deploy=True)
def check_service_token(app_configs, **kwargs):
    return secret_warnings({"DJANGO_SECRET_KEY": "music.W002", "MUSIC_SERVICE_TOKEN": "music.W001"})
