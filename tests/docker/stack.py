"""The compose stack the container tests drive (docker-compose.yml + docker-compose.test.yml), up
once per session (conftest.py); ``.venv/bin/python tests/docker/stack.py build`` builds its images,
the step scripts/test-docker runs before pytest.

Settings (environment): MUSICA_TEST_PYTHON_IMAGE (else PYTHON_IMAGE, else python:3.12-slim),
MUSICA_TEST_PROJECT (musicatest), MUSICA_TEST_AUTH_PORT (a free port), MUSICA_COMPOSE (the compose
command; default `docker compose` when it works, else `docker-compose`).
"""

from __future__ import annotations

import os
import re
import secrets
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # run as a script
    sys.path.insert(0, str(ROOT))

from tests.support import containers as engine  # noqa: E402 (after the path set-up above)
from tests.support.processes import free_port  # noqa: E402

COMPOSE_FILES = ("docker-compose.yml", "docker-compose.test.yml")
COMMAND_TIMEOUT = 900  # a compose build or up; every other command has a shorter deadline


def compose_command() -> list[str]:
    if override := os.environ.get("MUSICA_COMPOSE"):
        return shlex.split(override)
    if shutil.which("docker"):
        probe = subprocess.run(["docker", "compose", "version"], capture_output=True, timeout=30)
        if probe.returncode == 0:
            return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    raise RuntimeError("neither `docker compose` nor `docker-compose` is installed")


class Stack:
    """One compose project with its own secrets and port; the caller's shell values of the compose
    files' variables are dropped, and an empty env file keeps a developer's .env out."""

    def __init__(self):
        image = os.environ.get("MUSICA_TEST_PYTHON_IMAGE") or os.environ.get("PYTHON_IMAGE")
        self.python_image = image or "python:3.12-slim"
        self.project = os.environ.get("MUSICA_TEST_PROJECT") or "musicatest"
        auth_port = int(os.environ.get("MUSICA_TEST_AUTH_PORT") or 0) or free_port()
        self.base_url = f"http://127.0.0.1:{auth_port}"
        self.compose = compose_command()
        self._tmp = tempfile.TemporaryDirectory(prefix="musica-stack-")
        self.env_file = Path(self._tmp.name) / "empty.env"
        self.env_file.write_text("")
        variables = {"COMPOSE_PROFILES", "COMPOSE_PROJECT_NAME", "COMPOSE_FILE"}
        for name in COMPOSE_FILES:
            variables |= set(re.findall(r"\$\{([A-Z_][A-Z0-9_]*)", (ROOT / name).read_text()))
        self.env = {k: v for k, v in os.environ.items() if k not in variables}
        self.env.update(
            PYTHON_IMAGE=self.python_image,
            AUTH_PORT=str(auth_port),
            MUSICA_TAG="test",
            DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
            MUSIC_DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
            JWT_SIGNING_KEY=secrets.token_urlsafe(50),
            MUSIC_SERVICE_TOKEN=secrets.token_urlsafe(32),
            DOCKER_BUILDKIT="0",
            COMPOSE_DOCKER_CLI_BUILD="0",
        )

    def cmd(self, *args: str) -> list[str]:
        files = [part for name in COMPOSE_FILES for part in ("-f", str(ROOT / name))]
        return [*self.compose, "--env-file", str(self.env_file), "-p", self.project, *files, *args]

    def run(self, *args: str, check=True, timeout: float = COMMAND_TIMEOUT, stream=False):
        return engine.run(self.cmd(*args), check=check, env=self.env, timeout=timeout, stream=stream)

    def labels(self, service: str | None = None) -> list[str]:
        project = [f"com.docker.compose.project={self.project}"]
        return [*project, f"com.docker.compose.service={service}"] if service else project

    def containers(self, service: str | None = None) -> list[str]:
        """IDs of this project's running containers (of one service, or all)."""
        return engine.containers(*self.labels(service))

    def wait_healthy(self, service: str, count: int, timeout: float = 180) -> list[str]:
        return engine.wait_healthy(self.labels(service), count, timeout=timeout)

    def http(self, method: str, path: str, **kwargs):
        return engine.http(method, self.base_url + path, **kwargs)

    def double_control(self, path: str, body: dict | None = None) -> dict:
        """GET (or POST ``body`` to) the Deezer/iTunes double's /_control/<path>."""
        (double,) = self.containers("keyless-double")
        return engine.fetch_inside(double, f"http://127.0.0.1:8080/_control/{path}", body)

    def double_stats(self) -> dict:
        """The Deezer double's counters: the keyless stack asks Deezer first."""
        return self.double_control("stats")["deezer"]

    def logs_tail(self, tail: int = 60) -> str:
        """The last lines of every container's log, for a failure report."""
        parts = []
        for cid in self.containers():
            lines = engine.logs(cid).splitlines()[-tail:]
            name = engine.inspect(cid)["Name"].lstrip("/")
            parts.append(f"----- logs of {name} (last {len(lines)} lines) -----\n" + "\n".join(lines))
        return "\n\n".join(parts)

    def up(self) -> None:
        self.down()  # leftovers of an interrupted run of this same test project only
        self.run("up", "-d", "--build", stream=True)

    def down(self) -> None:
        self.run("down", "-v", "--remove-orphans", check=False)

    def close(self) -> None:
        self._tmp.cleanup()


if __name__ == "__main__":
    if sys.argv[1:] != ["build"]:
        sys.exit(__doc__)
    stack = Stack()
    try:
        engine.log(f"compose: {' '.join(stack.compose)}; project {stack.project}; image {stack.python_image}")
        stack.run("build", stream=True)
    finally:
        stack.close()
