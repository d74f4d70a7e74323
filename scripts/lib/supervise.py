"""scripts/run's supervisor: music, auth and the enrichment runner, each restarted if it crashes.

Run by scripts/run (which prepares the venv, .env, database and static files first). Standard
library only. The rules:
- a service that exits before it is ready (bad secrets, port taken, ...) is not restarted: every
  service is stopped and the exit status is 1, with the service's own message above ours;
- a service that exits after it was ready is restarted, with a log line; the others keep serving.
  One that crashes again before it is ready, or more than MAX_RESTARTS times in RESTART_WINDOW
  seconds, stops everything as above (no restart loop);
- SIGINT/SIGTERM stop every service (SIGTERM to each process group, SIGKILL after a grace period).
Ready means: /health answers 200 (web services) or the runner wrote its heartbeat file.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from musica_kit.gunicorn_conf import bind_error  # the check gunicorn's start runs too

READY_TIMEOUT = float(os.environ.get("MUSICA_READY_TIMEOUT", "60"))
MAX_RESTARTS, RESTART_WINDOW = 5, 60.0
STOP_GRACE = 15.0


def log(message: str) -> None:
    print(f"==> {message}", file=sys.stderr, flush=True)


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    """Linux: the child gets SIGTERM if the supervisor itself is killed (no orphans)."""
    os.setsid()
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class Service:
    def __init__(
        self,
        name: str,
        cwd: Path,
        argv: list[str],
        *,
        url: str = "",
        heartbeat: Path | None = None,
        env: dict | None = None,
    ):
        self.name, self.cwd, self.argv, self.url, self.heartbeat = name, cwd, argv, url, heartbeat
        self.env = {**os.environ, **(env or {})}
        self.proc: subprocess.Popen | None = None
        self.ready = False
        self.started = 0.0
        self.restarts: list[float] = []

    def start(self) -> None:
        self.ready = False
        self.started = time.time()
        self.proc = subprocess.Popen(self.argv, cwd=self.cwd, env=self.env, preexec_fn=_die_with_parent)

    def is_ready(self) -> bool:
        if self.heartbeat is not None:
            with contextlib.suppress(OSError):
                return self.heartbeat.stat().st_mtime >= self.started - 1
            return False
        try:
            with urllib.request.urlopen(self.url, timeout=1) as response:  # noqa: S310 (local http)
                return response.status == 200
        except OSError:
            return False

    def signal_group(self, sig: int) -> None:
        """Signal the service's process group: its leader and whatever it forked (gunicorn workers)."""
        if self.proc:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.proc.pid, sig)


def describe(returncode: int) -> str:
    return f"signal {-returncode}" if returncode < 0 else f"exit code {returncode}"


