"""scripts/manage auth|music <command> and scripts/env, as a user runs them in a copy of the repository;
no doc tells people to run manage.py by hand on the host (it does not read .env)."""

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


def run(repo: Path, command: list[str], env: dict | None = None, timeout=TIMEOUT):
    return subprocess.run(
        command, cwd=repo, env=env or script_env(), capture_output=True, text=True, timeout=timeout
    )


def manage(repo: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    return run(repo, ["bash", str(repo / "scripts" / "manage"), *args], script_env(**env))


def env_keys(path: Path) -> dict[str, str]:
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)


def test_without_a_project_it_prints_its_usage(repo):
    for args in ((), ("auth",), ("web", "migrate")):
        result = manage(repo, *args)
        assert result.returncode == 2 and "usage: scripts/manage auth|music <command>" in result.stderr, (
            result
        )
    assert not (repo / ".env").exists()  # nothing was done


def test_first_command_writes_env_and_migrates_then_commands_keep_their_exit_status(repo):
    result = manage(repo, "auth", "migrate", "--noinput")
    assert result.returncode == 0, result.stderr
    assert "writing" in result.stderr and ".env" in result.stderr  # scripts/manage's own notes: stderr
    assert "Applying accounts.0001_initial... OK" in result.stdout
    assert stat.S_IMODE((repo / "auth_project" / "notas.db").stat().st_mode) == 0o600
    keys = env_keys(repo / ".env")
    assert len(keys["DJANGO_SECRET_KEY"]) >= 50 and len(keys["MUSIC_SERVICE_TOKEN"]) >= 32
    assert manage(repo, "auth", "enrich_pending").returncode == 0  # one pass
    failed = manage(repo, "auth", "no_such_command")
    assert failed.returncode == 1 and "Unknown command: 'no_such_command'" in failed.stderr


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
    created = run(repo, ["bash", "-c", step.group(0)])
    assert created.returncode == 0, created.stderr
    code = (
        "from django.contrib.auth import get_user_model; "
        f"u = get_user_model().objects.get(username={username!r}); "
        f"print(u.is_superuser, u.check_password({password!r}), repr(u.email)); u.delete()"
    )  # deleted: the other README's step creates the same user
    check = manage(repo, "auth", "shell", "-v", "0", "-c", code)
    assert check.returncode == 0, check.stderr
    assert check.stdout == "True True ''\n"  # stdout is the command's alone


def test_music_gets_its_own_key_and_never_auths(repo):
    code = (
        "import os; from django.conf import settings; "
        "print(settings.SECRET_KEY == os.environ['MUSIC_DJANGO_SECRET_KEY'], 'JWT_SIGNING_KEY' in os.environ)"
    )
    result = manage(repo, "music", "shell", "-v", "0", "-c", code)
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


DOCS = [
    ROOT / "README.md", ROOT / "README.es.md", ROOT / "docker" / "README.md",
    *sorted((ROOT / "docs").glob("*.md")), *sorted((ROOT / "deploy").rglob("*.md")),
]  # fmt: skip
# manage.py by hand on the host (inside a container, `docker compose exec auth_service ...`, is fine).
BY_HAND = re.compile(
    r"cd (auth|music)_project &&|\.venv/bin/python manage\.py|(?<!exec auth_service )(?<!exec music_service )"
    r"(?<![\w/])python3? manage\.py"
)


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_docs_use_scripts_manage(doc):
    lines = enumerate(doc.read_text().splitlines(), 1)
    hits = [
        f"{doc.relative_to(ROOT)}:{number}: {line.strip()}" for number, line in lines if BY_HAND.search(line)
    ]
    assert not hits, "use scripts/manage auth|music <command> instead:\n" + "\n".join(hits)


def env_script(repo: Path, python_only: bool = False) -> subprocess.CompletedProcess:
    env = script_env()
    if python_only:  # the Docker quick start: no venv yet, python3 only
        env["VENV"] = str(repo / ".venv-not-made")
    return run(repo, ["bash", str(repo / "scripts" / "env")], env, timeout=60)


def test_scripts_env_writes_fresh_secrets_without_a_venv_and_keeps_them(tmp_path):
    repo = copy_repo(tmp_path / "repo")
    result = env_script(repo, python_only=True)
    assert result.returncode == 0, result.stderr
    assert not (repo / ".venv-not-made").exists()
    keys = env_keys(repo / ".env")
    assert all(
        len(keys[name]) >= 50 for name in ("DJANGO_SECRET_KEY", "MUSIC_DJANGO_SECRET_KEY", "JWT_SIGNING_KEY")
    )
    assert len(keys["MUSIC_SERVICE_TOKEN"]) >= 32
    before = (repo / ".env").read_text()
    assert env_script(repo).returncode == 0 and (repo / ".env").read_text() == before  # run again: kept


def test_scripts_env_refuses_a_copied_example_naming_the_placeholders(tmp_path):
    repo = copy_repo(tmp_path / "repo")
    example = (repo / ".env.example").read_text()
    (repo / ".env").write_text(example)
    result = env_script(repo)
    assert result.returncode == 1
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    for name in ("DJANGO_SECRET_KEY", "JWT_SIGNING_KEY", "MUSIC_DJANGO_SECRET_KEY", "MUSIC_SERVICE_TOKEN"):
        assert name in result.stderr
    assert (repo / ".env").read_text() == example  # left alone
