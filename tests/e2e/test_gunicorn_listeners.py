"""How gunicorn listens: a socket per worker (SO_REUSEPORT), so keep-alive connections opened together
spread over the workers (read from /proc); a taken port still refuses to start; the start line names
the address and port."""

from __future__ import annotations

import contextlib
import http.client
import os
import socket
import subprocess
from pathlib import Path

import pytest

from tests.e2e.helpers import children, sqlite_auth
from tests.support.processes import ServiceProcess
from tests.support.waiting import wait_until

pytestmark = pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads Linux's /proc")
DEADLINE = 30  # seconds a refused start may take on a loaded machine (typically 1-2)
NOWHERE = "http://127.0.0.1:9"  # music is never called: only /health is asked


def _connections_per_worker(master: int, port: int) -> dict[int, int]:
    rows = [line.split() for line in Path("/proc/net/tcp").read_text().splitlines()[1:]]
    # The socket inodes of established connections to ``port``.
    established = {f[9] for f in rows if int(f[1].split(":")[1], 16) == port and f[3] == "01"}
    held = {}
    for pid in children(master):
        targets = []
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            with contextlib.suppress(OSError):
                targets.append(os.readlink(fd))
        held[pid] = sum(t.startswith("socket:[") and t[8:-1] in established for t in targets)
    return held


def _open_kept_alive(port: int, count: int) -> list[http.client.HTTPConnection]:
    """``count`` connections opened at once (as a proxy's pool does), a request on each, left open."""
    connections = [http.client.HTTPConnection("127.0.0.1", port, timeout=10) for _ in range(count)]
    for connection in connections:
        connection.connect()
    for connection in connections:
        connection.request("GET", "/health")
        response = connection.getresponse()
        response.read()
        assert response.status == 200 and response.getheader("Connection", "").lower() != "close"
    return connections


def assert_refused(auth: ServiceProcess, port: int) -> None:
    """An auth_service like ``auth`` started on ``port`` exits 1 within the deadline, naming the address."""
    service = ServiceProcess(
        f"auth-on-{port}", "auth_project", dict(auth.env), auth.log_path.parent, port=port, health_path=None
    )
    service.start()
    try:
        assert service.proc.wait(timeout=DEADLINE) == 1
    except subprocess.TimeoutExpired:
        service.stop()
        pytest.fail(f"gunicorn started on a taken port:\n{service.logs()[-2000:]}")
    assert f"127.0.0.1:{port} is already in use" in service.logs()


def test_connections_opened_together_spread_over_both_workers_and_a_taken_port_is_refused(tmp_path):
    with sqlite_auth(tmp_path, tmp_path, NOWHERE, WEB_CONCURRENCY="2") as auth:
        logs = auth.logs()
        assert f"Listening at: http://127.0.0.1:{auth.port} (" in logs and "Listening at:  (" not in logs, (
            logs
        )
        # Both workers booted (each has bound its socket) before any connection is opened.
        wait_until(lambda: len(children(auth.proc.pid)) == 2, timeout=DEADLINE, message="2 workers")
        connections = _open_kept_alive(auth.port, 16)
        try:
            held = _connections_per_worker(auth.proc.pid, auth.port)
        finally:
            for connection in connections:
                connection.close()
        # All 16 on one worker has odds of 2 in 65,536; on one shared socket the first to wake often took all.
        assert len(held) == 2 and sum(held.values()) == 16 and min(held.values()) >= 1, held

        assert_refused(auth, auth.port)  # a second server on the same port, though it asks for SO_REUSEPORT
        for connection in _open_kept_alive(auth.port, 8):  # the refused server took no connection
            connection.close()
        with socket.socket() as taken:  # a port any other listener holds
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            assert_refused(auth, taken.getsockname()[1])
