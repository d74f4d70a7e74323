"""/metrics on both services and the runner: Prometheus' text format summed over 2 gunicorn workers
(prometheus_client's multiprocess mode), only with METRICS_TOKEN. A real Prometheus (Debian's binary,
unpacked into .tools/ by scripts/lib/install_test_tools.py) scrapes them; every Grafana panel query parses
there and names only exported metrics; the shipped scrape configurations pass promtool."""

import json
import re
import secrets
import subprocess
import time

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from tests.e2e import helpers
from tests.e2e.helpers import sql
from tests.support.http import Api
from tests.support.processes import ROOT, ServiceProcess, enrich_runner, free_port
from tests.support.tools import find_prometheus
from tests.support.waiting import wait_until

METRICS_TOKEN = secrets.token_urlsafe(32)
BEARER = {"Authorization": f"Bearer {METRICS_TOKEN}"}
PENDING_CACHE_SECONDS = 5.0  # notes/metrics.py
NOTES = 12
LOGINS = 4  # this module's login limit per minute (its first test logs in once)
USER, SONG = "metricsuser", "Bohemian Rhapsody"  # words that must never be a label
DASHBOARD = ROOT / "deploy" / "grafana" / "musica-dashboard.json"
SCRAPE_DEADLINE = 60  # seconds for a value to reach Prometheus on a loaded machine (scrapes every 1 s)


@pytest.fixture(scope="module")
def services(tmp_path_factory, spotify):
    """Both services with 2 workers each and METRICS_TOKEN; notes stay pending (no runner)."""
    both = {"METRICS_TOKEN": METRICS_TOKEN, "WEB_CONCURRENCY": "2"}
    limits = {"ENRICHMENT_MODE": "async", "NOTES_WRITE_RATE": "off", "THROTTLE_LOGIN": f"{LOGINS}/min"}
    folder = tmp_path_factory.mktemp("metrics")
    with helpers.services(folder, "metrics", spotify=spotify, music_env=both, **limits, **both) as pair:
        yield pair


def scrape(url: str) -> tuple[dict[tuple[str, frozenset], float], str]:
    """{(name, labels): value} and the raw text; a new connection each time (either worker answers)."""
    response = requests.get(f"{url}/metrics", headers={**BEARER, "Connection": "close"}, timeout=10)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("text/plain; version=")
    samples = (s for family in text_string_to_metric_families(response.text) for s in family.samples)
    return {(s.name, frozenset(s.labels.items())): s.value for s in samples}, response.text


def total(samples: dict, name: str, **labels) -> float:
    wanted = set(labels.items())
    return sum(value for (sample, got), value in samples.items() if sample == name and wanted <= got)


def pending_in_database(database) -> int:
    return sql(database, "SELECT COUNT(*) FROM notes_note WHERE enriquecimiento = 'pendiente'")[0][0]


