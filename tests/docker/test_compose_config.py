"""What the README's Docker quick start runs, up to `docker-compose config` (no engine needed).

In the docker suite, not e2e: scripts/test-docker installs docker-compose before it runs these,
while on a fresh machine scripts/test runs before anything installs it (there it could only skip).
"""

from __future__ import annotations

import subprocess

import yaml

from tests.support.repo_copy import copy_repo, script_env


def test_compose_reads_the_env_scripts_env_writes(tmp_path):
    """The secrets, the metrics token (for the monitoring override's Prometheus too) and the base
    image reach `docker-compose config` from the .env scripts/env writes in a copy of the repository."""
    repo = copy_repo(tmp_path / "repo")
    run = {"cwd": repo, "capture_output": True, "text": True, "timeout": 60}
    assert subprocess.run(["bash", str(repo / "scripts" / "env")], env=script_env(), **run).returncode == 0
    keys = dict(line.split("=", 1) for line in (repo / ".env").read_text().splitlines() if "=" in line)
    image = "musica/python-base:bookworm"  # what scripts/docker-base prints
    env = script_env(PYTHON_IMAGE=image, COMPOSE_FILE="docker-compose.yml:docker-compose.monitoring.yml")
    env.pop("AUTH_PORT", None)
    result = subprocess.run(["docker-compose", "config"], env=env, **run)
    assert result.returncode == 0, result.stderr
    services = yaml.safe_load(result.stdout)["services"]
    assert services["auth_service"]["environment"]["DJANGO_SECRET_KEY"] == keys["DJANGO_SECRET_KEY"]
    assert services["music_service"]["environment"]["DJANGO_SECRET_KEY"] == keys["MUSIC_DJANGO_SECRET_KEY"]
    assert services["auth_service"]["build"]["args"]["PYTHON_IMAGE"] == image
    assert len(keys["METRICS_TOKEN"]) >= 32
    for name in ("prometheus", "auth_service", "music_service", "enrich_runner"):
        assert services[name]["environment"]["METRICS_TOKEN"] == keys["METRICS_TOKEN"], name
    assert services["prometheus"]["build"]["dockerfile"] == "docker/prometheus.Dockerfile"
