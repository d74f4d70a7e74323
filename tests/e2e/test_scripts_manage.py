"""scripts/manage auth|music <command>: manage.py with the venv and .env, as a user runs it; and
scripts/env, the Docker quick start's .env step.

Every run works in a temporary copy of the repository (tests/support/repo_copy.py, as
test_scripts_run.py does), so the repository's .env and notas.db are never touched. And no doc
tells people to run manage.py by hand on the host any more (it does not read .env).
"""

from __future__ import annotations

import re
import stat
import subprocess
from pathlib import Path

import pytest

from tests.support.repo_copy import ROOT, copy_repo, script_env

TIMEOUT = 180  # a venv check, then Django's start; the machine is shared


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    return copy_repo(tmp_path_factory.mktemp("scripts-manage") / "repo")


def manage(repo: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(repo / "scripts" / "manage"), *args],
        cwd=repo,
        env=script_env(**env),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )


def test_without_a_project_it_prints_its_usage(repo):
    for args in ((), ("auth",), ("web", "migrate")):
        result = manage(repo, *args)
        assert result.returncode == 2, result
        assert "usage: scripts/manage auth|music <command>" in result.stderr
    assert not (repo / ".env").exists()  # nothing was done


def test_first_command_writes_env_and_migrates(repo):
    result = manage(repo, "auth", "migrate", "--noinput")
    assert result.returncode == 0, result.stderr
    assert "writing" in result.stderr and ".env" in result.stderr  # scripts/manage's own notes: stderr
    assert "Applying accounts.0001_initial... OK" in result.stdout
    env_file = repo / ".env"
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    assert stat.S_IMODE((repo / "auth_project" / "notas.db").stat().st_mode) == 0o600
    keys = dict(line.split("=", 1) for line in env_file.read_text().splitlines() if "=" in line)
    assert len(keys["DJANGO_SECRET_KEY"]) >= 50 and len(keys["MUSIC_SERVICE_TOKEN"]) >= 32


# The README's non-interactive admin step: two lines, the second a continuation of the first.
ADMIN_STEP = re.compile(
    r"^DJANGO_SUPERUSER_USERNAME=(\w+) DJANGO_SUPERUSER_PASSWORD='([^']+)' \\\n"
    r".*scripts/manage auth createsuperuser --noinput.*$",
    re.MULTILINE,
)