@pytest.mark.timeout(240)
def test_note_counter_sums_workers_the_pending_gauge_matches_the_database_and_the_runner_counts(services):
    auth, _ = services
    before, _ = scrape(auth.url)
    user = Api(auth.url).register_and_login(f"{USER}{secrets.token_hex(3)}")
    user.session.headers["Connection"] = "close"  # each note free to land on either worker
    for number in range(NOTES):
        response = user.post("/notas", json={"cancion": f"{SONG} {number}", "texto": "x"}, timeout=30)
        assert response.status_code == 201, response.text
    written_at = time.monotonic()

    after, text = scrape(auth.url)
    assert total(after, "musica_notes_created_total") - total(before, "musica_notes_created_total") == NOTES
    assert total(after, "musica_notes_created_total", enriquecimiento="pendiente") >= NOTES
    # Requests are labelled by route name: the note list's POSTs, all 201.
    assert total(after, "musica_http_requests_total", view="nota-list", method="POST", status="201") >= NOTES
    posts = total(after, "musica_http_request_duration_seconds_count", view="nota-list", method="POST")
    assert posts >= NOTES
    for word in (USER, SONG, "Bohemian", METRICS_TOKEN, user.token):  # no label carries them
        assert word not in text

    cached = PENDING_CACHE_SECONDS + 0.5
    wait_until(lambda: time.monotonic() - written_at > cached, timeout=cached + 5, message="gauge cache time")
    for _ in range(4):  # whichever worker answers, its cached value is no older than the notes
        samples, _ = scrape(auth.url)
        assert total(samples, "musica_notes_pending") == pending_in_database(auth.database) >= NOTES
        assert total(samples, "musica_notes_pending_oldest_age_seconds") > 0

    # ENRICHMENT_MODE=async and no runner until now: one serves its own metrics behind the token.
    pending = pending_in_database(auth.database)
    runner = enrich_runner(auth)
    runner.env["ENRICH_METRICS_PORT"] = str(port := free_port())
    url = f"http://127.0.0.1:{port}"

    def counted():
        found = scrape(url)[0]
        ends = sum(total(found, "musica_runner_notes_total", outcome=end) for end in ("ok", "sin_resultados"))
        return ends == pending and found

    with runner:
        wait_until(lambda: pending_in_database(auth.database) == 0, timeout=60, message=runner.logs)
        assert total(wait_until(counted, timeout=30, message=runner.logs), "musica_runner_passes_total") >= 1
        assert requests.get(f"{url}/metrics", timeout=10).status_code == 401
        wrong = requests.get(f"{url}/metrics", headers={"Authorization": "Bearer x"}, timeout=10)
        assert wrong.status_code == 401 and "error" in wrong.json()
        assert requests.get(f"{url}/notas", headers=BEARER, timeout=10).status_code == 404


def test_music_counts_provider_searches_cache_and_breakers(services, spotify):
    """Searches by provider and outcome, provider latency, cache hits and misses, the breaker's state."""
    _, music = services
    before, _ = scrape(music.url)
    # One keep-alive connection: one worker, whose result cache (local memory here) answers the second.
    with requests.Session() as one_worker:
        for query in (SONG, SONG, "Another song entirely"):
            if query != SONG:
                spotify.configure(mode="429", retry_after=120)  # Spotify's 429 opens its breaker
            response = one_worker.get(f"{music.url}/search?q={query}", headers=music.service_auth, timeout=30)
            assert response.status_code == (200 if query == SONG else 503)
    after, text = scrape(music.url)

    def grown(name, **labels):
        return total(after, name, **labels) - total(before, name, **labels)

    assert [grown("musica_search_cache_total", result=result) for result in ("hit", "miss")] == [1, 2]
    assert grown("musica_provider_searches_total", provider="spotify", outcome="match") == 1
    assert grown("musica_provider_searches_total", provider="spotify", outcome="rate_limited") == 1
    assert grown("musica_provider_request_duration_seconds_count", provider="spotify") == 2
    open_until = total(after, "musica_provider_breaker_open_until_seconds", provider="spotify")
    assert time.time() + 60 < open_until <= time.time() + 121
    assert "requests" in text and "Bohemian" not in text and "Another" not in text
    assert total(after, "musica_http_requests_total", view="search", method="GET", status="200") >= 2


def test_metrics_answer_only_the_token_even_by_ip_address_and_do_not_exist_without_one(services, auth, music):
    """Prometheus scrapes replicas by IP, which ALLOWED_HOSTS does not list: /metrics answers (the token
    guards it), every other path still refuses that host. The session's services have no METRICS_TOKEN."""
    wrong = [None, "Bearer x", f"Basic {METRICS_TOKEN}", f"Bearer {METRICS_TOKEN}x"]
    for service in services:
        host = {"Host": f"10.11.12.13:{service.port}"}
        scraped = requests.get(f"{service.url}/metrics", headers={**host, **BEARER}, timeout=10)
        assert scraped.status_code == 200 and "musica_http_requests_total" in scraped.text
        assert requests.get(f"{service.url}/health", headers=host, timeout=10).status_code == 400
        for authorization in wrong:
            headers = {"Authorization": authorization} if authorization else {}
            refused = requests.get(f"{service.url}/metrics", headers=headers, timeout=10)
            assert refused.status_code == 401 and refused.headers["Content-Type"] == "application/json"
            assert "error" in refused.json() and "musica_" not in refused.text
    for service in (auth, music):
        assert "METRICS_TOKEN" not in service.env
        response = requests.get(f"{service.url}/metrics", headers=BEARER, timeout=10)
        assert response.status_code == 404 and response.headers["Content-Type"] == "application/json"


