"""scripts/run as a user runs it: supervision, start-up failures, Ctrl-C and file permissions.

Each run works in a temporary copy of the repository (reusing this checkout's .venv through VENV),
on free ports, so nothing here changes the repository or the machine: the copy gets its own .env,
notas.db and static files. Every process is killed in teardown.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import re
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.support.http import Api
from tests.support.processes import free_port
from tests.support.repo_copy import copy_repo, script_env
from tests.support.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 180  # venv check + migrate + collectstatic + three processes, on a busy machine


def http_status(url: str, timeout: float = 2.0) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return None


def wait_for(predicate, timeout: float, what: str, interval: float = 0.3):
    return wait_until(predicate, timeout=timeout, interval=interval, message=f"waiting for {what}")


def proc_children(pid: int) -> list[int]:
    try:
        tasks = Path(f"/proc/{pid}/task").iterdir()
        return [int(c) for task in tasks for c in (task / "children").read_text().split()]
    except OSError:
        return []


def descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        for child in proc_children(todo.pop()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


class Run:
    """scripts/run started from a temporary copy of the repository."""

    def __init__(self, tmp_path: Path):
        self.repo = copy_repo(tmp_path / "repo")
        self.auth_port, self.music_port = free_port(), free_port()
        self.env = script_env()
        self.env.update(
            AUTH_PORT=str(self.auth_port),
            MUSIC_PORT=str(self.music_port),
            # One small worker each: the machine is shared.
            WEB_CONCURRENCY="1",
            GUNICORN_THREADS="2",
        )
        self.log_path = tmp_path / "run.log"
        self.proc: subprocess.Popen | None = None

    @property
    def auth_url(self) -> str:
        return f"http://127.0.0.1:{self.auth_port}"

    @property
    def music_url(self) -> str:
        return f"http://127.0.0.1:{self.music_port}"

    def start(self) -> Run:
        self.log = self.log_path.open("w")
        self.proc = subprocess.Popen(
            ["bash", str(self.repo / "scripts" / "run")],
            cwd=self.repo,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_up(self) -> None:
        def up():
            if self.proc.poll() is not None:
                raise AssertionError(f"scripts/run exited ({self.proc.returncode}):\n{self.output()}")
            return "Ctrl-C stops everything" in self.output()

        wait_for(up, START_TIMEOUT, "scripts/run to report every service up")
        assert http_status(f"{self.auth_url}/health") == 200
        assert http_status(f"{self.music_url}/health") == 200

    def service_pid(self, marker: str) -> int:
        """The supervisor's child whose command line contains ``marker``."""
        matches = [pid for pid in proc_children(self.proc.pid) if marker in cmdline(pid)]
        assert len(matches) == 1, f"children matching {marker!r}: {matches}"
        return matches[0]

    def kill(self) -> None:
        if self.proc is None:
            return
        pids = descendants(self.proc.pid) | {self.proc.pid}
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        for pid in pids:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=10)
        self.log.close()


@pytest.fixture(scope="module")
def running(tmp_path_factory):
    run = Run(tmp_path_factory.mktemp("scripts-run")).start()
    try:
        run.wait_up()
        yield run
    finally:
        run.kill()


def test_database_wal_files_and_env_are_owner_only(running):
    user = Api(running.auth_url).register_and_login("permisos")
    assert user.get("/notas").status_code == 200  # the database is open: -wal and -shm exist
    files = [
        running.repo / ".env",
        running.repo / "auth_project" / "notas.db",
        running.repo / "auth_project" / "notas.db-wal",
        running.repo / "auth_project" / "notas.db-shm",
    ]
    modes = {f.name: oct(stat.S_IMODE(f.stat().st_mode)) for f in files}
    assert modes == dict.fromkeys(modes, "0o600"), modes


def test_music_gets_its_own_django_key(running):
    env_lines = (running.repo / ".env").read_text().splitlines()
    keys = dict(line.split("=", 1) for line in env_lines if "=" in line and not line.startswith("#"))
    assert len(keys["MUSIC_DJANGO_SECRET_KEY"]) >= 50
    assert keys["MUSIC_DJANGO_SECRET_KEY"] != keys["DJANGO_SECRET_KEY"]
    music = running.service_pid(f":{running.music_port}")
    environ = Path(f"/proc/{music}/environ").read_bytes().split(b"\0")
    assert f"DJANGO_SECRET_KEY={keys['MUSIC_DJANGO_SECRET_KEY']}".encode() in environ
    assert not any(keys["DJANGO_SECRET_KEY"].encode() in item for item in environ)


def test_a_start_and_the_first_pages_log_no_warning(running):
    """scripts/run's output (it carries both services' logs) has no WARNING line: not at start (it
    printed 46 "static file not collected" lines, whitenoise probing the manifest), nor while the
    admin's login page and the browsable API render with their static files."""
    user = Api(running.auth_url).register_and_login("sin_avisos")
    html = {"Accept": "text/html"}
    pages = {
        "/admin/login/": Api(running.auth_url).get("/admin/login/", headers=html),
        "/notas": user.get("/notas", headers=html),
        "/api/docs": Api(running.auth_url).get("/api/docs", headers=html),
    }
    for path, page in pages.items():
        assert page.status_code == 200 and "text/html" in page.headers["Content-Type"], path
        # The pages name hashed (collected) files, and those are served.
        css = re.findall(r'href="(/static/[^"]+\.css)"', page.text)
        assert css, f"{path} links no stylesheet"
        for href in css:
            assert http_status(running.auth_url + href) == 200, href
    # The access log lines of those requests (the last page asked for is /api/docs).
    wait_for(lambda: '"path": "/api/docs"' in running.output(), 10, "the access log line of /api/docs")
    # From the start on: pip's own notes when scripts/run (re)installs the venv depend on the
    # machine's pip configuration, not on this project.
    output = running.output().split("==> preparing the database and static files", 1)[1]
    warnings = [line for line in output.splitlines() if "WARNING" in line]
    assert not warnings, "\n".join(warnings[:10])


