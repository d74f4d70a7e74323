"""The Postman collection, run by newman against both live services, must pass every assertion.

Both services run as real gunicorn processes with a shared MUSIC_SERVICE_TOKEN (as deployed), music
answering from the Spotify double. newman (npm, pinned) is installed by scripts/test before pytest
(scripts/lib/install_test_tools.py); the test only finds it.
"""

import json
import secrets
import subprocess

import pytest

from tests.support.processes import ROOT, auth_process, music_process
from tests.support.tools import find_newman

COLLECTION = ROOT / "postman" / "musica.postman_collection.json"
ENVIRONMENT = ROOT / "postman" / "musica.postman_environment.json"
ARTIFACTS = ROOT / "test-artifacts"


def _requests_in(items: list) -> int:
    return sum(_requests_in(item["item"]) if "item" in item else 1 for item in items)


@pytest.fixture(scope="module")
def stack(tmp_path_factory, spotify):
    """music (Spotify double) and auth, sharing a service token like a real deployment."""
    logs = tmp_path_factory.mktemp("postman-logs")
    token = secrets.token_urlsafe(24)
    database = tmp_path_factory.mktemp("postman-db") / "notas.db"
    music = music_process(logs, spotify=spotify, MUSIC_SERVICE_TOKEN=token)
    with music:
        auth = auth_process(
            logs, database_url=f"sqlite:///{database}", music_url=music.url, MUSIC_SERVICE_TOKEN=token
        )
        with auth:
            yield auth, music, token


def run_newman(auth, music, token: str, report) -> subprocess.CompletedProcess:
    newman = find_newman()
    return subprocess.run(
        [
            str(newman),
            "run",
            str(COLLECTION),
            "--environment",
            str(ENVIRONMENT),
            "--env-var",
            f"baseUrl={auth.url}",
            "--env-var",
            f"musicUrl={music.url}",
            "--env-var",
            f"musicToken={token}",
            "--reporters",
            "cli,json",
            "--reporter-json-export",
            str(report),
            "--color",
            "off",
            "--timeout-request",
            "20000",
            "--timeout",
            "300000",
        ],
        capture_output=True,
        text=True,
        timeout=400,
        check=False,
    )


@pytest.mark.timeout(450)  # newman's own --timeout is 300 s; its process is given 400 s
def test_the_postman_collection_passes_against_the_live_services(stack):
    auth, music, token = stack
    ARTIFACTS.mkdir(exist_ok=True)
    report = ARTIFACTS / "newman-report.json"
    report.unlink(missing_ok=True)

    result = run_newman(auth, music, token, report)

    (ARTIFACTS / "newman-output.txt").write_text(result.stdout + result.stderr)
    assert report.exists(), f"newman wrote no report:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    run = json.loads(report.read_text())["run"]
    stats = run["stats"]
    failures = [
        f"{f['source'].get('name', '?')}: {f['error'].get('test') or ''} {f['error'].get('message')}"
        for f in run["failures"]
    ]
    assert failures == [], "\n".join(failures) + "\n" + result.stdout[-3000:]
    assert stats["assertions"]["failed"] == 0
    assert stats["testScripts"]["failed"] == 0 and stats["prerequestScripts"]["failed"] == 0
    assert stats["requests"]["failed"] == 0
    # Every request of the collection ran, and its assertions with it (none skipped: music has a token).
    expected = _requests_in(json.loads(COLLECTION.read_text())["item"])
    assert stats["requests"]["total"] == expected
    assert stats["assertions"]["total"] >= 2 * expected
    skipped = [a for e in run["executions"] for a in e.get("assertions", []) if a.get("skipped")]
    assert skipped == []
    assert result.returncode == 0, result.stdout[-3000:]

    # Each request's X-Request-ID (sent by the collection) is in auth's log, or music's for /search.
    logged = {
        json.loads(line).get("request_id")
        for line in (auth.logs() + music.logs()).splitlines()
        if line.startswith("{")
    }
    sent = [
        header["value"]
        for e in run["executions"]
        for header in e["request"].get("header", [])
        if header["key"].lower() == "x-request-id"
    ]
    assert len(sent) == expected
    assert set(sent) <= logged


@pytest.mark.timeout(450)
def test_the_collection_catches_a_broken_service(stack, tmp_path):
    """Negative control: the same collection against a service that is not there must fail."""
    _, music, token = stack

    class Nowhere:
        url = "http://127.0.0.1:9"

    result = run_newman(Nowhere, music, token, tmp_path / "report.json")
    run = json.loads((tmp_path / "report.json").read_text())["run"]
    assert result.returncode != 0
    assert run["stats"]["assertions"]["failed"] > 0 or run["stats"]["requests"]["failed"] > 0
