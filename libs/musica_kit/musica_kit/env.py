"""Settings from the environment; ``NAME_FILE`` (a Docker secret) may hold ``NAME``, never both."""

import os
import re
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def env_str(name: str, default: str = "") -> str:
    # Set-but-empty counts as unset: compose passes `VAR: "${VAR:-}"` for every variable.
    value = (os.environ.get(name) or "").strip()
    path = (os.environ.get(f"{name}_FILE") or "").strip()
    if path:
        if value:
            raise ImproperlyConfigured(f"{name} and {name}_FILE are both set: set only one of them")
        try:
            value = Path(path).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {path} ({reason})") from exc
    return value or default


def env_bool(name: str, default: bool = False) -> bool:
    raw = env_str(name)
    return raw.lower() in {"1", "true", "yes", "on"} if raw else default


def _env_number(name: str, default, cast, kind: str):
    raw = env_str(name)
    try:
        return cast(raw) if raw else default
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be {kind}, got {raw!r}") from exc


def env_int(name: str, default: int) -> int:
    return _env_number(name, default, int, "an integer")


def env_float(name: str, default: float) -> float:
    return _env_number(name, default, float, "a number")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def env_rate(name: str, default: str) -> str | None:
    """A DRF throttle rate ("30/min"), or None for "off"; a typo stops the start, not every request."""
    raw = env_str(name, default)
    if raw.lower() == "off":
        return None
    if not re.fullmatch(r"[1-9][0-9]*/(s|sec|second|m|min|minute|h|hour|d|day)", raw):
        raise ImproperlyConfigured(f'{name} must be a rate such as "30/min" (or "off"), got {raw!r}')
    return raw


def env_required(name: str, *, dev_default: str, debug: bool) -> str:
    if value := env_str(name):
        return value
    if debug:
        return dev_default
    raise ImproperlyConfigured(
        f"{name} is not set. Set a random value in the environment (or a file named by {name}_FILE), e.g. "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))' "
        "(or run with DJANGO_DEBUG=1 for development)."
    )
