"""musica_kit.secrets for music_service: the same rule as auth_service's, for its two secrets."""

import secrets

import pytest
from django.core.checks import run_checks
from django.test import override_settings

from musica_kit.secrets import GENERATE, is_placeholder, secret_problem, weak_secret_problems
from tests.support.project_settings import env_example_secrets

VARIABLES = ["DJANGO_SECRET_KEY", "MUSIC_SERVICE_TOKEN"]



def strong() -> dict:
    return {"DJANGO_SECRET_KEY": secrets.token_urlsafe(50), "MUSIC_SERVICE_TOKEN": secrets.token_urlsafe(32)}


def test_strong_random_values_pass():
    for _ in range(20):
        assert weak_secret_problems(strong()) == []


@pytest.mark.parametrize("value", env_example_secrets())
@pytest.mark.parametrize("variable", VARIABLES)
def test_every_secret_in_env_example_is_refused_for_every_variable(variable, value):
    problems = weak_secret_problems({**strong(), variable: value})
    assert len(problems) == 1 and problems[0].startswith(variable), problems
    assert is_placeholder(value)
    assert GENERATE in problems[0] and "\n" not in problems[0]


def test_empty_token_and_djangos_rule():
    assert secret_problem("MUSIC_SERVICE_TOKEN", "").startswith("MUSIC_SERVICE_TOKEN is not set")
    assert "too weak" in secret_problem("DJANGO_SECRET_KEY", secrets.token_urlsafe(33))
    # Django's prefix is also on the placeholder list (it would pass for the other secrets).
    assert secret_problem("DJANGO_SECRET_KEY", "django-insecure-" + secrets.token_urlsafe(50))
    assert "too short" in secret_problem("MUSIC_SERVICE_TOKEN", secrets.token_urlsafe(16))


def test_a_short_repeated_pattern_is_refused():
    assert "repeated pattern" in secret_problem("DJANGO_SECRET_KEY", "abcde" * 10)
    assert "repeated pattern" in secret_problem("MUSIC_SERVICE_TOKEN", "abcde" * 7)
    assert weak_secret_problems({"MUSIC_SERVICE_TOKEN": secrets.token_hex(32)}) == []


def _warned(**overrides) -> dict[str, str]:
    with override_settings(**overrides):
        return {m.id: m.msg for m in run_checks(include_deployment_checks=True) if m.id.startswith("music.")}


def test_check_deploy_uses_the_same_rule():
    key, token = secrets.token_urlsafe(50), secrets.token_urlsafe(32)
    assert _warned(SECRET_KEY=key, MUSIC_SERVICE_TOKEN=token) == {}
    for weak in ("", "change-me-shared-internal-token", secrets.token_urlsafe(16), "abcde" * 7):
        assert _warned(SECRET_KEY=key, MUSIC_SERVICE_TOKEN=weak)["music.W001"] == secret_problem(
            "MUSIC_SERVICE_TOKEN", weak
        )
    placeholder = "change-me-" + secrets.token_urlsafe(50)
    assert _warned(SECRET_KEY=placeholder, MUSIC_SERVICE_TOKEN=token) == {
        "music.W002": secret_problem("DJANGO_SECRET_KEY", placeholder)
    }
    # Long and varied enough for Django's security.W009, so only music.W002 can say it.
    repeated = "abcde" * 10
    assert _warned(SECRET_KEY=repeated, MUSIC_SERVICE_TOKEN=token) == {
        "music.W002": secret_problem("DJANGO_SECRET_KEY", repeated)
    }
