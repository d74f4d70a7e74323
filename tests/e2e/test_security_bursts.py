"""Limits under bursts released together by a barrier against auth_service (real gunicorn, 2 workers):
each limit counts every request exactly once however they arrive, on SQLite without Redis (an upsert on
auth's database), with REDIS_URL (a Lua script; skipped without a Redis) and with Redis unreachable.
Without Redis one window is shared by every worker and replica of one database (SQLite, PostgreSQL)."""

from __future__ import annotations

import contextlib
import itertools
import uuid
from collections import Counter
from functools import partial

import pytest
import redis
import requests

from tests.e2e.helpers import (
    PASSWORD,
    burst,
    csrf_token,
    postgres_database,
    redis_url_or_skip,
    sql,
    sqlite_auth,
)
from tests.support.processes import auth_process, free_port
from tests.support.redis_keys import delete_prefixed, unique_prefix

LOGIN, REGISTER, WRITES, BURST = 10, 20, 30, 60
RATES = {
    "THROTTLE_LOGIN": f"{LOGIN}/min",
    "THROTTLE_REGISTER": f"{REGISTER}/hour",
    "NOTES_WRITE_RATE": f"{WRITES}/min",
    "WEB_CONCURRENCY": "2",
    "GUNICORN_THREADS": None,  # gunicorn.conf.py's default
    # 30 lookups at once on a loaded machine: none may time out and open the breaker, or the
    # lookups counted would be fewer than the writes accepted for a reason other than the limit.
    "MUSIC_READ_TIMEOUT": "30",
}

_numbers = itertools.count(1)


def new_address() -> str:
    """A loopback address no other test here has used: its windows start empty."""
    n = next(_numbers)
    return f"127.77.{n // 250}.{n % 250 + 1}"


def new_name(label: str) -> str:
    return f"{label}{uuid.uuid4().hex[:8]}"


class FromAddress(requests.adapters.HTTPAdapter):
    def __init__(self, source: str):
        self.source = source
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, source_address=(self.source, 0), **kwargs)


def send(auth, method: str, path: str, *, source: str, **kwargs) -> requests.Response:
    """One request on a new connection (free to land on either worker) from ``source``."""
    with requests.Session() as session:
        session.mount("http://", FromAddress(source))
        return session.request(method, auth.url + path, allow_redirects=False, timeout=90, **kwargs)


def assert_429(answer: requests.Response) -> None:
    assert answer.status_code == 429 and answer.headers["content-type"].startswith("application/json"), (
        answer.text
    )
    retry_after = int(answer.headers["retry-after"])
    assert 1 <= retry_after <= 3600 and answer.json()["error"]
    assert answer.json()["detalle"] == {"reintentar_en_segundos": retry_after}


def assert_statuses(answers: list[requests.Response], expected: dict[int, int]) -> None:
    assert Counter(a.status_code for a in answers) == expected
    for answer in answers:
        if answer.status_code == 429:
            assert_429(answer)


def register(auth, username: str, *, source: str) -> requests.Response:
    return send(auth, "POST", "/register", source=source, json={"username": username, "password": PASSWORD})


def login(auth, username: str, password: str, *, source: str) -> requests.Response:
    return send(auth, "POST", "/login", source=source, json={"username": username, "password": password})


def new_token(auth) -> str:
    """The access token of a new account, each step from an address of its own."""
    username = new_name("u")
    assert register(auth, username, source=new_address()).status_code == 201
    tokens = login(auth, username, PASSWORD, source=new_address())
    assert tokens.status_code == 200, tokens.text
    return tokens.json()["access"]


def write(auth, token: str, song: str, *, key: str | None = None) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}", **({"Idempotency-Key": key} if key else {})}
    return send(auth, "POST", "/notas", source="127.0.0.1", json={"cancion": song}, headers=headers)


def searches_for(spotify, tag: str) -> list[str]:
    """The searches the Spotify double received for this test's songs (one per music lookup)."""
    return [query for query in spotify.stats()["queries"] if tag in query]


