"""The test infrastructure's own rules: every wait has a deadline, tools are found (never installed)
by tests, no test empties a shared Redis database."""

import configparser
import re
import time
from pathlib import Path

import pytest

from tests.support import tools
from tests.support.waiting import WaitTimeout, wait_until

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent


def _sources(*folders: Path):
    for folder in folders:
        yield from (path for path in folder.rglob("*.py") if "__pycache__" not in path.parts)


def test_wait_until_returns_the_first_truthy_value_lets_errors_through_and_gives_up_at_its_deadline():
    answers = iter([None, [], ["línea"]])
    assert wait_until(lambda: next(answers), timeout=5, interval=0.01, message="never") == ["línea"]
    with pytest.raises(ZeroDivisionError):  # the predicate's own error
        wait_until(lambda: 1 / 0, timeout=5, message="unused")
    calls = []
    started = time.monotonic()
    message = r"the note stayed pendiente \(gave up after 0\.\d s; timeout 0\.3 s\)"
    with pytest.raises(WaitTimeout, match=message):
        wait_until(
            lambda: calls.append(1), timeout=0.3, interval=0.05, message=lambda: "the note stayed pendiente"
        )
    assert 0.3 <= time.monotonic() - started < 2
    assert len(calls) >= 3  # it polled until the deadline, not once


def test_every_suite_has_a_global_timeout(request):
    assert float(request.config.getini("timeout")) > 0  # pytest-timeout is installed and on here
    for ini in sorted(TESTS.glob("*/pytest.ini")):
        parser = configparser.ConfigParser()
        parser.read(ini)
        assert 0 < float(parser["pytest"]["timeout"]) <= 300, ini


def test_a_missing_chromium_or_newman_fails_clearly_and_installs_nothing(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no chromium, no apt, no npm
    monkeypatch.setattr(tools, "NEWMAN", tmp_path / "node_modules" / ".bin" / "newman")
    for name, find in (("chromium", tools.find_chromium), ("newman", tools.find_newman)):
        with pytest.raises(
            tools.ToolUnavailable, match=rf"{name} is not installed.*install_test_tools\.py e2e"
        ):
            find()
    assert list(tmp_path.iterdir()) == []


def test_no_test_installs_a_tool_or_flushes_a_redis_database():
    installs = re.compile(r"apt" r"-get|np" r"m (install|i) ")
    flushes = re.compile(r"\.flush(db|all)\s*\(|[\"']flush(db|all)[\"']", re.IGNORECASE)  # calls, not prose
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in _sources(TESTS)
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if installs.search(line) or flushes.search(line)
    ]
    assert offenders == []


def test_tests_wait_only_through_wait_until():
    """A hand-written sleep loop has no deadline: waits go through tests/support/waiting.py."""
    allowed = {
        "tests/support/waiting.py",  # the one poll loop, with its deadline
        "tests/spotify_double/server.py",  # the double's simulated latency, not a wait
        "tests/keyless_double/server.py",  # the Deezer/iTunes double's simulated latency, not a wait
        "tests/spotify_double/test_contract.py",  # a token that expires in 0 s, then used (one sleep)
        "tests/swarm/test_swarm.py",  # fixed pauses around a rolling update; a 409 retried 10 times at most
    }
    sleepers = sorted(
        str(path.relative_to(ROOT)) for path in _sources(TESTS) if "time." + "sleep(" in path.read_text()
    )
    assert set(sleepers) <= allowed, sorted(set(sleepers) - allowed)
