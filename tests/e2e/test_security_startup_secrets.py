"""Weak or placeholder secrets stop every process that serves or enriches (gunicorn with either
configuration file, runserver, the enrichment runner) at start with DEBUG off: a non-zero exit and one
stderr line naming the variable and how to make a value. Strong values start them; collectstatic and
check --deploy still run with the placeholders."""

from __future__ import annotations

import os
import re
import secrets
import signal
import subprocess
import sys

import pytest

from tests.e2e.helpers import sqlite_auth
from tests.support.processes import BASE_ENV, BIN, MUSIC_SECRET_KEY, ROOT, ServiceProcess, free_port

DEADLINE = 30  # seconds a refused start may take on a loaded machine (typically 1-2)
VARIABLES = {
    "auth": ["DJANGO_SECRET_KEY", "JWT_SIGNING_KEY", "MUSIC_SERVICE_TOKEN"],
    "music": ["DJANGO_SECRET_KEY", "MUSIC_SERVICE_TOKEN"],
}
PROJECTS = {"auth": "auth_project", "music": "music_project"}
# Every secret value .env.example writes (commented-out lines included), by variable.
ENV_EXAMPLE = {
    match[1]: match[2]
    for line in (ROOT / ".env.example").read_text().splitlines()
    if (match := re.match(r"^#?\s*([A-Z][A-Z0-9_]*)=(\S+)", line))
    and re.search(r"SECRET|KEY|TOKEN|PASSWORD", match[1])
    and "://" not in match[2]
}
PLACEHOLDERS = sorted(set(ENV_EXAMPLE.values()))
# Weak by the rule, not by name: missing, short, too few distinct characters, a repeated pattern.
WEAK = {
    "unset": None,
    "empty": "",
    "blank": "   ",
    "short": secrets.token_urlsafe(16),
    "two_distinct": "ab" * 40,
    "repeated_pattern": "abcde" * 10,
}
# Django's own rule for the secret key: 50 characters, no "django-insecure-" prefix.
WEAK_SECRET_KEY = {
    "under_50": secrets.token_urlsafe(33),
    "django_insecure": "django-insecure-" + secrets.token_urlsafe(50),
}
NAMED = {**{value: value for value in PLACEHOLDERS}, **WEAK, **WEAK_SECRET_KEY, "change-me": "change-me"}


