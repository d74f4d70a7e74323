"""Both services as real gunicorn processes on free ports, music pointed at the Spotify double."""

import json
import uuid
from pathlib import Path

import pytest

from tests.e2e.helpers import sqlite_auth
from tests.spotify_double.server import SpotifyDouble
from tests.support.http import Api
from tests.support.processes import music_process


@pytest.fixture(scope="session")
def log_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("logs")


@pytest.fixture(scope="session")
def spotify():
    with SpotifyDouble().start() as double:
        yield double


@pytest.fixture(autouse=True)
def _fresh_double(spotify):
    spotify.reset()


@pytest.fixture
def double():
    """A Spotify double of the test's own that knows every song."""
    with SpotifyDouble(synthesize=True).start() as server:
        yield server


@pytest.fixture(scope="session")
def music(log_dir, spotify):
    with music_process(log_dir, spotify=spotify) as service:
        yield service


@pytest.fixture(scope="session")
def auth(log_dir, tmp_path_factory, music):
    # NOTES_WRITE_RATE=off: one user here writes far more than 30 notes a minute (hostile input, fuzz);
    # the limit is tested on processes of its own (test_security_bursts.py).
    with sqlite_auth(log_dir, tmp_path_factory.mktemp("db"), music.url, NOTES_WRITE_RATE="off") as service:
        yield service


@pytest.fixture
def new_user(auth):
    """``new_user(prefix)``: a new account on the session's auth_service, as an Api with its token."""
    return lambda prefix="user": Api(auth.url).register_and_login(f"{prefix}{uuid.uuid4().hex[:12]}")


# Figures the tests measure, printed at the end of the run and written to test-artifacts/figures.json.
FIGURES: dict[str, dict] = {}


@pytest.fixture
def figures(request):
    """``figures(name=value, ...)``: this test's measured figures."""
    return lambda **values: FIGURES.setdefault(request.node.name, {}).update(values)


def pytest_terminal_summary(terminalreporter):
    if not FIGURES:
        return
    terminalreporter.section("measured figures")
    for test, values in FIGURES.items():
        terminalreporter.write_line(f"{test}: " + ", ".join(f"{k}={v}" for k, v in values.items()))
    out = Path(__file__).resolve().parents[2] / "test-artifacts"
    out.mkdir(exist_ok=True)
    (out / "figures.json").write_text(json.dumps(FIGURES, indent=2, ensure_ascii=False))
