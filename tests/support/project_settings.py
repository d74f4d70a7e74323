"""What both services' test suites read of the project's own configuration."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHOW_CACHE = "import json; from config.settings import CACHES; print(json.dumps(CACHES['default']))"


def env_example_secrets() -> list[str]:
    """Every secret value .env.example publishes (each must be refused as a placeholder)."""
    values = set()
    for line in (ROOT / ".env.example").read_text().splitlines():
        match = re.match(r"^#?\s*([A-Z][A-Z0-9_]*)=(\S+)", line)
        if match and re.search(r"SECRET|KEY|TOKEN|PASSWORD", match[1]) and "://" not in match[2]:
            values.add(match[2])
    assert len(values) >= 3, values
    return sorted(values)


def cache_settings(project_dir: Path, **env) -> dict:
    """The CACHES['default'] a project's real settings build under ``env`` (a fresh interpreter)."""
    done = subprocess.run(
        [sys.executable, "-c", SHOW_CACHE],
        cwd=project_dir,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith(("REDIS_", "DJANGO_SETTINGS"))},
            "DJANGO_SECRET_KEY": "cache-prefix-test-secret-0123456789-abcdefghijklmnopqrstuv",
            "JWT_SIGNING_KEY": "cache-prefix-test-jwt-key-0123456789-abcdefghijklmnopqrstuv",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])
