"""musica_kit.secrets: the rule a production process starts with, and check --deploy warns with."""

import base64
import random
import secrets
import string

import pytest
from django.core.checks import run_checks
from django.core.checks.security.base import _check_secret_key
from django.core.management.utils import get_random_secret_key
from django.test import override_settings

from musica_kit.secrets import (
    GENERATE,
    PLACEHOLDER_PREFIXES,
    PLACEHOLDER_VALUES,
    is_placeholder,
    secret_problem,
    weak_secret_problems,
)
from tests.support.project_settings import env_example_secrets

VARIABLES = ["DJANGO_SECRET_KEY", "JWT_SIGNING_KEY", "MUSIC_SERVICE_TOKEN"]
CODES = {"DJANGO_SECRET_KEY": "auth.W004", "JWT_SIGNING_KEY": "auth.W001", "MUSIC_SERVICE_TOKEN": "auth.W003"}

def strong() -> dict:
    return {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "JWT_SIGNING_KEY": secrets.token_urlsafe(50),
        "MUSIC_SERVICE_TOKEN": secrets.token_urlsafe(32),
    }


def test_strong_random_values_pass():
    for _ in range(20):
        assert weak_secret_problems(strong()) == []


# The generators people use for these keys (scripts/env writes token_urlsafe(50) and (32)).
GENERATORS = {
    "token_urlsafe(32)": lambda: secrets.token_urlsafe(32),
    "scripts/env token_urlsafe(50)": lambda: secrets.token_urlsafe(50),
    "openssl rand -hex 32": lambda: secrets.token_hex(32),
    "base64 of 32 random bytes": lambda: base64.b64encode(secrets.token_bytes(32)).decode(),
    "get_random_secret_key()": get_random_secret_key,
}


@pytest.mark.parametrize("kind", GENERATORS)
def test_random_keys_of_every_usual_kind_always_pass(kind):
    """Hex has 16 symbols only: repetition is judged, not the alphabet (2,000 keys of each kind)."""
    for _ in range(2000):
        value = GENERATORS[kind]()
        # Django's 50 characters apply to DJANGO_SECRET_KEY only (43/44-character keys are tokens).
        variables = VARIABLES if len(value) >= 50 else VARIABLES[1:]
        assert weak_secret_problems({variable: value for variable in variables}) == [], value


