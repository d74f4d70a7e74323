"""What the test suites read of the project's own configuration, as the code reads it."""

import functools
import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROJECTS = {"auth": ROOT / "auth_project", "music": ROOT / "music_project"}
# Run as a script: beside it, no module may be named like a standard one (tests/support/http.py is).
RECORDER = ROOT / "tests" / "deploy" / "record_environment_reads.py"
_SECRET = "x" * 20 + "-production-like-value-for-reading-settings-only-" + "y" * 10
# A development run and a production-like one: together they reach the reads behind a switch.
READ_ENVIRONMENTS = {
    "development": {"DJANGO_DEBUG": "1"},
    "production": {
        "DJANGO_SECRET_KEY": _SECRET,
        "JWT_SIGNING_KEY": _SECRET[::-1],
        "MUSIC_SERVICE_TOKEN": _SECRET.upper(),
        "DJANGO_SECURE": "1",
        "DJANGO_SECURE_PROXY_SSL_HEADER": "1",
        "REDIS_URL": "redis://127.0.0.1:1/0",  # never connected: settings only name it
    },
}


def env_example_secrets() -> list[str]:
    """Every secret value .env.example publishes (each must be refused)."""
    values = set()
    for line in (ROOT / ".env.example").read_text().splitlines():
        match = re.match(r"^#?\s*([A-Z][A-Z0-9_]*)=(\S+)", line)
        if match and re.search(r"SECRET|KEY|TOKEN|PASSWORD", match[1]) and "://" not in match[2]:
            values.add(match[2])
    assert len(values) >= 3, values
    return sorted(values)


def _python(args: list[str], cwd: Path, env: dict) -> str:
    done = subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, text=True, capture_output=True, timeout=90
    )
    assert done.returncode == 0, f"{cwd.name}:\n{done.stderr[-3000:]}"
    return done.stdout


def cache_settings(project_dir: Path, **env) -> dict:
    """The CACHES['default'] a project's settings build under ``env``, in a fresh interpreter."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("REDIS_", "DJANGO_SETTINGS"))}
    keys = {
        "DJANGO_SECRET_KEY": "cache-prefix-test-secret-0123456789-abcdefghijklmnopqrstuv",
        "JWT_SIGNING_KEY": "cache-prefix-test-jwt-key-0123456789-abcdefghijklmnopqrstuv",
    }
    code = "import json; from config.settings import CACHES; print(json.dumps(CACHES['default']))"
    output = _python(["-c", code], project_dir, {**inherited, **keys, **env})
    return json.loads(output.strip().splitlines()[-1])


@functools.cache
def _environment_reads(project: str, environment: tuple) -> str:
    return _python([str(RECORDER)], PROJECTS[project], {"PATH": "/usr/bin:/bin", **dict(environment)})


def environment_reads(project: str, environment: dict[str, str]) -> list[dict]:
    """``{"name", "default", "required"}`` of every read while settings, URLconf and gunicorn.conf.py
    load as at run time (record_environment_reads.py), with only ``environment`` set."""
    return json.loads(_environment_reads(project, tuple(sorted(environment.items()))))
