"""With DEBUG off no serving process starts with a weak secret; checked at start, not at import."""

import sys
import zlib
from collections.abc import Mapping

from django.conf import settings
from django.core import checks
from django.core.checks.security.base import _check_secret_key  # Django's rule for SECRET_KEY
from django.core.exceptions import ImproperlyConfigured

MIN_TOKEN_LENGTH = 32
MIN_DISTINCT_CHARACTERS = 5  # as Django's SECRET_KEY_MIN_UNIQUE_CHARACTERS
# Fixed-Huffman DEFLATE shrinks only repeats, not a small alphabet: random keys keep >= 88 %.
MIN_COMPRESSED_RATIO = 0.75
GENERATE = "python -c 'import secrets; print(secrets.token_urlsafe(50))'"

# Case-insensitive; they cover the values .env.example, the k8s example and image builds publish.
PLACEHOLDER_PREFIXES = (
    "change_me", "change-this", "changethis", "replaceme", "secret", "password", "passw0rd", "dev-only",
    "django-insecure-", "insecure", "example", "your-", "your_", "collectstatic",
)  # fmt: skip
PLACEHOLDER_MARKERS = ("change-me", "changeme", "replace-me", "not-for-production", "placeholder")


def is_placeholder(value: str) -> bool:
    folded = value.strip().lower()
    return folded.startswith(PLACEHOLDER_PREFIXES) or any(marker in folded for marker in PLACEHOLDER_MARKERS)


def repetitive(value: str) -> bool:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zlib.Z_FIXED)
    raw = value.encode()
    return len(packer.compress(raw) + packer.flush()) < MIN_COMPRESSED_RATIO * len(raw)


def secret_problem(name: str, value: str | None) -> str | None:
    """One line naming the variable, what is wrong and the fix (never the value); None if strong."""
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
    return [problem for name, value in values.items() if (problem := secret_problem(name, value))]


def _configured_values() -> dict[str, str | None]:
    """REQUIRED_SECRETS ("SIMPLE_JWT.SIGNING_KEY": a dict's item), plus METRICS_TOKEN when set."""
    values = {}
    for name, path in settings.REQUIRED_SECRETS.items():
        setting, _, item = path.partition(".")
        value = getattr(settings, setting, None)
        values[name] = (value or {}).get(item) if item else value
    if getattr(settings, "METRICS_TOKEN", ""):
        values["METRICS_TOKEN"] = settings.METRICS_TOKEN
    return values


def secret_warnings(ids: Mapping[str, str]) -> list:
    """``check --deploy`` warnings; a SECRET_KEY failing Django's own rule is left to security.W009."""
    values = {name: value or "" for name, value in _configured_values().items() if name in ids}
    if not is_placeholder(key := values.get("DJANGO_SECRET_KEY", "")) and not _check_secret_key(key):
        values.pop("DJANGO_SECRET_KEY", None)
    return [
        checks.Warning(problem, id=ids[name])
        for name, value in values.items()
        if (problem := secret_problem(name, value))
    ]


def require_strong_secrets() -> None:
    try:
        if settings.DEBUG:
            return
        problems = weak_secret_problems(_configured_values())
    except ImproperlyConfigured as exc:
        problems = [str(exc)]
    if problems:
        print("\n".join(f"error: {problem}" for problem in problems), file=sys.stderr, flush=True)
        sys.exit(1)
