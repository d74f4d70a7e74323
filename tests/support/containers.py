"""Shared by tests/docker and tests/swarm: docker commands, containers' state, HTTP from the host."""

import json
import secrets
import shlex
import subprocess
import sys

import requests

from tests.support.waiting import wait_until

PASSWORD = "Canciones-2026-stack"


class CommandFailed(AssertionError):
    """An AssertionError, so a failed command is reported as a test failure."""


def log(message: str) -> None:
    print(f"[stack] {message}", file=sys.stderr, flush=True)


def run(cmd: list[str], *, check=True, env=None, timeout: float = 120, quiet=False, stream=False):
    """``stream`` shows the output as it goes (long builds) instead of capturing it."""
    if not quiet:
        log("$ " + shlex.join(cmd))
    output = {"stdout": sys.stderr} if stream else {"capture_output": True}
    result = subprocess.run(cmd, text=True, env=env, timeout=timeout, **output)
    if check and result.returncode != 0:
        raise CommandFailed(
            f"command failed ({result.returncode}): {shlex.join(cmd)}\n"
            f"--- stdout ---\n{(result.stdout or '')[-4000:]}\n"
            f"--- stderr ---\n{(result.stderr or '')[-4000:]}"
        )
    return result


def docker(*args: str, check: bool = True) -> str:
    """The output of a short docker command (ps, inspect, exec, ...), not logged."""
    return run(["docker", *args], check=check, quiet=True).stdout


def containers(*labels: str, stopped: bool = False) -> list[str]:
    filters = [part for label in labels for part in ("--filter", f"label={label}")]
    return docker("ps", "-aq" if stopped else "-q", "--no-trunc", *filters).split()


def inspect(container: str) -> dict:
    return json.loads(docker("inspect", container))[0]


def health(container: str) -> str:
    state = inspect(container)["State"]
    return (state.get("Health") or {}).get("Status", state["Status"])


def logs(container: str) -> str:
    result = run(["docker", "logs", container], check=False, quiet=True)
    return result.stdout + result.stderr


def searches(container: str) -> int:
    """How many /search requests a music container's log records."""
    return sum('"path": "/search' in line or "GET /search" in line for line in logs(container).splitlines())


def wait_healthy(labels: list[str], count: int, *, timeout: float, details=lambda: "") -> list[str]:
    seen: list[str] = []

    def ready() -> list[str] | None:
        seen[:] = [cid for cid in containers(*labels) if health(cid) in ("healthy", "running")]
        return list(seen) if len(seen) == count else None

    return wait_until(
        ready,
        timeout=timeout,
        interval=2,
        message=lambda: f"{labels[-1]}: wanted {count} healthy, saw {len(seen)}\n{details()}",
    )


def http(method: str, url: str, *, body=None, token=None, headers=None, timeout: float = 15, verify=True):
    """(status, JSON body or raw bytes, headers), over a new connection each time (as a new client)."""
    headers = {"Accept": "application/json", **(headers or {})}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    answer = requests.request(method, url, json=body, headers=headers, timeout=timeout, verify=verify)
    is_json = "json" in answer.headers.get("Content-Type", "") and answer.content
    return answer.status_code, answer.json() if is_json else answer.content, answer.headers


def fetch_inside(container: str, url: str, body: dict | None = None) -> dict:
    """The JSON ``url`` answers when asked from inside ``container`` (for what is not published):
    GET, or a POST of ``body``."""
    code = (
        "import sys, urllib.request\n"
        "data = sys.argv[2].encode() if sys.argv[2] != '-' else None\n"
        "req = urllib.request.Request(sys.argv[1], data=data, headers={'Content-Type': 'application/json'})\n"
        "print(urllib.request.urlopen(req, timeout=10).read().decode())\n"
    )
    payload = "-" if body is None else json.dumps(body)
    return json.loads(docker("exec", container, "python3", "-c", code, url, payload))


def wait_http_ok(url: str, *, timeout: float, verify=True) -> None:
    last: list[object] = [None]

    def answers() -> bool:
        try:
            status, payload, _ = http("GET", url, timeout=5, verify=verify)
        except OSError as exc:  # requests' errors are OSErrors: not listening yet
            last[0] = exc
            return False
        last[0] = (status, payload)
        return status == 200

    wait_until(answers, timeout=timeout, interval=1, message=lambda: f"{url} did not answer 200: {last[0]!r}")


class User:
    """A user registered and logged in through ``stack.http``; counts the notes it saved."""

    def __init__(self, stack, prefix: str):
        self.stack = stack
        self.username = f"{prefix}{secrets.token_hex(4)}"
        self.credentials = {"username": self.username, "password": PASSWORD}
        self.notes_created = 0
        status, body, _ = stack.http("POST", "/register", body=self.credentials)
        assert status == 201 and body.get("username") == self.username, f"POST /register: {status} {body!r}"
        self.login()

    def login(self) -> None:
        status, body, _ = self.stack.http("POST", "/login", body=self.credentials)
        assert status == 200 and "access" in body and "refresh" in body, f"POST /login: {status} {body!r}"
        self.token = body["access"]

    def note_count(self) -> int:
        status, body, _ = self.stack.http("GET", "/notas", token=self.token)
        assert status == 200 and "results" in body, f"GET /notas: {status} {body!r}"
        return body["count"]

    def create_note(self, song: str) -> dict:
        note = {"cancion": song, "texto": "desde el contenedor"}
        status, body, _ = self.stack.http("POST", "/notas", token=self.token, body=note)
        assert status == 201 and body.get("mensaje") == "Guardado con éxito", (
            f"POST /notas {song!r}: {status} {body!r}"
        )
        self.notes_created += 1
        return body["nota"]
