"""The compose stack the container tests drive: compose commands, docker inspect, the doubles, HTTP.

Used by tests/docker/conftest.py (which brings the stack up once per session and down at the end) and
run as a script by ``scripts/test-docker`` to build the images in their own visible step before pytest:

    python3 tests/docker/stack.py build      # the images of docker-compose.yml + docker-compose.test.yml

Settings (environment): MUSICA_TEST_PYTHON_IMAGE (else PYTHON_IMAGE, else python:3.12-slim),
MUSICA_TEST_PROJECT (musicatest), MUSICA_TEST_AUTH_PORT (a free port), MUSICA_COMPOSE (the compose
command; default `docker compose` when it works, else `docker-compose`).
Standard library only (and tests/support/waiting.py), so the build step needs nothing but python3.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shlex
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # run as a script
    sys.path.insert(0, str(ROOT))

from tests.support.processes import free_port  # noqa: E402
from tests.support.waiting import wait_until  # noqa: E402 (after the path set-up above)

COMPOSE_FILES = ("docker-compose.yml", "docker-compose.test.yml")
COMMAND_TIMEOUT = 900  # a compose build or up; every other command has a shorter deadline


class CommandFailed(AssertionError):
    """A docker/compose command exited non-zero (reported as a test failure, with its output)."""


def log(message: str) -> None:
    print(f"[stack] {message}", file=sys.stderr, flush=True)


def compose_command() -> list[str]:
    """MUSICA_COMPOSE if set, else `docker compose` (v2) when it works, else `docker-compose`."""
    if override := os.environ.get("MUSICA_COMPOSE"):
        return shlex.split(override)
    if shutil.which("docker"):
        probe = subprocess.run(["docker", "compose", "version"], capture_output=True, text=True, timeout=30)
        if probe.returncode == 0:
            return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    raise RuntimeError("neither `docker compose` nor `docker-compose` is installed")


def run(
    cmd: list[str],
    *,
    check: bool = True,
    env: dict | None = None,
    timeout: float = 120,
    quiet: bool = False,
    stream: bool = False,
) -> subprocess.CompletedProcess:
    """Run a command; ``stream`` shows its output as it goes (long builds) instead of capturing it."""
    if not quiet:
        log("$ " + " ".join(shlex.quote(part) for part in cmd))
    if stream:
        result = subprocess.run(cmd, stdout=sys.stderr, text=True, env=env, timeout=timeout)
    else:
        result = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)
    if check and result.returncode != 0:
        raise CommandFailed(
            f"command failed ({result.returncode}): {' '.join(cmd)}\n"
            f"--- stdout ---\n{(result.stdout or '')[-4000:]}\n"
            f"--- stderr ---\n{(result.stderr or '')[-4000:]}"
        )
    return result


class Stack:
    """One compose project of docker-compose.yml + docker-compose.test.yml, with its own settings."""

    def __init__(self, *, python_image: str, project: str, auth_port: int):
        self.project = project
        self.auth_port = auth_port
        self.base_url = f"http://127.0.0.1:{auth_port}"
        self.python_image = python_image
        self.compose = compose_command()
        self._tmp = tempfile.TemporaryDirectory(prefix="musica-stack-")
        # An empty env file: the repository's own .env (a developer's) must not leak in.
        self.env_file = Path(self._tmp.name) / "empty.env"
        self.env_file.write_text("")
        self.env = self._environment(python_image)

    @classmethod
    def from_environment(cls) -> Stack:
        image = os.environ.get("MUSICA_TEST_PYTHON_IMAGE") or os.environ.get("PYTHON_IMAGE")
        return cls(
            python_image=image or "python:3.12-slim",
            project=os.environ.get("MUSICA_TEST_PROJECT") or "musicatest",
            auth_port=int(os.environ.get("MUSICA_TEST_AUTH_PORT") or 0) or free_port(),
        )

    def _environment(self, python_image: str) -> dict:
        env = dict(os.environ)
        # Whatever the caller's shell holds for the compose files' variables is dropped ...
        for name in self.compose_variables():
            env.pop(name, None)
        # ... and the run sets its own.
        env.update(
            PYTHON_IMAGE=python_image,
            AUTH_PORT=str(self.auth_port),
            MUSICA_TAG="test",
            DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
            MUSIC_DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
            JWT_SIGNING_KEY=secrets.token_urlsafe(50),
            MUSIC_SERVICE_TOKEN=secrets.token_urlsafe(32),
            DOCKER_BUILDKIT="0",
            COMPOSE_DOCKER_CLI_BUILD="0",
        )
        return env

    @staticmethod
    def compose_variables() -> set[str]:
        names: set[str] = set()
        for name in COMPOSE_FILES:
            names |= set(re.findall(r"\$\{([A-Z_][A-Z0-9_]*)", (ROOT / name).read_text()))
        return names | {"COMPOSE_PROFILES", "COMPOSE_PROJECT_NAME", "COMPOSE_FILE"}

    def cmd(self, *args: str) -> list[str]:
        files = [part for name in COMPOSE_FILES for part in ("-f", str(ROOT / name))]
        return [*self.compose, "--env-file", str(self.env_file), "-p", self.project, *files, *args]

    def run(
        self, *args: str, check: bool = True, timeout: float = COMMAND_TIMEOUT, stream: bool = False
    ) -> subprocess.CompletedProcess:
        return run(self.cmd(*args), check=check, env=self.env, timeout=timeout, stream=stream)

    def containers(self, service: str | None = None) -> list[str]:
        """IDs of this project's running containers (of one service, or all)."""
        filters = ["--filter", f"label=com.docker.compose.project={self.project}"]
        if service:
            filters += ["--filter", f"label=com.docker.compose.service={service}"]
        out = run(["docker", "ps", "-q", "--no-trunc", *filters], quiet=True).stdout
        return out.split()

    def inspect(self, container: str) -> dict:
        return json.loads(run(["docker", "inspect", container], quiet=True).stdout)[0]

    def health(self, service: str) -> dict[str, str]:
        """Each running container of ``service``: its health status (or its state without a healthcheck)."""
        states = {}
        for cid in self.containers(service):
            state = self.inspect(cid)["State"]
            states[cid] = (state.get("Health") or {}).get("Status", state["Status"])
        return states

    def wait_healthy(self, service: str, count: int, timeout: float = 180) -> list[str]:
        seen: dict[str, str] = {}

        def healthy() -> list[str] | None:
            seen.clear()
            seen.update(self.health(service))
            if len(seen) == count and all(status == "healthy" for status in seen.values()):
                return list(seen)
            return None

        return wait_until(
            healthy,
            timeout=timeout,
            interval=1,
            message=lambda: (
                f"{service}: wanted {count} healthy container(s), saw "
                f"{ {cid[:12]: status for cid, status in seen.items()} }"
            ),
        )

    def exec_python(self, container: str, code: str) -> str:
        return run(["docker", "exec", container, "python3", "-c", code], quiet=True).stdout

    def double_control(self, path: str, body: dict | None = None) -> dict:
        """GET (or POST ``body`` to) the Deezer/iTunes double's /_control/<path>, from its container."""
        (double,) = self.containers("keyless-double")
        code = (
            "import sys, urllib.request\n"
            "data = sys.argv[2].encode() if sys.argv[2] != '-' else None\n"
            "req = urllib.request.Request('http://127.0.0.1:8080/_control/' + sys.argv[1], data=data,\n"
            "    headers={'Content-Type': 'application/json'})\n"
            "print(urllib.request.urlopen(req, timeout=5).read().decode())\n"
        )
        payload = "-" if body is None else json.dumps(body)
        out = run(["docker", "exec", double, "python3", "-c", code, path, payload], quiet=True).stdout
        return json.loads(out)

    def double_stats(self) -> dict:
        """The Deezer double's counters: the keyless stack asks Deezer first."""
        return self.double_control("stats")["deezer"]

    def logs(self, container: str) -> str:
        result = run(["docker", "logs", container], quiet=True)
        return result.stdout + result.stderr

    def logs_tail(self, tail: int = 60) -> str:
        """The last lines of every container's log, for a failure report."""
        parts = []
        for cid in self.containers():
            name = self.inspect(cid)["Name"].lstrip("/")
            lines = self.logs(cid).splitlines()[-tail:]
            parts.append(f"----- logs of {name} (last {len(lines)} lines) -----\n" + "\n".join(lines))
        return "\n\n".join(parts)

    def build(self) -> None:
        self.run("build", stream=True)

    def up(self) -> None:
        # Leftovers of an interrupted run of this same test project only.
        self.run("down", "-v", "--remove-orphans", check=False)
        self.run("up", "-d", "--build", stream=True)

    def down(self) -> None:
        self.run("down", "-v", "--remove-orphans", check=False)

    def close(self) -> None:
        self._tmp.cleanup()


