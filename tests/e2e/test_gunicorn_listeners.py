"""How auth_service's gunicorn listens (musica_kit.gunicorn_conf): a socket per worker (SO_REUSEPORT),
so keep-alive connections opened together spread over the workers instead of all landing on the
worker that woke first; a port another server already listens on still refuses to start; and the
start line names the address and port, though the master binds no socket.

Real processes: auth's gunicorn with 2 workers; which worker holds a connection is read from /proc
(each worker's socket descriptors against the kernel's table of established TCP connections).
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
from pathlib import Path

import pytest

from tests.support.processes import ServiceProcess, auth_process, music_process
from tests.support.waiting import wait_until

pytestmark = pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads Linux's /proc")

DEADLINE = 30  # seconds a refused start may take on a loaded machine (typically 1-2)


def _workers(master: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                children.append(int(entry.name))
    return children


def _established_inodes(port: int) -> set[str]:
    """Socket inodes of established IPv4 TCP connections whose local port is ``port``."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].split(":")[1], 16) == port and fields[3] == "01":
            inodes.add(fields[9])
    return inodes


def _connections_per_worker(master: int, port: int) -> dict[int, int]:
    established = _established_inodes(port)
    held = {}
    for pid in _workers(master):
        count = 0
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:[") and target[8:-1] in established:
                count += 1
        held[pid] = count
    return held


@pytest.fixture
def auth(tmp_path):
    service = auth_process(
        tmp_path,
        database_url=f"sqlite:///{tmp_path / 'notas.db'}",
        music_url="http://127.0.0.1:9",  # never called: only /health is asked
        WEB_CONCURRENCY="2",
    )
    with service:
        # Both workers booted (each has bound its socket) before any connection is opened.
        wait_until(lambda: len(_workers(service.proc.pid)) == 2, timeout=DEADLINE, message="2 workers")
        yield service


def _open_kept_alive(port: int, count: int) -> list[http.client.HTTPConnection]:
    """``count`` connections opened at once (as a benchmark or a proxy's pool does), then one request
    on each, left open (keep-alive)."""
    connections = [http.client.HTTPConnection("127.0.0.1", port, timeout=10) for _ in range(count)]
    for connection in connections:
        connection.connect()
    for connection in connections:
        connection.request("GET", "/health")
        response = connection.getresponse()
        response.read()
        assert response.status == 200 and response.getheader("Connection", "").lower() != "close"
    return connections


def test_keep_alive_connections_opened_together_spread_over_both_workers(auth):
    connections = _open_kept_alive(auth.port, 16)
    try:
        held = _connections_per_worker(auth.proc.pid, auth.port)
    finally:
        for connection in connections:
            connection.close()
    assert len(held) == 2 and sum(held.values()) == 16, held
    # The kernel hashes each connection to a worker's socket: all 16 on one worker has odds of
    # 2 in 65,536. On one shared socket, the worker that woke first often took every one.
    assert min(held.values()) >= 1, held


def _assert_refused(service: ServiceProcess, port: int) -> None:
    """``service`` exits 1 within the deadline, naming the taken address."""
    service.start()
    try:
        assert service.proc.wait(timeout=DEADLINE) == 1
    except subprocess.TimeoutExpired:
        service.stop()
        pytest.fail(f"gunicorn started on a taken port:\n{service.logs()[-2000:]}")
    assert f"127.0.0.1:{port} is already in use" in service.logs()


def test_a_second_server_on_the_same_port_refuses_to_start_and_the_first_keeps_serving(auth, tmp_path):
    second = ServiceProcess(
        "auth-second", "auth_project", dict(auth.env), tmp_path, port=auth.port, health_path=None
    )
    _assert_refused(second, auth.port)
    # No connection was taken by the refused server.
    for connection in _open_kept_alive(auth.port, 8):
        connection.close()


def test_a_port_taken_by_any_listener_refuses_to_start(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        service = auth_process(
            tmp_path,
            database_url=f"sqlite:///{tmp_path / 'notas.db'}",
            music_url="http://127.0.0.1:9",
        )
        refused = ServiceProcess(
            "auth-refused", "auth_project", dict(service.env), tmp_path, port=port, health_path=None
        )
        _assert_refused(refused, port)


def test_the_start_line_names_the_address_and_port(tmp_path):
    with music_process(tmp_path) as music:
        logs = music.logs()
    assert f"Listening at: http://127.0.0.1:{music.port} (" in logs, logs[:2000]
    assert "Listening at:  (" not in logs
