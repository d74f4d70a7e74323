"""The compose stack, up once per session (`up -d --build`, every service healthy) and `down -v` at the
end, also when a test fails; MUSICA_TEST_KEEP=1 (scripts/test-docker --keep) leaves it running.
A failed test's report carries the tail of every container's log."""

from __future__ import annotations

import os
import sys

import pytest

from tests.docker.stack import Stack
from tests.support.containers import User, log, wait_http_ok

_stacks: list[Stack] = []


@pytest.fixture(scope="session")
def stack():
    stack = Stack()
    _stacks.append(stack)
    log(f"compose: {' '.join(stack.compose)}; project {stack.project}; auth on {stack.base_url}")
    try:
        stack.up()
        for service in ("keyless-double", "music_service", "auth_service"):
            stack.wait_healthy(service, 1)
        wait_http_ok(f"{stack.base_url}/health", timeout=90)
        yield stack
    finally:
        _stacks.remove(stack)
        if os.environ.get("MUSICA_TEST_KEEP") == "1":
            log(f"the stack stays up; remove it with: {' '.join(stack.cmd('down', '-v'))}")
        else:
            stack.down()
        stack.close()


@pytest.fixture(scope="session")
def account(stack):
    """A user registered and logged in through localhost:$AUTH_PORT."""
    return User(stack, "docker")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.failed and _stacks:
        try:
            report.sections.append(("container logs", _stacks[-1].logs_tail()))
        except Exception as exc:  # the report must not fail because the logs could not be read
            print(f"could not read the container logs: {exc}", file=sys.stderr)
    return report