@pytest.fixture(scope="module", params=["sqlite", "redis"])
def limited(request, music, log_dir, tmp_path_factory):
    """auth_service with the limits under test; ``hits(key)`` reads a window's count in its store."""
    env = {**RATES, "REDIS_URL": ""}
    if request.param == "redis":
        url = redis_url_or_skip(14)
        env.update(REDIS_URL=url, REDIS_KEY_PREFIX=unique_prefix("bursts"))
        store = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=5)
    folder = tmp_path_factory.mktemp("bursts")
    with sqlite_auth(log_dir, folder, music.url, f"auth-bursts-{request.param}", **env) as auth:

        def hits(key: str) -> int:
            if request.param == "redis":
                return int(store.get(f"{env['REDIS_KEY_PREFIX']}:1:ratelimit:{key}"))
            return sql(auth.database, "SELECT hits FROM musica_ratelimit WHERE key = ?", key)[0][0]

        auth.hits = hits
        yield auth
        assert auth.logs().count("Booting worker") >= 2
    if request.param == "redis":
        delete_prefixed(store, env["REDIS_KEY_PREFIX"])


@pytest.mark.timeout(300)
def test_sixty_wrong_passwords_at_once_check_exactly_ten(limited):
    victim = new_name("victima")
    assert register(limited, victim, source=new_address()).status_code == 201
    attacker = new_address()

    answers = burst([lambda i=i: login(limited, victim, f"mala-{i}", source=attacker) for i in range(BURST)])

    assert_statuses(answers, {401: LOGIN, 429: BURST - LOGIN})
    assert limited.hits(f"login:{attacker}") == BURST  # every attempt counted once, in one window
    assert_429(login(limited, victim, PASSWORD, source=attacker))  # the right one waits too
    # Inventing a client address in X-Forwarded-For opens no new window (NUM_PROXIES=0).
    guess = {"username": victim, "password": "mala"}
    for fake in ("203.0.113.7", "198.51.100.1, 203.0.113.9", str(uuid.uuid4())):
        assert_429(
            send(limited, "POST", "/login", source=attacker, json=guess, headers={"X-Forwarded-For": fake})
        )
    # No lock-out: the account logs in from another address.
    assert login(limited, victim, PASSWORD, source=new_address()).status_code == 200


@pytest.mark.timeout(300)
def test_forty_registrations_at_once_get_exactly_the_quota_left(limited):
    source, tag = new_address(), new_name("alta")
    used = REGISTER - 3
    for i in range(used):
        assert register(limited, f"{tag}pre{i}", source=source).status_code == 201

    answers = burst([lambda i=i: register(limited, f"{tag}r{i}", source=source) for i in range(40)])

    assert_statuses(answers, {201: REGISTER - used, 429: 40 - (REGISTER - used)})
    created = sql(limited.database, "SELECT count(*) FROM accounts_user WHERE username LIKE ?", f"{tag}r%")
    assert created == [(REGISTER - used,)]


@pytest.mark.timeout(300)
def test_sixty_note_writes_at_once_get_thirty_and_thirty_lookups(limited, spotify):
    token = new_token(limited)
    tag = new_name("rafaga")

    answers = burst([lambda i=i: write(limited, token, f"{tag} {i}") for i in range(BURST)])

    assert_statuses(answers, {201: WRITES, 429: BURST - WRITES})
    refused = [a.json()["error"] for a in answers if a.status_code == 429]
    assert all(error.startswith("Demasiadas notas guardadas seguidas") for error in refused), refused
    saved = [a.json()["nota"] for a in answers if a.status_code == 201]
    assert all(note["enriquecimiento"] != "pendiente" for note in saved)  # each was looked up
    searched = searches_for(spotify, tag)
    assert len(searched) == WRITES and len(set(searched)) == WRITES, searched