def http(method: str, url: str, *, body=None, token: str | None = None, timeout: float = 15):
    """(status, JSON body or raw bytes, Content-Type) of one request; an HTTP error is an answer too."""
    data = None if body is None else json.dumps(body).encode()
    headers = {"Accept": "application/json"}
    if data is not None:
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, raw, ctype = response.status, response.read(), response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        status, raw, ctype = exc.code, exc.read(), exc.headers.get("Content-Type", "")
    payload = json.loads(raw) if "json" in ctype and raw else raw
    return status, payload, ctype


def wait_http_ok(url: str, timeout: float = 90) -> None:
    last: list[object] = [None]

    def answers() -> bool:
        try:
            status, payload, _ = http("GET", url, timeout=3)
        except OSError as exc:  # URLError is an OSError: not listening yet
            last[0] = exc
            return False
        last[0] = (status, payload)
        return status == 200

    wait_until(
        answers,
        timeout=timeout,
        interval=0.5,
        message=lambda: f"{url} did not answer 200 (last: {last[0]!r})",
    )


def main(argv: list[str]) -> int:
    if argv != ["build"]:
        print(__doc__, file=sys.stderr)
        return 2
    stack = Stack.from_environment()
    try:
        log(f"compose: {' '.join(stack.compose)}; project {stack.project}; base image {stack.python_image}")
        stack.build()
    finally:
        stack.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
