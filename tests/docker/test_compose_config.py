"""What the README's Docker quick start runs, up to `docker-compose config` (no engine needed).

In the docker suite, not e2e: scripts/test-docker installs docker-compose before it runs these,
while on a fresh machine scripts/test runs before anything installs it (there it could only skip).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import yaml

from tests.support.repo_copy import copy_repo, script_env


def env_script(repo: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(repo / "scripts" / "env")],
        cwd=repo,
        env=script_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_compose_reads_the_env_scripts_env_writes(tmp_path):
    repo = copy_repo(tmp_path / "repo")
    assert env_script(repo).returncode == 0
    keys = dict(line.split("=", 1) for line in (repo / ".env").read_text().splitlines() if "=" in line)
    env = {k: v for k, v in script_env().items() if k not in ("PYTHON_IMAGE", "COMPOSE_FILE", "AUTH_PORT")}
    env["PYTHON_IMAGE"] = "musica/python-base:bookworm"  # what scripts/docker-base prints
    result = subprocess.run(
        ["docker-compose", "config"], cwd=repo, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    config = yaml.safe_load(result.stdout)
    services = config["services"]
    assert services["auth_service"]["environment"]["DJANGO_SECRET_KEY"] == keys["DJANGO_SECRET_KEY"]
    assert services["music_service"]["environment"]["DJANGO_SECRET_KEY"] == keys["MUSIC_DJANGO_SECRET_KEY"]
    assert services["auth_service"]["build"]["args"]["PYTHON_IMAGE"] == "musica/python-base:bookworm"


def test_the_monitoring_override_scrapes_with_the_metrics_token_scripts_env_writes(tmp_path):
    repo = copy_repo(tmp_path / "repo")
    assert env_script(repo).returncode == 0
    keys = dict(line.split("=", 1) for line in (repo / ".env").read_text().splitlines() if "=" in line)
    env = {k: v for k, v in script_env().items() if k not in ("PYTHON_IMAGE", "COMPOSE_FILE", "AUTH_PORT")}
    env["COMPOSE_FILE"] = "docker-compose.yml:docker-compose.monitoring.yml"
    result = subprocess.run(
        ["docker-compose", "config"], cwd=repo, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    services = yaml.safe_load(result.stdout)["services"]
    assert len(keys["METRICS_TOKEN"]) >= 32
    for name in ("prometheus", "auth_service", "music_service", "enrich_runner"):
        assert services[name]["environment"]["METRICS_TOKEN"] == keys["METRICS_TOKEN"], name
    assert services["prometheus"]["build"]["dockerfile"] == "docker/prometheus.Dockerfile"
