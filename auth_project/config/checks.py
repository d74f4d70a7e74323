"""``check --deploy`` warnings for the secrets Django's own checks don't know, by the same rule as
the start-time check (musica_kit.secrets)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

from musica_kit.secrets import secret_warnings

IDS = {"DJANGO_SECRET_KEY": "auth.W004", "JWT_SIGNING_KEY": "auth.W001", "MUSIC_SERVICE_TOKEN": "auth.W003"}


@register(Tags.security, deploy=True)
def check_secrets(app_configs, **kwargs):
    warnings = secret_warnings(IDS)
    if settings.SIMPLE_JWT["SIGNING_KEY"] == settings.SECRET_KEY:
        warnings.append(
            Warning(
                "JWT_SIGNING_KEY equals DJANGO_SECRET_KEY: give each its own value, so one leaking "
                "does not let anyone mint tokens.",
                id="auth.W002",
            )
        )
    return warnings
