"""What the README's Docker quick start runs, up to `docker-compose config` (no engine needed).

In the docker suite, not e2e: scripts/test-docker installs docker-compose before it runs these,
while on a fresh machine scripts/test runs before anything installs it (there it could only skip).
"""

from __future__ import annotations

import subprocess

import yaml

from tests.support.repo_copy import copy_repo, script_env


def config_after_scripts_env(tmp_path, **env: str) -> tuple[dict, dict]:
    """(the .env scripts/env writes in a copy of the repository, `docker-compose config`'s services)."""
    repo = copy_repo(tmp_path / "repo")
    run = {"cwd": repo, "capture_output": True, "text": True, "timeout": 60}
    assert subprocess.run(["bash", str(repo / "scripts" / "env")], env=script_env(), **run).returncode == 0
    keys = dict(line.split("=", 1) for line in (repo / ".env").read_text().splitlines() if "=" in line)
    shell = {k: v for k, v in script_env().items() if k not in ("PYTHON_IMAGE", "COMPOSE_FILE", "AUTH_PORT")}
    result = subprocess.run(["docker-compose", "config"], env={**shell, **env}, **run)
    assert result.returncode == 0, result.stderr
    return keys, yaml.safe_load(result.stdout)["services"]


def test_compose_reads_the_env_scripts_env_writes(tmp_path):
    image = "musica/python-base:bookworm"  # what scripts/docker-base prints
    keys, services = config_after_scripts_env(tmp_path, PYTHON_IMAGE=image)
    assert services["auth_service"]["environment"]["DJANGO_SECRET_KEY"] == keys["DJANGO_SECRET_KEY"]
    assert services["music_service"]["environment"]["DJANGO_SECRET_KEY"] == keys["MUSIC_DJANGO_SECRET_KEY"]
    assert services["auth_service"]["build"]["args"]["PYTHON_IMAGE"] == image


def test_the_monitoring_override_scrapes_with_the_metrics_token_scripts_env_writes(tmp_path):
    files = "docker-compose.yml:docker-compose.monitoring.yml"
    keys, services = config_after_scripts_env(tmp_path, COMPOSE_FILE=files)
    assert len(keys["METRICS_TOKEN"]) >= 32
    for name in ("prometheus", "auth_service", "music_service", "enrich_runner"):
        assert services[name]["environment"]["METRICS_TOKEN"] == keys["METRICS_TOKEN"], name
    assert services["prometheus"]["build"]["dockerfile"] == "docker/prometheus.Dockerfile"
