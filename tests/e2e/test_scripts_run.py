"""scripts/run as a user runs it (a temporary copy of the repository, free ports): supervision,
start-up failures, Ctrl-C and file permissions."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import stat
import subprocess
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.helpers import children
from tests.support.http import Api
from tests.support.processes import free_port
from tests.support.repo_copy import copy_repo, script_env
from tests.support.waiting import wait_until

START_TIMEOUT = 180  # venv check + migrate + collectstatic + three processes, on a busy machine


def http_status(url: str, timeout: float = 2.0) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return None


def descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        new = [child for child in children(todo.pop()) if child not in found]
        found.update(new)
        todo += new
    return found


def cmdline(pid: int) -> str:
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    return ""


def alive(pid: int) -> bool:
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    return False


class Run:
    """scripts/run started from a temporary copy of the repository, one small worker per service."""

    def __init__(self, tmp_path: Path):
        self.repo = copy_repo(tmp_path / "repo")
        self.auth_port, self.music_port = free_port(), free_port()
        self.auth_url, self.music_url = (
            f"http://127.0.0.1:{port}" for port in (self.auth_port, self.music_port)
        )
        ports = {"AUTH_PORT": str(self.auth_port), "MUSIC_PORT": str(self.music_port)}
        self.env = script_env(**ports, WEB_CONCURRENCY="1", GUNICORN_THREADS="2")
        self.log_path = tmp_path / "run.log"

    def start(self) -> Run:
        self.log = self.log_path.open("w")
        self.proc = subprocess.Popen(
            ["bash", str(self.repo / "scripts" / "run")], cwd=self.repo, env=self.env, stdout=self.log,
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        return self

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def service_pid(self, marker: str) -> int:
        """The supervisor's child whose command line contains ``marker``."""
        matches = [pid for pid in children(self.proc.pid) if marker in cmdline(pid)]
        assert len(matches) == 1, f"children matching {marker!r}: {matches}"
        return matches[0]

    def kill(self) -> None:
        for pid in {self.proc.pid, *descendants(self.proc.pid)}:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=10)
        self.log.close()


@pytest.fixture(scope="module")
def running(tmp_path_factory):
    run = Run(tmp_path_factory.mktemp("scripts-run")).start()

    def up():
        assert run.proc.poll() is None, f"scripts/run exited ({run.proc.returncode}):\n{run.output()}"
        return "Ctrl-C stops everything" in run.output()

    try:
        wait_until(
            up, timeout=START_TIMEOUT, interval=0.3, message="scripts/run never reported every service up"
        )
        assert http_status(f"{run.auth_url}/health") == http_status(f"{run.music_url}/health") == 200
        yield run
    finally:
        run.kill()


def test_files_are_owner_only_and_music_gets_its_own_django_key(running):
    user = Api(running.auth_url).register_and_login("permisos")
    assert user.get("/notas").status_code == 200  # the database is open: -wal and -shm exist
    files = [running.repo / ".env", *(running.repo / "auth_project").glob("notas.db*")]
    modes = {f.name: oct(stat.S_IMODE(f.stat().st_mode)) for f in files}
    assert modes == dict.fromkeys([".env", "notas.db", "notas.db-wal", "notas.db-shm"], "0o600"), modes

    lines = (running.repo / ".env").read_text().splitlines()
    keys = dict(line.split("=", 1) for line in lines if "=" in line and not line.startswith("#"))
    assert len(keys["MUSIC_DJANGO_SECRET_KEY"]) >= 50
    assert keys["MUSIC_DJANGO_SECRET_KEY"] != keys["DJANGO_SECRET_KEY"]
    music = running.service_pid(f":{running.music_port}")
    environ = Path(f"/proc/{music}/environ").read_bytes().split(b"\0")
    assert f"DJANGO_SECRET_KEY={keys['MUSIC_DJANGO_SECRET_KEY']}".encode() in environ
    assert not any(keys["DJANGO_SECRET_KEY"].encode() in item for item in environ)