@pytest.fixture(scope="module")
def prometheus(services, tmp_path_factory, log_dir):
    """Prometheus scraping auth, music and a runner (which enriches the notes, so its metrics are there)."""
    auth, music = services
    folder = tmp_path_factory.mktemp("prometheus")
    runner = enrich_runner(auth)
    runner.env["ENRICH_METRICS_PORT"] = str(runner.port)
    token_file = folder / "metrics-token"
    token_file.write_text(METRICS_TOKEN)
    targets = {"auth": auth, "music": music, "runner": runner}
    authorization = {"credentials_file": str(token_file)}
    jobs = [
        {
            "job_name": job,
            "authorization": authorization,
            "static_configs": [{"targets": [f"127.0.0.1:{s.port}"]}],
        }
        for job, s in targets.items()
    ]
    config = folder / "prometheus.yml"
    config.write_text(json.dumps({"global": {"scrape_interval": "1s"}, "scrape_configs": jobs}))
    prometheus = ServiceProcess("prometheus", "tests", {}, log_dir, health_path="/-/ready")
    flags = [f"--config.file={config}", f"--storage.tsdb.path={folder / 'data'}"]
    prometheus.command = [str(find_prometheus()), *flags, f"--web.listen-address=127.0.0.1:{prometheus.port}"]
    with runner, prometheus:
        yield prometheus


def query(prometheus, promql: str) -> requests.Response:
    return requests.get(f"{prometheus.url}/api/v1/query", params={"query": promql}, timeout=10)


def scalar(prometheus, promql: str) -> float | None:
    answer = query(prometheus, promql)
    assert answer.status_code == 200, answer.text
    result = answer.json()["data"]["result"]
    return float(result[0]["value"][1]) if result else None


def test_prometheus_sees_the_notes_and_429s_and_every_dashboard_query_parses(services, prometheus):
    auth = services[0]
    wait_until(
        lambda: scalar(prometheus, 'count(up{job=~"auth|music|runner"} == 1)') == 3,
        timeout=SCRAPE_DEADLINE,
        message=lambda: f"not every target up in Prometheus:\n{prometheus.logs()[-2000:]}",
    )
    promql = "sum(musica_notes_created_total)"
    before = scalar(prometheus, promql)  # the notes the module's other tests wrote
    user = Api(auth.url).register_and_login(f"prom{secrets.token_hex(4)}")
    for number in range(NOTES):  # looked up in music by the runner: provider, cache and breaker metrics
        assert user.post("/notas", json={"cancion": f"{SONG} {number}"}, timeout=30).status_code == 201
    wait_until(lambda: scalar(prometheus, promql) == before + NOTES, timeout=SCRAPE_DEADLINE, message=promql)
    # Every 429 is counted, under "login" (the module's login limit may already be spent).
    scraped, _ = scrape(auth.url)
    wrong = {"username": "nadie", "password": "mala"}
    statuses = [
        requests.post(f"{auth.url}/login", json=wrong, timeout=10).status_code for _ in range(LOGINS + 3)
    ]
    assert set(statuses) <= {401, 429} and statuses[-1] == 429
    after, _ = scrape(auth.url)
    counted = [total(samples, "musica_rate_limited_total", limit="login") for samples in (scraped, after)]
    assert counted[1] - counted[0] == statuses.count(429)
    assert total(after, "musica_rate_limited_total", limit="notes_write") == 0

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
