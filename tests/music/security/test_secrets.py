"""``check --deploy`` warns about music's two secrets with the start-time rule (musica_kit.secrets,
whose rules tests/auth/security/test_secrets.py holds for every variable)."""

import secrets

from django.core.checks import run_checks
from django.test import override_settings

from musica_kit.secrets import secret_problem


def _warned(**overrides) -> dict[str, str]:
    with override_settings(**overrides):
        return {m.id: m.msg for m in run_checks(include_deployment_checks=True) if m.id.startswith("music.")}


def test_check_deploy_uses_the_same_rule():
    key, token = secrets.token_urlsafe(50), secrets.token_urlsafe(32)
    assert _warned(SECRET_KEY=key, MUSIC_SERVICE_TOKEN=token) == {}
    for weak in ("", "change-me-shared-internal-token", secrets.token_urlsafe(16), "abcde" * 7):
        assert _warned(SECRET_KEY=key, MUSIC_SERVICE_TOKEN=weak) == {
            "music.W001": secret_problem("MUSIC_SERVICE_TOKEN", weak)
        }
    # A placeholder, and a repeated pattern long and varied enough for Django's security.W009.
    for weak in ("change-me-" + secrets.token_urlsafe(50), "abcde" * 10):
        assert _warned(SECRET_KEY=weak, MUSIC_SERVICE_TOKEN=token) == {
            "music.W002": secret_problem("DJANGO_SECRET_KEY", weak)
        }