def test_the_banner_names_musics_chain_and_neither_the_start_nor_the_first_pages_log_a_warning(running):
    """Not at start (whitenoise probing the manifest once printed 46 lines), nor while pages render."""
    output = running.output()
    # No keys in this run's environment: the default chain; a keyless provider is ready until it fails.
    assert re.search(r"providers: +deezer, itunes, offline +\(MUSIC_PROVIDERS; no internet", output), output
    assert re.search(r"/ready: +200 ok, answering from deezer\n", output), output
    anonymous, user = Api(running.auth_url), Api(running.auth_url).register_and_login("sin_avisos")
    for path, api in (("/admin/login/", anonymous), ("/notas", user), ("/api/docs", anonymous)):
        page = api.get(path, headers={"Accept": "text/html"})
        assert page.status_code == 200 and "text/html" in page.headers["Content-Type"], path
        css = re.findall(r'href="(/static/[^"]+\.css)"', page.text)  # hashed (collected) files, served
        assert css and all(http_status(running.auth_url + href) == 200 for href in css), (path, css)
    wait_until(lambda: '"path": "/api/docs"' in running.output(), timeout=10, message="no access line")
    # From the start on: pip's notes when the venv is (re)installed depend on the machine.
    output = running.output().split("==> preparing the database and static files", 1)[1]
    warnings = [line for line in output.splitlines() if "WARNING" in line]
    assert not warnings, "\n".join(warnings[:10])


@pytest.mark.parametrize("service", ["music_service", "enrich_runner", "auth_service"])
def test_a_killed_service_comes_back_while_the_others_keep_serving(running, service):
    urls = {"music_service": running.music_url, "auth_service": running.auth_url}
    marker = f":{urls[service].rsplit(':', 1)[1]}" if service in urls else "enrich_pending"
    others = [url for name, url in urls.items() if name != service]
    victim = running.service_pid(marker)
    os.kill(victim, signal.SIGKILL)

    def restarted() -> bool:
        for url in others:  # the services that were not killed answer all along
            assert http_status(f"{url}/health") == 200, f"{url} stopped answering after {service} was killed"
        assert running.proc.poll() is None, f"scripts/run exited:\n{running.output()}"
        with contextlib.suppress(AssertionError):
            return running.service_pid(marker) != victim
        return False

    wait_until(
        restarted, timeout=60, interval=0.3, message=lambda: f"{service} not restarted:\n{running.output()}"
    )
    assert f"{service} exited unexpectedly (signal 9); restarting it" in running.output()
    if service in urls:
        wait_until(lambda: http_status(f"{urls[service]}/health") == 200, timeout=60, message=service)
    user = Api(running.auth_url).register_and_login(f"vuelta_{service}")  # the whole flow works again
    assert user.post("/notas", json={"cancion": "Bohemian Rhapsody"}).status_code == 201


def test_ctrl_c_stops_every_process(running):
    pids = descendants(running.proc.pid)
    assert len(pids) >= 4, pids  # music and auth masters + workers, the runner
    running.proc.send_signal(signal.SIGINT)
    assert running.proc.wait(timeout=40) == 0, running.output()
    wait_until(lambda: not [p for p in pids if alive(p)], timeout=10, message="a child outlived scripts/run")
    for port in (running.auth_port, running.music_port):
        assert http_status(f"http://127.0.0.1:{port}/health", timeout=1) is None


def test_a_taken_port_stops_scripts_run_with_its_message(tmp_path):
    run = Run(tmp_path)
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", run.music_port))
        squatter.listen()
        try:
            returncode = run.start().proc.wait(timeout=START_TIMEOUT)
            output = run.output()
        finally:
            run.kill()
    assert returncode != 0 and f"port {run.music_port}" in output and "is taken" in output, output
    assert "restarting" not in output, output
    assert http_status(f"{run.auth_url}/health", timeout=1) is None  # auth was not left running