class Supervisor:
    def __init__(self, services: list[Service]):
        self.services = services
        self.stopping = False

    def stop_all(self) -> None:
        for service in self.services:
            service.signal_group(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE
        for service in self.services:
            if service.proc is None:
                continue
            try:
                service.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log(f"{service.name} did not stop in {STOP_GRACE:.0f}s; killing it")
            service.signal_group(signal.SIGKILL)  # also stray workers left in its group
            with contextlib.suppress(subprocess.TimeoutExpired):
                service.proc.wait(timeout=5)

    def run(self, on_ready) -> int:
        def request_stop(*_):
            self.stopping = True

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        for service in self.services:
            service.start()
        announced = False
        try:
            while not self.stopping:
                if (failure := self.check()) is not None:
                    print(f"error: {failure}; stopping the other services", file=sys.stderr, flush=True)
                    return 1
                if not announced and all(s.ready for s in self.services):
                    announced = True
                    on_ready()
                time.sleep(0.2)
            log("stopping")
            return 0
        finally:
            self.stop_all()

    def check(self) -> str | None:
        """One supervision pass: None when all is well, else why everything must stop."""
        for service in self.services:
            returncode = service.proc.poll()
            if returncode is None:
                if not service.ready:
                    if service.is_ready():
                        service.ready = True
                    elif time.time() - service.started > READY_TIMEOUT:
                        return f"{service.name} was not ready within {READY_TIMEOUT:.0f}s"
                continue
            if self.stopping:
                return None
            if not service.ready:
                return f"{service.name} exited at start ({describe(returncode)}); not restarting it"
            now = time.monotonic()
            service.restarts = [t for t in service.restarts if now - t < RESTART_WINDOW] + [now]
            if len(service.restarts) > MAX_RESTARTS:
                return f"{service.name} crashed {MAX_RESTARTS}+ times in {RESTART_WINDOW:.0f}s"
            log(f"{service.name} exited unexpectedly ({describe(returncode)}); restarting it")
            service.signal_group(signal.SIGKILL)  # workers the dead master left behind hold its port
            service.start()
        return None


def music_state(url: str, token: str) -> tuple[str, str]:
    """For the banner: music's provider chain in order (its /health) and what its /ready answered."""
    chain = "?"
    with (
        contextlib.suppress(OSError, ValueError, KeyError, TypeError),
        urllib.request.urlopen(f"{url}/health", timeout=2) as answer,  # noqa: S310 (local http)
    ):
        chain = ", ".join(row["name"] for row in json.load(answer)["providers"])
    request = urllib.request.Request(f"{url}/ready", headers={"Authorization": f"Bearer {token}"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310 (local http)
            status, body = answer.status, answer.read()
    except urllib.error.HTTPError as exc:  # 503: no provider of the chain can answer now
        status, body = exc.code, exc.read()
    except OSError as exc:
        return chain, f"no answer ({type(exc).__name__})"
    with contextlib.suppress(ValueError, KeyError, TypeError):
        answer = json.loads(body)
        return chain, f"{status} {answer['status']}, answering from {answer['source']}"
    return chain, str(status)


def main() -> int:
    root = Path(os.environ["ROOT"])
    venv = Path(os.environ["VENV"])
    host = os.environ.get("HOST", "127.0.0.1")
    auth_port, music_port = int(os.environ["AUTH_PORT"]), int(os.environ["MUSIC_PORT"])
    for name, port in (("music_service", music_port), ("auth_service", auth_port)):
        if bind_error(host, port) is not None:
            print(
                f"error: port {port} on {host} is taken: {name} cannot start there "
                f"(set AUTH_PORT / MUSIC_PORT)",
                file=sys.stderr,
            )
            return 1
    state = Path(tempfile.mkdtemp(prefix="musica-run-"))
    heartbeat = state / "enrich-heartbeat"
    os.environ["ENRICH_HEARTBEAT_FILE"] = str(heartbeat)
    gunicorn = str(venv / "bin" / "gunicorn")
    services = [
        Service(
            "music_service",
            root / "music_project",
            [gunicorn, "config.wsgi", "--bind", f"{host}:{music_port}"],
            url=f"http://127.0.0.1:{music_port}/health",
            # music has its own Django secret: auth's key never reaches it (nor its JWT key).
            env={"DJANGO_SECRET_KEY": os.environ.get("MUSIC_DJANGO_SECRET_KEY", ""), "JWT_SIGNING_KEY": ""},
        ),
        Service(
            "auth_service",
            root / "auth_project",
            [gunicorn, "config.wsgi", "--bind", f"{host}:{auth_port}"],
            url=f"http://127.0.0.1:{auth_port}/health",
        ),
        Service(
            "enrich_runner",
            root / "auth_project",
            [str(venv / "bin" / "python"), "manage.py", "enrich_pending", "--loop"],
            heartbeat=heartbeat,
        ),
    ]

    def on_ready() -> None:
        token = os.environ.get("MUSIC_SERVICE_TOKEN", "")
        chain, ready = music_state(f"http://127.0.0.1:{music_port}", token)
        banner = os.environ.get("MUSICA_BANNER", "")
        print(banner.replace("{chain}", chain).replace("{ready}", ready), flush=True)

    try:
        return Supervisor(services).run(on_ready)
    finally:
        shutil.rmtree(state, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