@pytest.mark.timeout(300)
def test_login_forms_through_five_sessions_check_at_most_ten_passwords(limited):
    """A session of another account the guesser owns opens no window of its own: /login's counts."""
    victim = new_name("victima")
    assert register(limited, victim, source=new_address()).status_code == 201
    setup, attacker = new_address(), new_address()

    sessions = []
    for _ in range(5):
        owned = new_name("propia")
        assert register(limited, owned, source=new_address()).status_code == 201
        form = send(limited, "GET", "/api-auth/login/", source=setup)
        cookies = form.cookies
        own = {"username": owned, "password": PASSWORD, "csrfmiddlewaretoken": csrf_token(form.text)}
        logged_in = send(limited, "POST", "/api-auth/login/", source=setup, cookies=cookies, data=own)
        assert logged_in.status_code == 302 and "sessionid" in logged_in.cookies, logged_in
        sessions.append({**cookies, **logged_in.cookies})

    guesses = []
    for s, cookies in enumerate(sessions):
        for path in ("/admin/login/", "/api-auth/login/"):
            page = send(limited, "GET", path, source=attacker, cookies=cookies)
            assert page.status_code == 200, page
            jar, token = {**cookies, **page.cookies}, csrf_token(page.text)
            for j in range(BURST // 10):
                guess = {"username": victim, "password": f"mala-{s}-{j}", "csrfmiddlewaretoken": token}
                guesses.append(partial(send, limited, "POST", path, source=attacker, cookies=jar, data=guess))

    answers = burst(guesses)

    assert_statuses(answers, {200: LOGIN, 429: BURST - LOGIN})  # 200: the form again, password checked
    assert_429(login(limited, victim, "mala", source=attacker))  # /login shares the window
    assert login(limited, victim, PASSWORD, source=new_address()).status_code == 200


@pytest.mark.timeout(300)
def test_replays_of_an_idempotency_key_are_not_counted(limited, spotify):
    token = new_token(limited)
    tag = new_name("repite")
    first = write(limited, token, f"{tag} 0", key="k-0")
    assert first.status_code == 201

    replays = [lambda: write(limited, token, f"{tag} 0", key="k-0") for _ in range(WRITES)]
    fresh = [lambda i=i: write(limited, token, f"{tag} {i}", key=f"k-{i}") for i in range(1, WRITES + 1)]
    answers = burst(replays + fresh)

    for replay in answers[:WRITES]:
        assert replay.status_code == 201, replay
        assert replay.headers["idempotent-replayed"] == "true"
        assert replay.json()["nota"]["id"] == first.json()["nota"]["id"]
    # The first write used one of the window's 30; replays used none.
    assert Counter(a.status_code for a in answers[WRITES:]) == {201: WRITES - 1, 429: 1}
    assert len(searches_for(spotify, tag)) == WRITES


@pytest.mark.timeout(300)
def test_with_redis_unreachable_the_database_counts_and_the_limit_holds(music, log_dir, tmp_path):
    secret = uuid.uuid4().hex
    nowhere = f"redis://:{secret}@127.0.0.1:{free_port()}/0"  # nothing listens
    down = {"REDIS_URL": nowhere, "REDIS_KEY_PREFIX": unique_prefix("down")}
    with sqlite_auth(log_dir, tmp_path, music.url, "auth-bursts-redis-down", **{**RATES, **down}) as auth:
        victim = new_name("victima")
        assert register(auth, victim, source=new_address()).status_code == 201
        attacker = new_address()

        answers = burst([lambda i=i: login(auth, victim, f"mala-{i}", source=attacker) for i in range(BURST)])

        assert_statuses(answers, {401: LOGIN, 429: BURST - LOGIN})
        hits = sql(auth.database, "SELECT hits FROM musica_ratelimit WHERE key = ?", f"login:{attacker}")
        assert hits == [(BURST,)]
        logs = auth.logs()
    warnings = [line for line in logs.splitlines() if "Redis unreachable" in line]
    assert 1 <= len(warnings) <= 2, warnings  # at most one a minute per worker, not one per request
    assert '"level": "WARNING"' in warnings[0]
    assert secret not in logs


def database_limited(log_dir, url: str, name: str, workers: str):
    return auth_process(
        log_dir, database_url=url, music_url=f"http://127.0.0.1:{free_port()}", name=name,
        **{**RATES, "REDIS_URL": "", "WEB_CONCURRENCY": workers, "GUNICORN_THREADS": "2"},
    )  # fmt: skip


@pytest.mark.parametrize("where", ["two-workers-on-postgresql", "two-replicas-on-one-sqlite"])
def test_without_redis_one_login_window_holds_across_workers_and_replicas(where, log_dir, tmp_path):
    with contextlib.ExitStack() as stack:
        if where == "two-workers-on-postgresql":
            url = stack.enter_context(postgres_database("throttle"))
            replicas = [stack.enter_context(database_limited(log_dir, url, "auth-db-limit-pg", "2"))]
        else:
            url = f"sqlite:///{tmp_path / 'notas.db'}"
            replicas = [
                stack.enter_context(database_limited(log_dir, url, f"auth-replica-{i}", "1")) for i in (0, 1)
            ]
        # Wrong passwords in turn, each on a new connection (any worker), the replicas taken in turn.
        answers = [
            login(replicas[i % len(replicas)], "nadie", "mala", source="127.0.0.1") for i in range(2 * LOGIN)
        ]
        assert sum(replica.logs().count("Booting worker") for replica in replicas) >= 2
    assert [answer.status_code for answer in answers] == [401] * LOGIN + [429] * LOGIN, answers
    for answer in answers[LOGIN:]:
        assert_429(answer)
        assert int(answer.headers["retry-after"]) <= 60
