"""Real service processes for tests: gunicorn on free ports, logs captured to files."""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

from tests.support.waiting import WaitTimeout, wait_until

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

# Real random secrets per run: processes run with DEBUG off and refuse weak ones, as deployed.
AUTH_SECRET_KEY = secrets.token_urlsafe(50)
MUSIC_SECRET_KEY = secrets.token_urlsafe(50)
SERVICE_TOKEN = secrets.token_urlsafe(32)

BASE_ENV = {
    "DJANGO_SECRET_KEY": AUTH_SECRET_KEY,
    "JWT_SIGNING_KEY": secrets.token_urlsafe(50),
    "MUSIC_SERVICE_TOKEN": SERVICE_TOKEN,
    "DJANGO_ALLOWED_HOSTS": "localhost,127.0.0.1",
    "THROTTLE_LOGIN": "10000/min",
    "THROTTLE_REGISTER": "10000/min",
    "LOG_LEVEL": "INFO",
}


def free_port() -> int:
    """Below the ephemeral range: a port from bind(0) can be taken by an outgoing connection first."""
    try:
        low, high = map(int, Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
    except (OSError, ValueError):
        low, high = 32768, 60999  # Linux's default
    for _ in range(500):
        port = secrets.choice(range(20000, 32768))
        if low <= port <= high:
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port found below the ephemeral range")


def http_ok(url: str, timeout: float = 1.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status == 200
    except OSError:
        return False


class ServiceProcess:
    """One service (gunicorn, or any command) started from its project folder."""

    def __init__(
        self, name: str, project: str, env: dict, log_dir: Path, *, port: int | None = None,
        command: list[str] | None = None, health_path: str | None = "/health",
    ):  # fmt: skip
        self.name = name
        self.cwd = ROOT / project
        self.port = port or free_port()
        # A None in ``env`` removes the variable.
        merged = {**os.environ, **BASE_ENV, **env}
        self.env = {k: str(v) for k, v in merged.items() if v is not None}
        self.env.pop("DJANGO_SETTINGS_MODULE", None)
        self.env["PYTHONUNBUFFERED"] = "1"
        self.log_path = log_dir / f"{name}.log"
        self.command = command or [str(BIN / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{self.port}"]
        self.health_path = health_path
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def service_auth(self) -> dict:
        """The header music_service asks of its callers (this process's MUSIC_SERVICE_TOKEN)."""
        token = self.env.get("MUSIC_SERVICE_TOKEN", "")
        return {"Authorization": f"Bearer {token}"} if token else {}

    def manage(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=self.cwd, env=self.env,
            capture_output=True, text=True, timeout=120, check=True,
        )  # fmt: skip

    def start(self, timeout: float = 30) -> ServiceProcess:
        with open(self.log_path, "ab") as log:  # the child keeps its own descriptor
            self.proc = subprocess.Popen(
                self.command, cwd=self.cwd, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        if self.health_path:

            def healthy() -> bool:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"{self.name} exited early:\n{self.logs()[-3000:]}")
                return http_ok(self.url + self.health_path)

            try:
                wait_until(healthy, timeout=timeout, message=f"{self.name} not healthy")
            except WaitTimeout as exc:
                self.stop()
                raise RuntimeError(f"{exc}:\n{self.logs()[-3000:]}") from None
        return self

    def _signal(self, sig: int) -> None:
        if self.proc and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, sig)

    def stop(self) -> None:
        self._signal(signal.SIGTERM)
        try:
            if self.proc:
                self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        """A crash, not a shutdown."""
        self._signal(signal.SIGKILL)
        if self.proc:
            self.proc.wait(timeout=5)

    def logs(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def __enter__(self) -> ServiceProcess:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def music_process(
    log_dir: Path, *, spotify=None, port: int | None = None, name: str = "music", **env
) -> ServiceProcess:
    """music_service on the Spotify double or the offline catalog alone: never the real Deezer/iTunes."""
    settings = {
        "DJANGO_SECRET_KEY": MUSIC_SECRET_KEY,
        "JWT_SIGNING_KEY": None,
        "MUSIC_PROVIDERS": "spotify" if spotify else "offline",
        **env,
    }
    if spotify is not None:
        settings.update(
            SPOTIFY_CLIENT_ID=spotify.client_id,
            SPOTIFY_CLIENT_SECRET=spotify.client_secret,
            SPOTIFY_API_URL=spotify.api_url,
            SPOTIFY_AUTH_URL=spotify.auth_url,
        )
    return ServiceProcess(name, "music_project", settings, log_dir, port=port)


def auth_process(
    log_dir: Path, *, database_url: str, music_url: str, name: str = "auth", **env
) -> ServiceProcess:
    """auth_service with its database migrated."""
    settings = {"DATABASE_URL": database_url, "MUSIC_SERVICE_URL": music_url, **env}
    service = ServiceProcess(name, "auth_project", settings, log_dir)
    service.manage("migrate", "--noinput", "-v", "0")
    return service


# What the runner shares with its auth_service.
_PASS = {
    "DATABASE_URL", "MUSIC_SERVICE_URL", "MUSIC_SERVICE_TOKEN", "METRICS_TOKEN", "DJANGO_SECRET_KEY",
    "JWT_SIGNING_KEY", "DJANGO_DEBUG", "REDIS_URL", "REDIS_KEY_PREFIX", "ENRICH_MAX_BACKOFF",
    "MUSIC_BREAKER_COOLDOWN",
}  # fmt: skip


def enrich_runner(auth: ServiceProcess, *, interval: float = 0.5) -> ServiceProcess:
    """The enrichment runner sharing an auth_service's database and settings."""
    return ServiceProcess(
        f"{auth.name}-enrich",
        "auth_project",
        {k: v for k, v in auth.env.items() if k in _PASS},
        auth.log_path.parent,
        command=[sys.executable, "manage.py", "enrich_pending", "--loop", "--interval", str(interval)],
        health_path=None,
    )
