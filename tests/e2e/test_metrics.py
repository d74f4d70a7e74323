"""/metrics on both services (musica_kit.metrics): Prometheus' text format, summed over 2 gunicorn
workers each (prometheus_client's multiprocess mode), only with METRICS_TOKEN, never public.

The note counter must grow by exactly the notes sent, whichever worker took each request and
whichever answers the scrape; the pending gauge must match the database once its cache time has
passed (notes/metrics.py, PENDING_CACHE_SECONDS).
"""

import secrets
import sqlite3
import time

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from tests.support.http import Api
from tests.support.processes import auth_process, enrich_runner, free_port, music_process
from tests.support.waiting import wait_until

METRICS_TOKEN = secrets.token_urlsafe(32)
PENDING_CACHE_SECONDS = 5.0  # notes/metrics.py
NOTES = 12
LOGINS = 4  # the login limit per minute of this module's auth (its first test logs in once)
# Words that must never be a label: the user, the song, the token.
USER = "metricsuser"
SONG = "Bohemian Rhapsody"


@pytest.fixture(scope="module")
def services(log_dir, tmp_path_factory, spotify):
    """Both services with 2 workers each and METRICS_TOKEN; notes stay pending (no runner)."""
    database = tmp_path_factory.mktemp("metrics-db") / "notas.db"
    both = {"METRICS_TOKEN": METRICS_TOKEN, "WEB_CONCURRENCY": "2"}
    with music_process(log_dir, spotify=spotify, name="music-metrics", **both) as music:
        auth = auth_process(
            log_dir,
            database_url=f"sqlite:///{database}",
            music_url=music.url,
            name="auth-metrics",
            ENRICHMENT_MODE="async",
            NOTES_WRITE_RATE="off",
            THROTTLE_LOGIN=f"{LOGINS}/min",
            **both,
        )
        with auth:
            auth.database = database
            yield auth, music


