"""Weak or placeholder secrets stop every process that serves or enriches (gunicorn with either
configuration file, runserver, the enrichment runner) at start with DEBUG off: a non-zero exit and one
stderr line naming the variable and how to make a value. Strong values start them; collectstatic and
check --deploy still run with the placeholders."""

from __future__ import annotations

import itertools
import re
import secrets
import subprocess
import sys

import pytest

from tests.support.processes import BIN, MUSIC_SECRET_KEY, ROOT, ServiceProcess, free_port

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
    "unset": None, "empty": "", "blank": "   ", "short": secrets.token_urlsafe(16), "two_distinct": "ab" * 40,
    "repeated_pattern": "abcde" * 10,
}  # fmt: skip
# Django's own rule for the secret key: 50 characters, no "django-insecure-" prefix.
WEAK_SECRET_KEY = {
    "under_50": secrets.token_urlsafe(33),
    "django_insecure": "django-insecure-" + secrets.token_urlsafe(50),
}
NAMED = {**{value: value for value in PLACEHOLDERS}, **WEAK, **WEAK_SECRET_KEY, "change-me": "change-me"}


def command(kind: str, port: int) -> list[str]:
    images = str(ROOT / "docker" / "gunicorn.conf.py")
    return {
        "gunicorn": [str(BIN / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}"],
        # As the images run it (PORT from the environment).
        "gunicorn-docker": [str(BIN / "gunicorn"), "-c", images, "config.wsgi:application"],
        "runserver": [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}"],
        "enrich_pending": [sys.executable, "manage.py", "enrich_pending", "--loop", "--interval", "0.5"],
    }[kind]


_starts = itertools.count()


def process(service: str, kind: str, folder, health_path: str | None = None, **env) -> ServiceProcess:
    """``service`` to start by ``kind`` with strong random secrets as every test process, DEBUG off, and
    ``env`` on top (None removes a variable)."""
    port = free_port()
    own = {"DATABASE_URL": f"sqlite:///{folder / 'notas.db'}"}
    if service == "music":
        own = {"DJANGO_SECRET_KEY": MUSIC_SECRET_KEY, "JWT_SIGNING_KEY": None}
    settings = {"DJANGO_DEBUG": "0", "PORT": str(port), **own, **env}
    name, run = f"{service}-{kind}-{next(_starts)}", command(kind, port)
    return ServiceProcess(
        name, PROJECTS[service], settings, folder, port=port, command=run, health_path=health_path
    )


def exit_output(service: ServiceProcess) -> tuple[int, str]:
    """Start it and wait for it to exit (a start that is not refused fails the test): (exit code, output)."""
    service.start()
    try:
        return service.proc.wait(timeout=DEADLINE), service.logs()
    except subprocess.TimeoutExpired:
        service.kill()
        pytest.fail(f"{service.name} still running after {DEADLINE} s: accepted\n{service.logs()[-2000:]}")


def assert_refused(service: str, kind: str, variable: str, value: str | None, folder, **env) -> str:
    """Refused at start naming ``variable`` (``value``, unless ``env`` sets it otherwise) and nothing else."""
    refused = process(service, kind, folder, **{variable: value, **env})
    returncode, output = exit_output(refused)
    assert returncode != 0, f"exit code {returncode}\n{output[-2000:]}"
    naming = [line for line in output.splitlines() if variable in line]
    assert len(naming) == 1 and "Traceback" not in output, output[-2000:]
    assert naming[0].startswith("error: ") and "secrets.token_urlsafe(50)" in naming[0], naming[0]
    assert (value or "").strip() or f"{variable} is not set" in naming[0], naming[0]
    for other in VARIABLES[service]:  # no other secret is named, and no secret value is printed
        assert other == variable or other not in output, output[-2000:]
        assert len(refused.env.get(other, "")) < 8 or refused.env[other] not in output
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


# The enrichment runner starting with strong secrets: every test that uses one (test_prometheus.py...).
@pytest.mark.parametrize(("service", "kind"), SERVICE_KINDS[:-1], ids=ids[:-1])
def test_strong_random_secrets_start_every_server(service, kind, tmp_path):
    started = process(service, kind, tmp_path, health_path="/health")
    if service == "auth":
        started.manage("migrate", "--noinput", "-v", "0")
    with started:
        assert started.proc.poll() is None
    assert not re.search(r"^error: ", started.logs(), re.MULTILINE), started.logs()[-2000:]


@pytest.mark.parametrize("service", PROJECTS)
def test_with_debug_on_a_missing_key_a_placeholder_and_an_empty_service_token_still_start(service, tmp_path):
    """Development only: a dev-only value stands in for the missing DJANGO_SECRET_KEY."""
    placeholder = {"JWT_SIGNING_KEY": ENV_EXAMPLE["JWT_SIGNING_KEY"]} if service == "auth" else {}
    debug = {"DJANGO_DEBUG": "1", "DJANGO_SECRET_KEY": None, "MUSIC_SERVICE_TOKEN": "", **placeholder}
    with process(service, "gunicorn", tmp_path, health_path="/health", **debug) as started:
        assert started.proc.poll() is None


@pytest.mark.parametrize("service", PROJECTS)
def test_collectstatic_and_check_deploy_still_run_with_the_placeholders(service, tmp_path):
    """Image builds run collectstatic with throwaway values; check --deploy warns (its codes, in process:
    tests/auth/security/test_secrets.py, tests/music/security/test_secrets.py), never refuses."""
    placeholders = {variable: ENV_EXAMPLE[variable] for variable in VARIABLES[service]}
    build = process(
        service, "gunicorn", tmp_path, DJANGO_STATIC_ROOT=str(tmp_path / "static"), **placeholders
    )
    build.manage("collectstatic", "--noinput", "-v", "0")  # check=True: a failure raises
    assert any((tmp_path / "static").iterdir())
    warned = [line for line in build.manage("check", "--deploy").stderr.splitlines() if "placeholder" in line]
    for variable in VARIABLES[service]:
        assert any(variable in line for line in warned), warned
