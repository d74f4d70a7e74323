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
    env = env or script_env()
    return subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, timeout=timeout)


def manage(repo: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    return run(repo, ["bash", str(repo / "scripts" / "manage"), *args], script_env(**env))


def env_keys(path: Path) -> dict[str, str]:
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)


def test_without_a_project_it_prints_its_usage(repo):
    for args in ((), ("auth",), ("web", "migrate")):
        result = manage(repo, *args)
        assert result.returncode == 2, result
        assert "usage: scripts/manage auth|music <command>" in result.stderr, result
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


def test_music_gets_its_own_key_and_the_documented_checks_pass(repo):
    """README: the schema check, and check --deploy with the deployment's DJANGO_SECURE=1."""
    code = (
        "import os; from django.conf import settings; "
        "print(settings.SECRET_KEY == os.environ['MUSIC_DJANGO_SECRET_KEY'], 'JWT_SIGNING_KEY' in os.environ)"
    )
    music = manage(repo, "music", "shell", "-v", "0", "-c", code)
    assert music.returncode == 0 and music.stdout == "True False\n", music.stderr
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


def test_scripts_env_writes_fresh_secrets_without_a_venv_keeps_them_and_refuses_a_copied_example(tmp_path):
    repo = copy_repo(tmp_path / "repo")
    env = script_env(VENV=str(repo / ".venv-not-made"))  # the Docker quick start: no venv yet, python3 only
    written = run(repo, ["bash", "scripts/env"], env, timeout=60)
    assert written.returncode == 0 and not (repo / ".venv-not-made").exists(), written.stderr
    keys = env_keys(repo / ".env")
    assert all(
        len(keys[name]) >= 50 for name in ("DJANGO_SECRET_KEY", "MUSIC_DJANGO_SECRET_KEY", "JWT_SIGNING_KEY")
    )
    assert len(keys["MUSIC_SERVICE_TOKEN"]) >= 32
    before = (repo / ".env").read_text()
    assert (
        run(repo, ["bash", "scripts/env"]).returncode == 0 and (repo / ".env").read_text() == before
    )  # kept

    example = (repo / ".env.example").read_text()
    (repo / ".env").write_text(example)
    refused = run(repo, ["bash", "scripts/env"], timeout=60)
    assert refused.returncode == 1
    assert refused.stderr.startswith("error: ") and refused.stderr.count("\n") == 1, refused.stderr
    for name in ("DJANGO_SECRET_KEY", "JWT_SIGNING_KEY", "MUSIC_DJANGO_SECRET_KEY", "MUSIC_SERVICE_TOKEN"):
        assert name in refused.stderr
    assert (repo / ".env").read_text() == example  # left alone