def environment(service: str, tmp_path, **overrides) -> dict:
    """Strong random secrets (as tests/support/processes gives every process), DEBUG off."""
    env = {
        **os.environ,
        **BASE_ENV,
        "PYTHONUNBUFFERED": "1",
        "DJANGO_DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": None,
    }
    if service == "auth":
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'notas.db'}"
    else:
        env.update(DJANGO_SECRET_KEY=MUSIC_SECRET_KEY, JWT_SIGNING_KEY=None)
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def command(kind: str, port: int) -> list[str]:
    return {
        "gunicorn": [str(BIN / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}"],
        # As the images run it (PORT from the environment).
        "gunicorn-docker": [
            str(BIN / "gunicorn"),
            "-c",
            str(ROOT / "docker" / "gunicorn.conf.py"),
            "config.wsgi:application",
        ],
        "runserver": [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}"],
        "enrich_pending": [sys.executable, "manage.py", "enrich_pending", "--loop", "--interval", "0.5"],
    }[kind]


def run_to_exit(service: str, kind: str, env: dict) -> tuple[int, str, str]:
    """Start the process and wait for it to exit (a start that is not refused fails the test)."""
    port = free_port()
    proc = subprocess.Popen(
        command(kind, port), cwd=ROOT / PROJECTS[service], env={**env, "PORT": str(port)},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    try:
        out, err = proc.communicate(timeout=DEADLINE)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate(timeout=10)
        pytest.fail(
            f"{service} {kind} still running after {DEADLINE}s: the value was accepted\n{err[-2000:]}"
        )
    return proc.returncode, out, err


def assert_refused(service: str, kind: str, variable: str, value: str | None, tmp_path, env=None) -> str:
    """Refused at start naming ``variable`` (set to ``value``, or given in ``env``) and nothing else."""
    env = env or environment(service, tmp_path, **{variable: value})
    returncode, out, err = run_to_exit(service, kind, env)
    assert returncode != 0, f"exit code {returncode}\n{out[-1000:]}\n{err[-2000:]}"
    naming = [line for line in err.splitlines() if variable in line]
    assert len(naming) == 1 and "Traceback" not in err, err[-2000:]
    assert naming[0].startswith("error: ") and "secrets.token_urlsafe(50)" in naming[0], naming[0]
    assert (value or "").strip() or f"{variable} is not set" in naming[0], naming[0]
    for other in VARIABLES[service]:  # no other secret is named, and no secret value is printed
        assert other == variable or other not in err, err[-2000:]
        assert not env.get(other) or len(env[other]) < 8 or env[other] not in err + out
    return naming[0]


SERVICE_KINDS = [
    ("auth", "gunicorn"), ("music", "gunicorn"), ("auth", "gunicorn-docker"), ("music", "gunicorn-docker"),
    ("auth", "runserver"), ("music", "runserver"), ("auth", "enrich_pending"),
]  # fmt: skip
ids = [f"{service}-{kind}" for service, kind in SERVICE_KINDS]
# Every .env.example placeholder and weak value in each secret; METRICS_TOKEN follows the rule when set.
REFUSED = [
    *[(s, v, name) for s in VARIABLES for v in VARIABLES[s] for name in [*PLACEHOLDERS, *WEAK]],
    *[(s, "DJANGO_SECRET_KEY", name) for s in PROJECTS for name in WEAK_SECRET_KEY],
    *[(s, "METRICS_TOKEN", name) for s in PROJECTS for name in ("short", "two_distinct", "change-me")],
]


@pytest.mark.parametrize(("service", "variable", "name"), REFUSED, ids=["-".join(case) for case in REFUSED])
def test_gunicorn_refuses_a_weak_or_placeholder_secret(service, variable, name, tmp_path):
    assert_refused(service, "gunicorn", variable, NAMED[name], tmp_path)


@pytest.mark.parametrize(("service", "kind"), SERVICE_KINDS, ids=ids)
def test_every_start_path_refuses_the_unedited_env_example(service, kind, tmp_path):
    """Each variable at its .env.example value, then an empty service token (required with DEBUG off)."""
    for variable in VARIABLES[service]:
        assert_refused(service, kind, variable, ENV_EXAMPLE[variable], tmp_path)
    assert_refused(service, kind, "MUSIC_SERVICE_TOKEN", "", tmp_path)


# The enrichment runner starting with strong secrets: every test that uses one (test_metrics.py...).
@pytest.mark.parametrize(("service", "kind"), SERVICE_KINDS[:-1], ids=ids[:-1])
def test_strong_random_secrets_start_every_server(service, kind, tmp_path, log_dir):
    port = free_port()
    env = environment(service, tmp_path, PORT=str(port))
    process = ServiceProcess(
        f"strong-{service}-{kind}", PROJECTS[service], env, log_dir, command=command(kind, port), port=port
    )
    if service == "auth":
        process.manage("migrate", "--noinput", "-v", "0")
    with process:
        assert process.proc.poll() is None
    assert not re.search(r"^error: ", process.logs(), re.MULTILINE), process.logs()[-2000:]


def test_a_44_character_random_token_is_enough_where_the_secret_key_needs_50(tmp_path, log_dir):
    value = WEAK_SECRET_KEY["under_50"]
    with sqlite_auth(
        log_dir, tmp_path, "http://127.0.0.1:9", "auth-44", JWT_SIGNING_KEY=value, MUSIC_SERVICE_TOKEN=value
    ):
        pass


@pytest.mark.parametrize("service", PROJECTS)
def test_with_debug_on_a_missing_key_a_placeholder_and_an_empty_service_token_still_start(
    service, tmp_path, log_dir
):
    """Development only: a dev-only value stands in for the missing DJANGO_SECRET_KEY."""
    port = free_port()
    env = environment(service, tmp_path, DJANGO_DEBUG="1", MUSIC_SERVICE_TOKEN="", PORT=str(port))
    if service == "auth":
        env["JWT_SIGNING_KEY"] = ENV_EXAMPLE["JWT_SIGNING_KEY"]
    env["DJANGO_SECRET_KEY"] = None  # removed from the process's environment
    with ServiceProcess(f"debug-{service}", PROJECTS[service], env, log_dir, port=port) as process:
        assert process.proc.poll() is None


@pytest.mark.parametrize("service", PROJECTS)
def test_collectstatic_and_check_deploy_still_run_with_the_placeholders(service, tmp_path):
    """Image builds run collectstatic with throwaway values; check --deploy warns (its codes, in process:
    tests/auth/security/test_secrets.py, tests/music/security/test_secrets.py), never refuses."""
    placeholders = {variable: ENV_EXAMPLE[variable] for variable in VARIABLES[service]}
    env = environment(service, tmp_path, DJANGO_STATIC_ROOT=str(tmp_path / "static"), **placeholders)
    for args in (["collectstatic", "--noinput", "-v", "0"], ["check", "--deploy"]):
        done = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT / PROJECTS[service], env=env, capture_output=True,
            text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr[-2000:]
    assert any((tmp_path / "static").iterdir())
    warned = [line for line in done.stderr.splitlines() if "placeholder" in line]
    for variable in VARIABLES[service]:
        assert any(variable in line for line in warned), done.stderr[-2000:]
