"""Without Redis the limits are counted in auth's database (table musica_ratelimit), shared by every
worker and every replica: one window, whichever process answers. (Bursts against 2 workers on SQLite
and Redis: test_security_bursts.py.)"""

import contextlib
import http.client
import json

from tests.e2e.helpers import postgres_database
from tests.support.processes import auth_process, free_port

LIMIT = 10
COMMON = {"REDIS_URL": "", "THROTTLE_LOGIN": f"{LIMIT}/min", "GUNICORN_THREADS": "2"}


def wrong_login(port: int) -> tuple[int, dict, dict]:
    """One attempt on a new connection, free to land on any worker."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        body = json.dumps({"username": "nadie", "password": "mala"})
        conn.request("POST", "/login", body=body, headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), json.loads(response.read() or b"{}")
    finally:
        conn.close()


def assert_one_window(answers) -> None:
    assert [status for status, _, _ in answers[:LIMIT]] == [401] * LIMIT, answers
    for status, headers, body in answers[LIMIT:]:
        assert status == 429 and headers["Content-Type"].startswith("application/json")
        retry_after = int(headers["Retry-After"])
        assert 1 <= retry_after <= 60 and body["error"]
        assert body["detalle"] == {"reintentar_en_segundos": retry_after}


def start(log_dir, database_url: str, name: str, workers: str):
    music = f"http://127.0.0.1:{free_port()}"
    return auth_process(
        log_dir, database_url=database_url, music_url=music, name=name, WEB_CONCURRENCY=workers, **COMMON
    )


def test_login_limit_holds_across_two_workers_on_postgresql(log_dir):
    with postgres_database("throttle") as url, start(log_dir, url, "auth-dbcache-postgresql", "2") as auth:
        answers = [wrong_login(auth.port) for _ in range(2 * LIMIT)]
        assert auth.logs().count("Booting worker") >= 2
    assert_one_window(answers)


def test_login_limit_holds_across_two_replicas_on_one_database(tmp_path, log_dir):
    url = f"sqlite:///{tmp_path / 'notas.db'}"
    with contextlib.ExitStack() as stack:
        replicas = [stack.enter_context(start(log_dir, url, f"auth-replica-{i}", "1")) for i in range(2)]
        answers = [wrong_login(replicas[i % 2].port) for i in range(2 * LIMIT)]
    assert_one_window(answers)
