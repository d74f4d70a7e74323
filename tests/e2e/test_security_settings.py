"""Production settings of both projects as a deployment runs them (a clean environment): check --deploy
passes and fails on what a deployment must not do; a missing secret stops the start naming it.
(The secret rule's own warnings, auth.W001/W002: tests/auth/security/test_secrets.py.)"""

import os
import secrets
import subprocess
import sys

import pytest

from tests.e2e.helpers import sql
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
def test_check_deploy_passes_with_production_settings(service):
    result = manage(service, production_env(service), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)" in result.stdout


@pytest.mark.parametrize("service", PROJECTS)
@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"DJANGO_SECURE": None}, {"security.W004", "security.W008"}),
        ({"DJANGO_SECRET_KEY": "too-short-for-production"}, {"security.W009"}),
        ({"DJANGO_DEBUG": "1"}, {"security.W018"}),
        ({"MUSIC_SERVICE_TOKEN": None}, {"auth.W003", "music.W001"}),
    ],
    ids=["not-secure", "weak-secret-key", "debug", "no-service-token"],
)
def test_check_deploy_fails_on_what_a_deployment_must_not_do(service, overrides, expected):
    result = manage(
        service, production_env(service, **overrides), "check", "--deploy", "--fail-level", "WARNING"
    )
    assert result.returncode != 0
    mine = {code for code in expected if code.split(".")[0] in ("security", service)}
    assert mine, expected
    for code in mine:
        assert f"({code})" in result.stderr, result.stderr


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


@pytest.mark.parametrize("service", PROJECTS)
def test_debug_is_off_and_hosts_come_from_the_environment(service):
    code = "from django.conf import settings as s; print(s.DEBUG, s.ALLOWED_HOSTS, s.SECURE_HSTS_SECONDS)"
    result = manage(service, production_env(service, DJANGO_SECURE=None), "shell", "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False ['notas.example.com'] 0"
    secure = manage(service, production_env(service), "shell", "-c", code)
    assert secure.stdout.strip().splitlines()[-1] == "False ['notas.example.com'] 31536000"


def test_live_passwords_are_hashed_with_argon2(new_user, auth):
    user = new_user()
    [(password,)] = sql(auth.database, "SELECT password FROM accounts_user WHERE id = ?", user.user_id)
    assert password.startswith("argon2$argon2id$")
    assert "Canciones-2026" not in password