@pytest.mark.parametrize("readme", ["README.md", "README.es.md"])
def test_the_readme_createsuperuser_step_works_as_written_then_shell_sees_the_user(repo, readme):
    """Username and password from the env, no email (it is optional)."""
    step = ADMIN_STEP.search((ROOT / readme).read_text())
    assert step, f"{readme} shows no `DJANGO_SUPERUSER_USERNAME=… createsuperuser --noinput` step"
    username, password = step.groups()
    assert manage(repo, "auth", "migrate", "--noinput").returncode == 0
    created = subprocess.run(
        ["bash", "-c", step.group(0)],
        cwd=repo,
        env=script_env(),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert created.returncode == 0, created.stderr
    check = manage(
        repo,
        "auth",
        "shell",
        "-v",
        "0",
        "-c",
        "from django.contrib.auth import get_user_model; "
        f"u = get_user_model().objects.get(username={username!r}); "
        f"print(u.is_superuser, u.check_password({password!r}), repr(u.email)); "
        "u.delete()",  # the next README's step creates the same user
    )
    assert check.returncode == 0, check.stderr
    assert check.stdout == "True True ''\n"  # stdout is the command's alone


def test_enrich_pending_runs_one_pass(repo):
    assert manage(repo, "auth", "migrate", "--noinput").returncode == 0
    result = manage(repo, "auth", "enrich_pending")
    assert result.returncode == 0, result.stderr


def test_music_gets_its_own_key_and_never_auths(repo):
    result = manage(
        repo,
        "music",
        "shell",
        "-v",
        "0",
        "-c",
        "import os; from django.conf import settings; "
        "print(settings.SECRET_KEY == os.environ['MUSIC_DJANGO_SECRET_KEY'], "
        "'JWT_SIGNING_KEY' in os.environ)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "True False\n"
    assert manage(repo, "music", "check").returncode == 0


def test_the_documented_checks_pass(repo):
    """README: the schema check, and check --deploy with the deployment's DJANGO_SECURE=1."""
    schema = manage(repo, "auth", "spectacular", "--validate", "--fail-on-warn", "--file", "schema.yaml")
    assert schema.returncode == 0, schema.stderr
    assert (repo / "auth_project" / "schema.yaml").read_text().startswith("openapi: 3.1")
    for project in ("auth", "music"):
        deploy = manage(repo, project, "check", "--deploy", "--fail-level", "WARNING", DJANGO_SECURE="1")
        assert deploy.returncode == 0, deploy.stderr


def test_a_failing_command_keeps_its_exit_status(repo):
    result = manage(repo, "auth", "no_such_command")
    assert result.returncode == 1
    assert "Unknown command: 'no_such_command'" in result.stderr


# ------------------------------------------------------------------------------------ the docs

DOCS = [
    ROOT / "README.md",
    ROOT / "README.es.md",
    ROOT / "docker" / "README.md",
    *sorted((ROOT / "docs").glob("*.md")),
    *sorted((ROOT / "deploy").rglob("*.md")),
]
# manage.py by hand on the host: it does not read .env, so it fails with ImproperlyConfigured.
# Inside a container (`docker compose exec auth_service python manage.py ...`) the env is set.
BY_HAND = re.compile(
    r"cd (auth|music)_project &&|\.venv/bin/python manage\.py|(?<!exec auth_service )(?<!exec music_service )"
    r"(?<![\w/])python3? manage\.py"
)


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_docs_use_scripts_manage(doc):
    hits = [
        f"{doc.relative_to(ROOT)}:{number}: {line.strip()}"
        for number, line in enumerate(doc.read_text().splitlines(), 1)
        if BY_HAND.search(line)
    ]
    assert not hits, "use scripts/manage auth|music <command> instead:\n" + "\n".join(hits)


def test_scripts_run_banner_uses_scripts_manage():
    """scripts/run itself calls manage.py (with .env loaded); what it tells people is scripts/manage."""
    banner = (ROOT / "scripts" / "run").read_text().split("MUSICA_BANNER=", 1)[1]
    assert "scripts/manage auth createsuperuser" in banner
    assert "manage.py" not in banner


# ------------------------------------------------------------------------ scripts/env (Docker)


def env_script(repo: Path, python_only: bool = False) -> subprocess.CompletedProcess:
    env = script_env()
    if python_only:  # the Docker quick start: no venv yet, python3 only
        env["VENV"] = str(repo / ".venv-not-made")
    return subprocess.run(
        ["bash", str(repo / "scripts" / "env")], cwd=repo, env=env, capture_output=True, text=True, timeout=60
    )


def test_scripts_env_writes_fresh_secrets_without_a_venv(tmp_path):
    repo = copy_repo(tmp_path / "repo")
    result = env_script(repo, python_only=True)
    assert result.returncode == 0, result.stderr
    assert not (repo / ".venv-not-made").exists()
    env_file = repo / ".env"
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    keys = dict(line.split("=", 1) for line in env_file.read_text().splitlines() if "=" in line)
    for name in ("DJANGO_SECRET_KEY", "MUSIC_DJANGO_SECRET_KEY", "JWT_SIGNING_KEY"):
        assert len(keys[name]) >= 50, name
    assert len(keys["MUSIC_SERVICE_TOKEN"]) >= 32
    # Run again: kept as it is.
    before = env_file.read_text()
    assert env_script(repo).returncode == 0
    assert env_file.read_text() == before


def test_scripts_env_refuses_a_copied_example_naming_the_placeholders(tmp_path):
    repo = copy_repo(tmp_path / "repo")
    (repo / ".env").write_text((repo / ".env.example").read_text())
    result = env_script(repo)
    assert result.returncode == 1
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    for name in ("DJANGO_SECRET_KEY", "JWT_SIGNING_KEY", "MUSIC_DJANGO_SECRET_KEY", "MUSIC_SERVICE_TOKEN"):
        assert name in result.stderr
    assert (repo / ".env").read_text() == (repo / ".env.example").read_text()  # left alone