def _repeated_patterns() -> list[str]:
    """Units of 1-8 characters repeated past 32 and 50 characters, bare or with a short prefix/suffix,
    and familiar sequences repeated (a fixed seed: the same list on every run)."""
    rng = random.Random(20)
    alphabet = string.ascii_letters + string.digits + "-_"
    units = ["abcde", "0123456789abcdef", "qwertyuiop", "abcdefghijklmnopqrstuvwxyz", "Aa1!"]
    units += ["".join(rng.choice(alphabet) for _ in range(n)) for n in range(1, 9) for _ in range(3)]
    affixes = [("", ""), ("x", ""), ("", "9"), ("key-", ""), ("", "-2026"), ("prod-", "-v2")]
    values = []
    for unit in units:
        for length in (32, 50):
            body = unit * -(-length // len(unit))  # whole repeats, at least `length` characters
            values += [prefix + body + suffix for prefix, suffix in affixes]
    return values


REPEATED = _repeated_patterns()


def test_a_short_repeated_pattern_is_refused_with_or_without_a_prefix_or_suffix():
    assert len(REPEATED) >= 300
    for value in REPEATED:
        for variable in VARIABLES:
            assert secret_problem(variable, value), (variable, value)


ISSUE_EXAMPLES = ["abcde" * 10, "abcde" * 7, "0123456789abcdef" * 4, "prod-" + "Xy3_q" * 9]


@pytest.mark.parametrize(
    ("variable", "value"),
    # Under 50 characters DJANGO_SECRET_KEY is refused by Django's rule first.
    [(v, x) for v in VARIABLES for x in ISSUE_EXAMPLES if v != "DJANGO_SECRET_KEY" or len(x) >= 50],
)
def test_the_reason_names_the_repeated_pattern(variable, value):
    """The issue's examples: long and varied enough for every other rule, refused for repeating."""
    assert "repeated pattern" in secret_problem(variable, value)


@pytest.mark.parametrize("value", env_example_secrets())
@pytest.mark.parametrize("variable", VARIABLES)
def test_every_secret_in_env_example_is_refused_for_every_variable(variable, value):
    problems = weak_secret_problems({**strong(), variable: value})
    assert len(problems) == 1 and problems[0].startswith(variable), problems
    assert is_placeholder(value)


@pytest.mark.parametrize(
    "value",
    [
        *PLACEHOLDER_VALUES,
        *(prefix + secrets.token_urlsafe(50) for prefix in PLACEHOLDER_PREFIXES),
        "CHANGE-ME-" + secrets.token_urlsafe(50),
        "Secret-" + secrets.token_urlsafe(50),
        "password123456789012345678901234567890123456789012345",
        secrets.token_urlsafe(20) + "-changeme-" + secrets.token_urlsafe(20),
        "dev-only-auth-secret-key-not-for-production",
        "dev-only-jwt-signing-key-not-for-production-0123456789",
    ],
)
def test_known_placeholders_are_refused_however_long(value):
    for variable in VARIABLES:
        assert "placeholder" in secret_problem(variable, value)


@pytest.mark.parametrize("variable", VARIABLES)
@pytest.mark.parametrize("value", [None, "", "   "])
def test_missing_is_refused(variable, value):
    assert secret_problem(variable, value).startswith(f"{variable} is not set")


def test_djangos_rule_for_the_secret_key_and_32_characters_for_the_others():
    key_44 = secrets.token_urlsafe(33)
    assert len(key_44) == 44
    assert "too weak" in secret_problem("DJANGO_SECRET_KEY", key_44)
    # Django's prefix is also on the placeholder list (it would pass for the other secrets).
    assert secret_problem("DJANGO_SECRET_KEY", "django-insecure-" + secrets.token_urlsafe(50))
    assert "too weak" in secret_problem("DJANGO_SECRET_KEY", "ab" * 40)
    assert secret_problem("JWT_SIGNING_KEY", key_44) is None
    assert secret_problem("MUSIC_SERVICE_TOKEN", key_44) is None
    assert "too short" in secret_problem("MUSIC_SERVICE_TOKEN", secrets.token_urlsafe(23)[:31])
    assert secret_problem("MUSIC_SERVICE_TOKEN", secrets.token_urlsafe(24)[:32]) is None
    assert "distinct" in secret_problem("JWT_SIGNING_KEY", "abcd" * 20)


def test_a_problem_is_one_line_naming_the_variable_and_the_fix_never_the_value():
    value = "change-me-" + secrets.token_urlsafe(30)
    for variable in VARIABLES:
        problem = secret_problem(variable, value)
        assert "\n" not in problem and problem.startswith(variable)
        assert GENERATE in problem and value not in problem


def _warned(**overrides) -> dict[str, str]:
    with override_settings(**overrides):
        return {m.id: m.msg for m in run_checks(include_deployment_checks=True) if m.id.startswith("auth.")}


DEPLOY_VALUES = [
    "",
    "change-me-shared-internal-token",
    "dev-only-" + secrets.token_urlsafe(50),
    secrets.token_urlsafe(16),
    "ab" * 40,
    "abcde" * 10,
    secrets.token_urlsafe(50),
]
# Django itself refuses an empty SECRET_KEY (ImproperlyConfigured) before any check runs.
DEPLOY_CASES = [(v, x) for v in VARIABLES for x in DEPLOY_VALUES if x or v != "DJANGO_SECRET_KEY"]


@pytest.mark.parametrize(("variable", "value"), DEPLOY_CASES)
def test_check_deploy_uses_the_same_rule(variable, value, settings):
    values = strong()
    values[variable] = value
    warned = _warned(
        SECRET_KEY=values["DJANGO_SECRET_KEY"],
        SIMPLE_JWT={**settings.SIMPLE_JWT, "SIGNING_KEY": values["JWT_SIGNING_KEY"]},
        MUSIC_SERVICE_TOKEN=values["MUSIC_SERVICE_TOKEN"],
    )
    problem = secret_problem(variable, value)
    if variable == "DJANGO_SECRET_KEY" and not is_placeholder(value) and not _check_secret_key(value):
        # Django's own security.W009 reports those; auth.W004 adds only what it does not know.
        assert CODES[variable] not in warned
    elif problem:
        assert warned.get(CODES[variable]) == problem
    else:
        assert CODES[variable] not in warned
