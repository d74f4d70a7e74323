"""The secrets rule processes start with and ``check --deploy`` warns with (real processes refusing weak
values: tests/e2e/test_security_startup_secrets.py)."""

import base64
import random
import secrets
import string

import pytest
from django.core.checks import run_checks
from django.core.management.utils import get_random_secret_key
from django.test import override_settings

from musica_kit.secrets import GENERATE, secret_problem, weak_secret_problems
from tests.support.project_settings import env_example_secrets

VARIABLES = ["DJANGO_SECRET_KEY", "JWT_SIGNING_KEY", "MUSIC_SERVICE_TOKEN"]
CODES = {"DJANGO_SECRET_KEY": "auth.W004", "JWT_SIGNING_KEY": "auth.W001", "MUSIC_SERVICE_TOKEN": "auth.W003"}
# The generators people use for these keys (scripts/env writes token_urlsafe(50) and (32)).
GENERATORS = {
    "token_urlsafe(32)": lambda: secrets.token_urlsafe(32),
    "token_urlsafe(50)": lambda: secrets.token_urlsafe(50),
    "openssl rand -hex 32": lambda: secrets.token_hex(32),
    "base64 of 32 random bytes": lambda: base64.b64encode(secrets.token_bytes(32)).decode(),
    "get_random_secret_key()": get_random_secret_key,
}


def strong() -> dict:
    return {variable: secrets.token_urlsafe(50) for variable in VARIABLES}


@pytest.mark.parametrize("kind", GENERATORS)
def test_random_keys_of_every_usual_kind_always_pass(kind):
    """Hex has 16 symbols only: repetition is judged, not the alphabet (2,000 keys of each kind)."""
    for _ in range(2000):
        value = GENERATORS[kind]()
        variables = VARIABLES if len(value) >= 50 else VARIABLES[1:]  # Django's 50 characters: its key only
        assert weak_secret_problems({variable: value for variable in variables}) == [], value


def repeated_patterns() -> list[str]:
    """Units of 1-8 characters repeated past 32 and 50, bare or with a short prefix or suffix (fixed seed)."""
    rng = random.Random(20)
    alphabet = string.ascii_letters + string.digits + "-_"
    units = ["abcde", "0123456789abcdef", "qwertyuiop", "abcdefghijklmnopqrstuvwxyz", "Aa1!"]
    units += ["".join(rng.choice(alphabet) for _ in range(n)) for n in range(1, 9) for _ in range(3)]
    affixes = [("", ""), ("x", ""), ("", "9"), ("key-", ""), ("", "-2026"), ("prod-", "-v2")]
    return [p + unit * -(-n // len(unit)) + s for unit in units for n in (32, 50) for p, s in affixes]


def test_a_short_repeated_pattern_is_refused_with_or_without_a_prefix_or_suffix():
    values = repeated_patterns()
    assert len(values) >= 300
    for value in values:
        for variable in VARIABLES:
            assert secret_problem(variable, value), (variable, value)
    # Long and varied enough for every other rule: refused for repeating.
    assert "repeated pattern" in secret_problem("DJANGO_SECRET_KEY", "abcde" * 10)
    assert "repeated pattern" in secret_problem("JWT_SIGNING_KEY", "prod-" + "Xy3_q" * 9)


PLACEHOLDERS = [*env_example_secrets(), "change-me", "collectstatic-only", "CHANGE-ME-" + secrets.token_hex()]


@pytest.mark.parametrize("value", PLACEHOLDERS)
def test_placeholders_are_refused_however_long_in_one_line_naming_the_fix_never_the_value(value):
    for variable in VARIABLES:
        problems = weak_secret_problems({**strong(), variable: value})
        assert len(problems) == 1 and problems[0].startswith(variable) and "placeholder" in problems[0]
        assert "\n" not in problems[0] and GENERATE in problems[0] and value not in problems[0]


DEPLOY_VALUES = ["", "change-me-shared-internal-token", secrets.token_urlsafe(16), "ab" * 40, "abcde" * 10]
DEPLOY_VALUES.append(secrets.token_urlsafe(50))
# Django itself refuses an empty SECRET_KEY before any check runs.
DEPLOY_CASES = [(v, x) for v in VARIABLES for x in DEPLOY_VALUES if x or v != "DJANGO_SECRET_KEY"]


@pytest.mark.parametrize(("variable", "value"), DEPLOY_CASES)
def test_check_deploy_uses_the_same_rule(variable, value, settings):
    values = {**strong(), variable: value}
    with override_settings(
        SECRET_KEY=values["DJANGO_SECRET_KEY"],
        SIMPLE_JWT={**settings.SIMPLE_JWT, "SIGNING_KEY": values["JWT_SIGNING_KEY"]},
        MUSIC_SERVICE_TOKEN=values["MUSIC_SERVICE_TOKEN"],
    ):
        warned = {m.id: m.msg for m in run_checks(include_deployment_checks=True) if m.id.startswith("auth.")}
    problem = secret_problem(variable, value)
    if variable == "DJANGO_SECRET_KEY" and "too weak" in (problem or ""):
        assert CODES[variable] not in warned  # Django's own security.W009 reports it
    else:
        assert warned.get(CODES[variable]) == problem


def test_check_deploy_flags_a_jwt_signing_key_equal_to_the_secret_key(settings):
    key = secrets.token_urlsafe(50)
    with override_settings(SECRET_KEY=key, SIMPLE_JWT={**settings.SIMPLE_JWT, "SIGNING_KEY": key}):
        assert "auth.W002" in {m.id for m in run_checks(include_deployment_checks=True)}
