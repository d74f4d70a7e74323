"""Deployment checks (``manage.py check --deploy``) for the secrets Django's own checks don't know.

The same rule as at process start (config/secrets.py), as warnings: Django's security.W009 covers
SECRET_KEY's length and variety, auth.W004 a placeholder SECRET_KEY, auth.W001 JWT_SIGNING_KEY,
auth.W003 MUSIC_SERVICE_TOKEN; auth.W002 a JWT_SIGNING_KEY that repeats SECRET_KEY.
"""

from django.conf import settings
from django.core.checks import Tags, Warning, register

from config.secrets import is_placeholder, secret_problem


@register(Tags.security, deploy=True)
def check_secrets(app_configs, **kwargs):
    warnings = []
    signing_key = settings.SIMPLE_JWT.get("SIGNING_KEY") or ""
    if is_placeholder(settings.SECRET_KEY):
        warnings.append(Warning(secret_problem("DJANGO_SECRET_KEY", settings.SECRET_KEY), id="auth.W004"))
    if problem := secret_problem("JWT_SIGNING_KEY", signing_key):
        warnings.append(Warning(problem, id="auth.W001"))
    if signing_key and signing_key == settings.SECRET_KEY:
        warnings.append(
            Warning(
                "JWT_SIGNING_KEY equals DJANGO_SECRET_KEY: give each its own value, so one leaking "
                "does not let anyone mint tokens.",
                id="auth.W002",
            )
        )
    if problem := secret_problem("MUSIC_SERVICE_TOKEN", settings.MUSIC_SERVICE_TOKEN):
        warnings.append(Warning(problem, id="auth.W003"))
    return warnings
