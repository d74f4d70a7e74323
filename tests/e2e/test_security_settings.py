"""Both projects' production settings in a clean environment: check --deploy passes, and fails on what a
deployment must not do; a missing secret stops the start naming it (the secret rule's own warnings:
tests/auth/security/test_secrets.py)."""

import os
import secrets
import subprocess
import sys

import pytest

from tests.support.processes import ROOT

PROJECTS = {"auth": "auth_project", "music": "music_project"}


def production_env(service: str, **overrides) -> dict:
    """What a deployment behind TLS sets (docs: README "Security"); nothing inherited from the shell."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50), "DJANGO_ALLOWED_HOSTS": "notas.example.com",
        "DJANGO_SECURE": "1", "DJANGO_SECURE_PROXY_SSL_HEADER": "1",
        "MUSIC_SERVICE_TOKEN": secrets.token_urlsafe(32),
    }  # fmt: skip
    if service == "auth":
        env.update(JWT_SIGNING_KEY=secrets.token_urlsafe(50), DATABASE_URL="sqlite:////tmp/unused-by-check.db",
                   DJANGO_CSRF_TRUSTED_ORIGINS="https://notas.example.com")  # fmt: skip
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def manage(service: str, env: dict, *args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "manage.py", *args]
    return subprocess.run(
        command, cwd=ROOT / PROJECTS[service], env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("service", PROJECTS)
@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({}, set()),
        ({"DJANGO_SECURE": None}, {"security.W004", "security.W008"}),
        ({"DJANGO_SECRET_KEY": "too-short-for-production"}, {"security.W009"}),
        ({"DJANGO_DEBUG": "1"}, {"security.W018"}),
        ({"MUSIC_SERVICE_TOKEN": None}, {"auth.W003", "music.W001"}),
    ],
    ids=["as-deployed", "not-secure", "weak-secret-key", "debug", "no-service-token"],
)
def test_check_deploy_passes_as_deployed_and_fails_on_what_a_deployment_must_not_do(
    service, overrides, expected
):
    """As deployed: DEBUG off by default (no W018), hosts from the environment, HSTS with DJANGO_SECURE."""
    result = manage(
        service, production_env(service, **overrides), "check", "--deploy", "--fail-level", "WARNING"
    )
    mine = {code for code in expected if code.split(".")[0] in ("security", service)}
    if not overrides:
        assert result.returncode == 0, result.stdout + result.stderr
        assert "System check identified no issues (0 silenced)" in result.stdout
    assert mine or not overrides, expected
    for code in mine:
        assert result.returncode != 0 and f"({code})" in result.stderr, result.stderr


@pytest.mark.parametrize(
    ("service", "variable"),
    [("auth", "DJANGO_SECRET_KEY"), ("auth", "JWT_SIGNING_KEY"), ("music", "DJANGO_SECRET_KEY")],
)
def test_a_missing_secret_stops_the_start_naming_the_variable(service, variable):
    for missing in (None, "", "   "):
        result = manage(service, production_env(service, **{variable: missing}), "check")
        assert result.returncode != 0
        assert f"ImproperlyConfigured: {variable} is not set." in result.stderr, result.stderr[-600:]
    # Control: in development (DJANGO_DEBUG=1) a dev-only value stands in.
    dev = manage(service, production_env(service, DJANGO_DEBUG="1", **{variable: None}), "check")
    assert dev.returncode == 0, dev.stderr
