"""Deployment checks (``manage.py check --deploy``) for the secrets Django's own checks don't know.

Django's security.W009 already covers SECRET_KEY; these hold JWT_SIGNING_KEY and
MUSIC_SERVICE_TOKEN to the same standard.
"""

from django.conf import settings
from django.core.checks import Tags, Warning, register

MIN_KEY_LENGTH = 50  # as Django's W009 for SECRET_KEY; `secrets.token_urlsafe(50)` gives 67
MIN_SERVICE_TOKEN_LENGTH = 32


def _weak(value: str, min_length: int) -> bool:
    return len(value) < min_length or len(set(value)) < 5 or value.startswith(("dev-only-", "change-me"))


@register(Tags.security, deploy=True)
def check_secrets(app_configs, **kwargs):
    warnings = []
    signing_key = settings.SIMPLE_JWT.get("SIGNING_KEY") or ""
    if _weak(signing_key, MIN_KEY_LENGTH):
        warnings.append(
            Warning(
                f"JWT_SIGNING_KEY is weak: use at least {MIN_KEY_LENGTH} random characters "
                "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))').",
                id="auth.W001",
            )
        )
    if signing_key and signing_key == settings.SECRET_KEY:
        warnings.append(
            Warning(
                "JWT_SIGNING_KEY equals DJANGO_SECRET_KEY: give each its own value, so one leaking "
                "does not let anyone mint tokens.",
                id="auth.W002",
            )
        )
    if _weak(settings.MUSIC_SERVICE_TOKEN, MIN_SERVICE_TOKEN_LENGTH):
        warnings.append(
            Warning(
                "MUSIC_SERVICE_TOKEN is empty or weak: set the same random value (at least "
                f"{MIN_SERVICE_TOKEN_LENGTH} characters) on auth_service and music_service, so only "
                "auth_service can call music_service.",
                id="auth.W003",
            )
        )
    return warnings
