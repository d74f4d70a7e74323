"""A copy of the repository without .git, .venv, .env or databases, for running scripts/* as a user
would without changing the checkout; script_env reuses this venv (nothing installed)."""

import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV = Path(sys.executable).parent.parent
DROPPED_PREFIXES = ("DJANGO_", "JWT_", "MUSIC_", "SPOTIFY_", "ENRICH", "DATABASE_URL", "REDIS_URL")
DROPPED = ("HOST", "PORT", "WEB_CONCURRENCY", "GUNICORN_THREADS", "ENRICHMENT_MODE", "LOG_LEVEL")
IGNORED = shutil.ignore_patterns(
    ".git", ".venv", ".env", "*.db", "*.db-*", "staticfiles", "__pycache__", "node_modules", ".tools",
    "test-artifacts", ".pytest_cache", ".ruff_cache",
)  # fmt: skip


def copy_repo(dest: Path) -> Path:
    shutil.copytree(ROOT, dest, ignore=IGNORED)
    return dest


def script_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(DROPPED_PREFIXES) and k not in DROPPED}
    return {**env, "VENV": str(VENV), "PYTHONUNBUFFERED": "1", **extra}
