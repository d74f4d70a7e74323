"""Weak or placeholder secrets: a process that serves or enriches refuses to start with them.

The rule, one for both services:
- DJANGO_SECRET_KEY passes Django's own check (50+ characters, 5+ distinct, no ``django-insecure-``);
- any other secret (auth's JWT_SIGNING_KEY, both services' MUSIC_SERVICE_TOKEN) has 32+
  characters, 5+ distinct;
- none of them is a known placeholder (below), nor mostly a repeated pattern (``abcde`` × 10,
  ``0123456789abcdef`` × 2, with or without a short prefix or suffix): compressed, a secret keeps at
  least three quarters of its length (``repetitive``).

Which secrets a service has is its setting REQUIRED_SECRETS (variable name → setting name).
Checked when a process starts (gunicorn's ``on_starting`` hook, musica_kit.gunicorn_conf; manage.py
before ``runserver`` and ``enrich_pending``; the runner itself), never at settings import, so
``collectstatic`` in an image build and ``check --deploy`` still run with throwaway values. With
DJANGO_DEBUG=1 nothing is refused (development keys). ``check --deploy`` warns with the same rule
(each service's config/checks.py, through ``secret_warnings``).
"""

from __future__ import annotations

import sys
import zlib
from collections.abc import Mapping

from django.core.checks.security.base import _check_secret_key  # Django's rule for SECRET_KEY

MIN_TOKEN_LENGTH = 32
MIN_DISTINCT_CHARACTERS = 5  # as Django's SECRET_KEY_MIN_UNIQUE_CHARACTERS
# Repeats are judged by raw DEFLATE with fixed Huffman codes: only repeated substrings shrink a value,
# never a small alphabet (dynamic codes pack random hex to ~60 %). Random keys of every usual kind
# (token_urlsafe, hex, base64, Django's get_random_secret_key) keep about 90 % or more; in 500,000
# random 32-character hex keys the least was 88 %.
MIN_COMPRESSED_RATIO = 0.75
GENERATE = "python -c 'import secrets; print(secrets.token_urlsafe(50))'"

# Known placeholders, compared case-insensitively. Exact values: those published in .env.example
# (tests read that file and check every secret in it is refused), the k8s example and image builds.
PLACEHOLDER_VALUES = frozenset(
    {
        "change-me-to-a-long-random-string",
        "change-me-to-another-long-random-string",
        "change-me-shared-internal-token",
        "change-me",
        "collectstatic-only",
    }
)
# Values that start with one of these ...
PLACEHOLDER_PREFIXES = (
    "change-me",
    "change_me",
    "changeme",
    "change-this",
    "changethis",
    "replace-me",
    "replaceme",
    "secret",
    "password",
    "passw0rd",
    "dev-only",
    "django-insecure-",
    "insecure",
    "example",
    "your-",
    "your_",
    "placeholder",
    "collectstatic",
)
# ... or contain one of these anywhere.
PLACEHOLDER_MARKERS = ("change-me", "changeme", "replace-me", "not-for-production", "placeholder")


def is_placeholder(value: str) -> bool:
    folded = value.strip().lower()
    return (
        folded in PLACEHOLDER_VALUES
        or folded.startswith(PLACEHOLDER_PREFIXES)
        or any(marker in folded for marker in PLACEHOLDER_MARKERS)
    )


def repetitive(value: str) -> bool:
    """True when the value is mostly a repeated pattern: it compresses to under 3/4 of its length."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zlib.Z_FIXED)
    raw = value.encode()
    return len(packer.compress(raw) + packer.flush()) < MIN_COMPRESSED_RATIO * len(raw)


def secret_problem(name: str, value: str | None) -> str | None:
    """What is wrong with one secret, as a line naming the variable and the fix; None if nothing.

    The value itself is never part of the line.
    """
    value = (value or "").strip()
    if not value:
        reason = f"{name} is not set"
    elif is_placeholder(value):
        reason = f"{name} is a known placeholder value"
    elif name == "DJANGO_SECRET_KEY" and not _check_secret_key(value):
        reason = (
            f"{name} is too weak (Django's rule: at least 50 characters, {MIN_DISTINCT_CHARACTERS} "
            "distinct, no 'django-insecure-' prefix)"
        )
    elif len(value) < MIN_TOKEN_LENGTH:
        reason = f"{name} is too short ({len(value)} characters, at least {MIN_TOKEN_LENGTH})"
    elif len(set(value)) < MIN_DISTINCT_CHARACTERS:
        reason = f"{name} has fewer than {MIN_DISTINCT_CHARACTERS} distinct characters"
    elif repetitive(value):
        reason = f"{name} is mostly a repeated pattern"
    else:
        return None
    shared = " (the same value on auth_service and music_service)" if name == "MUSIC_SERVICE_TOKEN" else ""
    return (
        f"{reason}; with DJANGO_DEBUG off no service process starts with it. "
        f"Set a random value{shared}, e.g. {GENERATE}"
    )


def weak_secret_problems(values: Mapping[str, str | None]) -> list[str]:
    """One line per weak secret, ``values`` being variable name → value (empty list: all strong)."""
    return [problem for name, value in values.items() if (problem := secret_problem(name, value))]


def _configured_values() -> dict[str, str | None]:
    """REQUIRED_SECRETS' values as the process uses them ("SIMPLE_JWT.SIGNING_KEY": a dict's item)."""
    from django.conf import settings

    values = {}
    for name, path in settings.REQUIRED_SECRETS.items():
        setting, _, item = path.partition(".")
        value = getattr(settings, setting, None)
        values[name] = (value or {}).get(item) if item else value
    if getattr(settings, "METRICS_TOKEN", ""):  # optional (musica_kit.metrics): checked when set
        values["METRICS_TOKEN"] = settings.METRICS_TOKEN
    return values


def secret_warnings(ids: Mapping[str, str]) -> list:
    """``check --deploy`` warnings with the start rule, ``ids`` being variable name → check id.

    A DJANGO_SECRET_KEY that fails Django's own rule is left to Django's security.W009.
    """
    from django.core.checks import Warning

    warnings = []
    for name, value in _configured_values().items():
        value = value or ""
        if name not in ids or (
            name == "DJANGO_SECRET_KEY" and not is_placeholder(value) and not _check_secret_key(value)
        ):
            continue
        if problem := secret_problem(name, value):
            warnings.append(Warning(problem, id=ids[name]))
    return warnings


def require_strong_secrets() -> None:
    """Exit 1, one line per weak secret on stderr, unless DEBUG is on or every secret is strong.

    Reads the values the process will use (Django's settings); a secret so missing that the
    settings refuse to load is reported the same way, as one line, not a traceback.
    """
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        if settings.DEBUG:
            return
        problems = weak_secret_problems(_configured_values())
    except ImproperlyConfigured as exc:
        problems = [str(exc)]
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr, flush=True)
    if problems:
        sys.exit(1)