def test_the_banner_says_musics_provider_chain_and_what_its_ready_answered(running):
    output = running.output()
    # No keys in this run's environment: the default chain; a keyless provider is ready until it fails.
    assert re.search(r"providers: +deezer, itunes, offline +\(MUSIC_PROVIDERS; no internet", output), output
    assert re.search(r"/ready: +200 ok, answering from deezer\n", output), output


def test_the_banner_says_so_when_music_does_not_answer():
    chain, ready = _supervise_module().music_state(f"http://127.0.0.1:{free_port()}", "token")
    assert (chain, ready) == ("?", "no answer (URLError)")


@pytest.mark.parametrize(
    ("service", "marker"),
    [("music_service", "music"), ("enrich_runner", "enrich_pending"), ("auth_service", "auth")],
)
def test_a_killed_service_comes_back_while_the_others_keep_serving(running, service, marker):
    marker = {"music": f":{running.music_port}", "auth": f":{running.auth_port}"}.get(marker, marker)
    victim = running.service_pid(marker)
    others = {
        "music_service": [running.auth_url],
        "auth_service": [running.music_url],
        "enrich_runner": [running.auth_url, running.music_url],
    }[service]
    os.kill(victim, signal.SIGKILL)

    def restarted() -> bool:
        # The services that were not killed answer all along.
        for url in others:
            assert http_status(f"{url}/health") == 200, f"{url} stopped answering after {service} was killed"
        assert running.proc.poll() is None, f"scripts/run exited:\n{running.output()}"
        with contextlib.suppress(AssertionError):
            return running.service_pid(marker) != victim
        return False

    wait_until(
        restarted,
        timeout=60,
        interval=0.3,
        message=lambda: f"{service} was not restarted:\n{running.output()}",
    )
    assert f"{service} exited unexpectedly (signal 9); restarting it" in running.output()
    if service != "enrich_runner":
        url = running.music_url if service == "music_service" else running.auth_url
        wait_for(lambda: http_status(f"{url}/health") == 200, 60, f"{service} to answer again")
    # The whole flow works again: auth reaches music.
    user = Api(running.auth_url).register_and_login(f"vuelta_{service}")
    created = user.post("/notas", json={"cancion": "Bohemian Rhapsody", "texto": "otra vez"})
    assert created.status_code == 201, created.text


def test_ctrl_c_stops_every_process(running):
    pids = descendants(running.proc.pid)
    assert len(pids) >= 4, pids  # music and auth masters + workers, the runner
    running.proc.send_signal(signal.SIGINT)
    assert running.proc.wait(timeout=40) == 0, running.output()
    wait_for(lambda: not [p for p in pids if alive(p)], 10, "every child to exit")
    for port in (running.auth_port, running.music_port):
        assert http_status(f"http://127.0.0.1:{port}/health", timeout=1) is None


def test_a_taken_port_stops_scripts_run_with_its_message(tmp_path):
    run = Run(tmp_path)
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", run.music_port))
        squatter.listen()
        try:
            run.start()
            returncode = run.proc.wait(timeout=START_TIMEOUT)
            output = run.output()
        finally:
            run.kill()
    assert returncode != 0, output
    assert f"port {run.music_port}" in output and "is taken" in output, output
    assert "restarting" not in output, output
    assert http_status(f"{run.auth_url}/health", timeout=1) is None  # auth was not left running


def _supervise_module():
    spec = importlib.util.spec_from_file_location("supervise", ROOT / "scripts" / "lib" / "supervise.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_service_that_exits_at_start_is_not_restarted(tmp_path, capfd):
    """Bad secrets and the like: the process dies before it is ready; no restart loop."""
    supervise = _supervise_module()
    starts = tmp_path / "starts"
    refusing = supervise.Service(
        "refusing",
        tmp_path,
        [
            sys.executable,
            "-c",
            "import sys; open('starts', 'a').write('x'); "
            "print('error: DJANGO_SECRET_KEY is a placeholder', file=sys.stderr); sys.exit(3)",
        ],
        url=f"http://127.0.0.1:{free_port()}/health",
    )
    healthy = supervise.Service(
        "healthy",
        tmp_path,
        [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", str(free_port())],
        url="http://127.0.0.1:1/never",
    )
    started = time.monotonic()
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        assert supervise.Supervisor([refusing, healthy]).run(on_ready=lambda: None) == 1
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    assert time.monotonic() - started < 30
    assert starts.read_text() == "x"  # started once
    assert healthy.proc.poll() is not None  # and the other service was stopped
    err = capfd.readouterr().err
    assert "DJANGO_SECRET_KEY is a placeholder" in err
    assert "refusing exited at start (exit code 3); not restarting it" in err