def scrape(url: str) -> tuple[dict[tuple[str, frozenset], float], str]:
    """Every sample as {(name, labels): value}, and the raw text. A new connection each time, so
    the scrape may land on either worker."""
    response = requests.get(
        f"{url}/metrics",
        headers={"Authorization": f"Bearer {METRICS_TOKEN}", "Connection": "close"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("text/plain; version=")
    samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return samples, response.text


def total(samples: dict, name: str, **labels) -> float:
    wanted = set(labels.items())
    return sum(value for (sample, got), value in samples.items() if sample == name and wanted <= got)


def pending_in_database(database) -> int:
    with sqlite3.connect(database) as db:
        return db.execute("SELECT COUNT(*) FROM notes_note WHERE enriquecimiento = 'pendiente'").fetchone()[0]


@pytest.mark.timeout(180)
def test_note_counter_sums_workers_and_the_pending_gauge_matches_the_database(services):
    auth, _ = services
    before, _ = scrape(auth.url)
    user = Api(auth.url).register_and_login(f"{USER}{secrets.token_hex(3)}")
    for number in range(NOTES):
        response = requests.post(
            f"{auth.url}/notas",
            json={"cancion": f"{SONG} {number}", "texto": "x"},
            headers={
                "Authorization": f"Bearer {user.token}",
                "Connection": "close",
            },  # each note free to land on either worker
            timeout=30,
        )
        assert response.status_code == 201, response.text
    written_at = time.monotonic()

    after, text = scrape(auth.url)
    grown = total(after, "musica_notes_created_total") - total(before, "musica_notes_created_total")
    assert grown == NOTES
    assert total(after, "musica_notes_created_total", enriquecimiento="pendiente") >= NOTES
    # Requests are labelled by route name: the note list's POSTs, all 201.
    assert total(after, "musica_http_requests_total", view="nota-list", method="POST", status="201") >= NOTES
    assert (
        total(after, "musica_http_request_duration_seconds_count", view="nota-list", method="POST") >= NOTES
    )
    # No label carries a user, a song or a token.
    for word in (USER, SONG, "Bohemian", METRICS_TOKEN, user.token):
        assert word not in text

    wait_until(
        lambda: time.monotonic() - written_at > PENDING_CACHE_SECONDS + 0.5,
        timeout=PENDING_CACHE_SECONDS + 5,
        message="the pending gauge's cache time",
    )
    for _ in range(4):  # whichever worker answers, its cached value is no older than the notes
        samples, _ = scrape(auth.url)
        assert total(samples, "musica_notes_pending") == pending_in_database(auth.database) >= NOTES
        assert total(samples, "musica_notes_pending_oldest_age_seconds") > 0


def test_the_runner_serves_its_own_metrics_behind_the_token(services):
    """The runner is a process of its own: its passes and outcomes on a port of its own."""
    auth, _ = services
    pending = pending_in_database(auth.database)
    assert pending >= NOTES  # left by the first test (ENRICHMENT_MODE=async, no runner until now)
    runner = enrich_runner(auth)
    port = free_port()
    runner.env["ENRICH_METRICS_PORT"] = str(port)
    url = f"http://127.0.0.1:{port}"
    with runner:
        wait_until(lambda: pending_in_database(auth.database) == 0, timeout=60, message=runner.logs)
        samples = wait_until(
            lambda: (
                (found := scrape(url)[0])
                and total(found, "musica_runner_notes_total", outcome="ok")
                + total(found, "musica_runner_notes_total", outcome="sin_resultados")
                == pending
                and found
            ),
            timeout=30,
            message=runner.logs,
        )
        assert total(samples, "musica_runner_passes_total") >= 1
        assert requests.get(f"{url}/metrics", timeout=10).status_code == 401
        wrong = requests.get(f"{url}/metrics", headers={"Authorization": "Bearer x"}, timeout=10)
        assert wrong.status_code == 401 and "error" in wrong.json()
        other = requests.get(f"{url}/notas", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}, timeout=10)
        assert other.status_code == 404


def search(music, query: str, session=requests) -> requests.Response:
    return session.get(f"{music.url}/search", params={"q": query}, headers=music.service_auth, timeout=30)


def test_music_counts_provider_searches_cache_and_breakers(services, spotify):
    """Searches by provider and outcome, provider latency, result-cache hits and misses, and the
    breaker's state (a worker's open-until time; the scrape keeps the latest of live workers)."""
    _, music = services
    before, _ = scrape(music.url)
    # One keep-alive connection: one worker, whose result cache (local memory here) answers the second.
    with requests.Session() as one_worker:
        assert search(music, SONG, one_worker).status_code == 200  # asks Spotify: a miss of the cache
        assert search(music, SONG, one_worker).status_code == 200  # the same search: a hit
    spotify.configure(mode="429", retry_after=120)
    assert search(music, "Another song entirely").status_code == 503  # Spotify's 429 opens its breaker
    after, text = scrape(music.url)

    def grown(name, **labels):
        return total(after, name, **labels) - total(before, name, **labels)

    assert grown("musica_search_cache_total", result="hit") == 1
    assert grown("musica_search_cache_total", result="miss") == 2
    assert grown("musica_provider_searches_total", provider="spotify", outcome="match") == 1
    assert grown("musica_provider_searches_total", provider="spotify", outcome="rate_limited") == 1
    assert grown("musica_provider_request_duration_seconds_count", provider="spotify") == 2
    open_until = total(after, "musica_provider_breaker_open_until_seconds", provider="spotify")
    assert time.time() + 60 < open_until <= time.time() + 121
    assert "requests" in text and "Bohemian" not in text and "Another" not in text
    assert (
        "musica_http_requests_total",
        frozenset({("view", "search"), ("method", "GET"), ("status", "200")}),
    ) in after


def test_metrics_answer_a_scrape_by_ip_address(services):
    """Prometheus scrapes each replica by its IP address, which ALLOWED_HOSTS does not list:
    /metrics answers anyway (the token guards it); every other path still refuses that host."""
    for service in services:
        host = {"Host": f"10.11.12.13:{service.port}"}
        scraped = requests.get(
            f"{service.url}/metrics", headers={**host, "Authorization": f"Bearer {METRICS_TOKEN}"}, timeout=10
        )
        assert scraped.status_code == 200 and "musica_http_requests_total" in scraped.text
        assert requests.get(f"{service.url}/health", headers=host, timeout=10).status_code == 400


@pytest.mark.parametrize(
    "header", [None, "Bearer wrong-token", f"Basic {METRICS_TOKEN}", f"Bearer {METRICS_TOKEN}x"]
)
def test_metrics_without_the_token_is_401(services, header):
    for service in services:
        headers = {"Authorization": header} if header else {}
        response = requests.get(f"{service.url}/metrics", headers=headers, timeout=10)
        assert response.status_code == 401
        assert response.headers["Content-Type"] == "application/json"
        assert "error" in response.json()
        assert "musica_" not in response.text


def test_metrics_do_not_exist_without_metrics_token(auth, music):
    """The session's services run without METRICS_TOKEN: no route, even with a token."""
    for service in (auth, music):
        assert "METRICS_TOKEN" not in service.env
        response = requests.get(
            f"{service.url}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}, timeout=10
        )
        assert response.status_code == 404
        assert response.headers["Content-Type"] == "application/json"


def test_429s_are_counted_by_limit(services):
    """Last in the module: it spends the login limit. Every 429 seen is counted, under "login"."""
    auth, _ = services
    before, _ = scrape(auth.url)
    statuses = [
        requests.post(
            f"{auth.url}/login", json={"username": "nadie", "password": "mala"}, timeout=10
        ).status_code
        for _ in range(LOGINS + 3)
    ]
    assert set(statuses) <= {401, 429} and statuses[-1] == 429
    after, _ = scrape(auth.url)
    counted = total(after, "musica_rate_limited_total", limit="login") - total(
        before, "musica_rate_limited_total", limit="login"
    )
    assert counted == statuses.count(429)
    assert total(after, "musica_rate_limited_total", limit="notes_write") == 0
