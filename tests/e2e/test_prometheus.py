"""A real Prometheus (Debian's binary, unpacked into .tools/ by scripts/lib/install_test_tools.py)
scrapes both live services and the runner with the metrics token; every panel query of the Grafana
dashboard parses there and names only exported metrics; the shipped scrape configurations pass promtool."""

import json
import re
import secrets
import subprocess

import pytest
import requests

from tests.e2e.helpers import sqlite_auth
from tests.support.http import Api
from tests.support.processes import ROOT, ServiceProcess, enrich_runner, music_process
from tests.support.tools import find_prometheus
from tests.support.waiting import wait_until

METRICS_TOKEN = secrets.token_urlsafe(32)
DASHBOARD = ROOT / "deploy" / "grafana" / "musica-dashboard.json"
NOTES = 5
LOGINS = 3  # this module's login limit per minute
SCRAPE_DEADLINE = 60  # seconds for a value to reach Prometheus on a loaded machine (scrapes every 1 s)


@pytest.fixture(scope="module")
def stack(log_dir, tmp_path_factory, spotify):
    folder = tmp_path_factory.mktemp("prometheus")
    both = {"METRICS_TOKEN": METRICS_TOKEN, "WEB_CONCURRENCY": "2"}
    with music_process(log_dir, spotify=spotify, name="music-prom", **both) as music:
        # ENRICHMENT_MODE=async: the runner enriches the notes, so its metrics are there too.
        limits = {"NOTES_WRITE_RATE": "off", "ENRICHMENT_MODE": "async", "THROTTLE_LOGIN": f"{LOGINS}/min"}
        auth = sqlite_auth(log_dir, folder, music.url, "auth-prom", **limits, **both)
        runner = enrich_runner(auth)
        runner.env["ENRICH_METRICS_PORT"] = str(runner.port)
        with auth, runner:
            token_file = folder / "metrics-token"
            token_file.write_text(METRICS_TOKEN)
            jobs = [
                {
                    "job_name": name,
                    "authorization": {"credentials_file": str(token_file)},
                    "static_configs": [{"targets": [f"127.0.0.1:{service.port}"]}],
                }
                for name, service in (("auth", auth), ("music", music), ("runner", runner))
            ]
            config = folder / "prometheus.yml"
            config.write_text(json.dumps({"global": {"scrape_interval": "1s"}, "scrape_configs": jobs}))
            prometheus = ServiceProcess("prometheus", "tests", {}, log_dir, health_path="/-/ready")
            prometheus.command = [
                str(find_prometheus()),
                f"--config.file={config}",
                f"--storage.tsdb.path={folder / 'data'}",
                f"--web.listen-address=127.0.0.1:{prometheus.port}",
            ]
            with prometheus:
                yield auth, prometheus


def query(prometheus, promql: str) -> requests.Response:
    return requests.get(f"{prometheus.url}/api/v1/query", params={"query": promql}, timeout=10)


def scalar(prometheus, promql: str) -> float | None:
    answer = query(prometheus, promql)
    assert answer.status_code == 200, answer.text
    result = answer.json()["data"]["result"]
    return float(result[0]["value"][1]) if result else None


def send_notes(auth, count: int) -> None:
    user = Api(auth.url).register_and_login(f"prom{secrets.token_hex(4)}")
    for number in range(count):
        created = user.post("/notas", json={"cancion": f"Bohemian Rhapsody {number}"}, timeout=30)
        assert created.status_code == 201, created.text


def test_a_promql_query_returns_the_note_count(stack):
    auth, prometheus = stack
    wait_until(
        lambda: scalar(prometheus, 'count(up{job=~"auth|music|runner"} == 1)') == 3,
        timeout=SCRAPE_DEADLINE,
        message=lambda: f"not every target up in Prometheus:\n{prometheus.logs()[-2000:]}",
    )
    send_notes(auth, NOTES)
    wait_until(
        lambda: scalar(prometheus, "sum(musica_notes_created_total)") == NOTES,
        timeout=SCRAPE_DEADLINE,
        message=lambda: f"note count: {scalar(prometheus, 'sum(musica_notes_created_total)')}",
    )


def test_every_dashboard_query_parses_and_names_exported_metrics(stack):
    auth, prometheus = stack
    send_notes(auth, 1)  # a note looked up in music: provider, cache and breaker metrics
    for _ in range(LOGINS + 2):  # the login limit refuses: a 429 counted
        requests.post(f"{auth.url}/login", json={"username": "nadie", "password": "mala"}, timeout=10)
    dashboard = json.loads(DASHBOARD.read_text())
    queries = [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]
    assert len(queries) >= 13
    named = {name for promql in queries for name in re.findall(r"\bmusica_[a-z0-9_]+", promql)}

    def exported() -> set[str]:
        return set(requests.get(f"{prometheus.url}/api/v1/label/__name__/values", timeout=10).json()["data"])

    wait_until(
        lambda: named <= exported(),
        timeout=SCRAPE_DEADLINE,
        message=lambda: f"named but never exported: {sorted(named - exported())}",
    )
    for promql in queries:
        answer = query(prometheus, promql)
        assert answer.status_code == 200 and answer.json()["status"] == "success", (promql, answer.text)
    # A query that does not parse is refused by the same endpoint (the check can fail).
    assert query(prometheus, "sum(rate(musica_notes_created_total[5m])").status_code == 400


# deploy/prometheus/kubernetes.yml is checked in tests/deploy: Debian's build has no Kubernetes discovery.
@pytest.mark.parametrize(
    ("shipped", "token_file"),
    [("prometheus.yml", "/tmp/metrics-token"), ("swarm.yml", "/run/secrets/metrics_token")],
)
def test_the_shipped_scrape_configuration_passes_promtool(shipped, token_file, tmp_path):
    text = (ROOT / "deploy" / "prometheus" / shipped).read_text()
    assert text.count(f"credentials_file: {token_file}") == 3  # auth, music and the runner
    token = tmp_path / "metrics-token"
    token.write_text(METRICS_TOKEN)
    config = tmp_path / "prometheus.yml"
    promtool = [str(find_prometheus().with_name("promtool")), "check", "config", str(config)]
    config.write_text(text.replace(token_file, str(token)))
    checked = subprocess.run(promtool, capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    config.write_text(text.replace(token_file, str(token)).replace("type: A", "type: X", 1))
    assert subprocess.run(promtool, capture_output=True, timeout=60).returncode != 0  # a broken copy fails
