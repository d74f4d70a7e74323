"""The Postman collection, run by newman (installed by scripts/test before pytest) against both live
services sharing a MUSIC_SERVICE_TOKEN as deployed, passes every assertion; against no service it fails."""

import json
import secrets
import subprocess

import pytest

from tests.e2e.helpers import json_lines, services
from tests.support.processes import ROOT
from tests.support.tools import find_newman

COLLECTION = ROOT / "postman" / "musica.postman_collection.json"
ENVIRONMENT = ROOT / "postman" / "musica.postman_environment.json"
ARTIFACTS = ROOT / "test-artifacts"
TOKEN = secrets.token_urlsafe(24)


def _requests_in(items: list) -> int:
    return sum(_requests_in(item["item"]) if "item" in item else 1 for item in items)


@pytest.fixture(scope="module")
def stack(tmp_path_factory, spotify):
    token, folder = {"MUSIC_SERVICE_TOKEN": TOKEN}, tmp_path_factory.mktemp("postman")
    with services(folder, "postman", spotify=spotify, music_env=token, **token) as both:
        yield both


def run_newman(auth_url: str, music_url: str, report) -> tuple[subprocess.CompletedProcess, dict]:
    variables = [f"baseUrl={auth_url}", f"musicUrl={music_url}", f"musicToken={TOKEN}"]
    command = [str(find_newman()), "run", str(COLLECTION), "--environment", str(ENVIRONMENT)]
    command += ["--reporters", "cli,json", "--color", "off", "--timeout-request", "20000"]
    command += ["--timeout", "300000", "--reporter-json-export", str(report)]
    command += [arg for variable in variables for arg in ("--env-var", variable)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=400, check=False)
    assert report.exists(), f"newman wrote no report:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result, json.loads(report.read_text())["run"]


@pytest.mark.timeout(450)  # newman's own --timeout is 300 s; its process is given 400 s
def test_the_postman_collection_passes_against_the_live_services(stack):
    auth, music = stack
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "newman-report.json").unlink(missing_ok=True)
    result, run = run_newman(auth.url, music.url, ARTIFACTS / "newman-report.json")
    (ARTIFACTS / "newman-output.txt").write_text(result.stdout + result.stderr)
    stats = run["stats"]
    failures = [f"{f['source'].get('name', '?')}: {f['error'].get('test') or ''} {f['error'].get('message')}"
                for f in run["failures"]]  # fmt: skip
    assert failures == [], "\n".join(failures) + "\n" + result.stdout[-3000:]
    kinds = ("assertions", "testScripts", "prerequestScripts", "requests")
    assert [stats[kind]["failed"] for kind in kinds] == [0, 0, 0, 0]
    # Every request of the collection ran, and its assertions with it (none skipped: music has a token).
    expected = _requests_in(json.loads(COLLECTION.read_text())["item"])
    assert stats["requests"]["total"] == expected and stats["assertions"]["total"] >= 2 * expected
    assert [a for e in run["executions"] for a in e.get("assertions", []) if a.get("skipped")] == []
    assert result.returncode == 0, result.stdout[-3000:]
    # Each request's X-Request-ID (sent by the collection) is in auth's log, or music's for /search.
    logged = {line.get("request_id") for line in json_lines(auth.logs() + music.logs())}
    headers = [h for e in run["executions"] for h in e["request"].get("header", [])]
    sent = [h["value"] for h in headers if h["key"].lower() == "x-request-id"]
    assert len(sent) == expected and set(sent) <= logged


@pytest.mark.timeout(450)
def test_the_collection_catches_a_broken_service(stack, tmp_path):
    result, run = run_newman("http://127.0.0.1:9", stack[1].url, tmp_path / "report.json")
    assert result.returncode != 0
    assert run["stats"]["assertions"]["failed"] > 0 or run["stats"]["requests"]["failed"] > 0
