"""The Swarm stack, deployed once per session under its own name (MUSICA_SWARM_STACK, default
musica-swarm-test) and removed at the end with everything it created; MUSICA_TEST_KEEP=1
(scripts/test-swarm --keep) leaves it running. A failed test's report carries the services' logs."""

from __future__ import annotations

import json
import os
import sys
import time

import pytest

from tests.support.containers import User, log, wait_http_ok
from tests.swarm.swarm import ROOT, Stack

SERVICES = ("postgres", "redis", "spotify-double", "music", "auth", "runner", "proxy")
REPLICAS = {"music": 3, "auth": 2}
_stacks: list[Stack] = []
# The rolling updates' figures (test_swarm.py writes them), printed at the end of the run.
FIGURES = ROOT / "test-artifacts" / "swarm-rolling-updates.json"
_SESSION_STARTED = time.time()


@pytest.fixture(scope="session")
def stack():
    name = os.environ.get("MUSICA_SWARM_STACK", "musica-swarm-test")
    stack = Stack(name, os.environ.get("MUSICA_TAG", "swarmtest"))
    _stacks.append(stack)
    try:
        stack.ensure_swarm()
        stack.create_secrets()
        stack.deploy()
        for service in SERVICES:
            stack.wait_healthy(service, REPLICAS.get(service, 1))
        wait_http_ok(f"{stack.base_url}/health", timeout=180, verify=str(stack.ca))
        log(f"stack {stack.name} up: {stack.base_url}")
        yield stack
    finally:
        _stacks.remove(stack)
        if os.environ.get("MUSICA_TEST_KEEP") == "1":
            log(f"the stack stays up: docker stack rm {stack.name} (then its secrets and volumes)")
        else:
            stack.remove()


@pytest.fixture(scope="session")
def user(stack):
    return User(stack, "swarm")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.failed and _stacks:
        try:
            for service in SERVICES:
                lines = _stacks[-1].logs(service).splitlines()[-30:]
                report.sections.append((f"logs of {service}", "\n".join(lines)))
                report.sections.append((f"tasks of {service}", _stacks[-1].ps(service)))
        except Exception as exc:  # the report must not fail because the logs could not be read
            print(f"could not read the service logs: {exc}", file=sys.stderr)
    return report


def pytest_terminal_summary(terminalreporter):
    if FIGURES.exists() and FIGURES.stat().st_mtime >= _SESSION_STARTED:
        terminalreporter.section("measured figures")
        for figures in json.loads(FIGURES.read_text()):
            terminalreporter.write_line(str(figures))
