"""Faults end to end (README "Resilience" figures): no note is lost, Spotify is asked as little as
possible, nothing hangs."""

import contextlib
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
import requests

from tests.e2e.helpers import burst, redis_url_or_skip, services, sql, sqlite_auth
from tests.support.http import Api
from tests.support.processes import enrich_runner, music_process
from tests.support.redis_keys import delete_prefixed, prefixed_keys, unique_prefix
from tests.support.waiting import wait_until


def search(music, query: str, timeout: float, session=requests) -> requests.Response:
    return session.get(
        f"{music.url}/search", params={"q": query}, headers=music.service_auth, timeout=timeout
    )


@pytest.mark.timeout(360)  # 500 posts under a kill, then up to 60 s for the runner to fill them
def test_killing_music_mid_load_loses_no_note_and_all_get_enriched(tmp_path, log_dir, double, figures):
    # Writes unlimited (~31 notes per user in seconds); breaker and backoff short, to recover fast.
    env = {"MUSIC_BREAKER_COOLDOWN": "1", "ENRICH_MAX_BACKOFF": "3", "NOTES_WRITE_RATE": "off"}
    with (
        music_process(log_dir, spotify=double, name="music-killed") as music,
        sqlite_auth(log_dir, tmp_path, music.url, "auth-load", **env) as auth,
        enrich_runner(auth, interval=0.5),
    ):
        total, clients = 500, 16
        users = [Api(auth.url).register_and_login(f"carga{i}") for i in range(clients)]
        done, lock = [], threading.Lock()

        def post(i):
            user = users[i % clients]
            response = user.post("/notas", json={"cancion": f"Canción de carga {i}"}, timeout=30)
            with lock:
                done.append(response)
            return user.user_id, response

        def answered(share: float, when: str):
            wait_until(lambda: len(done) >= total * share, timeout=120, interval=0.05,
                       message=lambda: f"only {len(done)} of {total} posts answered {when}")  # fmt: skip

        with ThreadPoolExecutor(clients) as pool:
            futures = [pool.submit(post, i) for i in range(total)]
            answered(0.3, "before the kill")
            music.kill()  # kill -9 mid-load
            killed_at = len(done)
            answered(0.7, "while music was down")
            music.start()
            returned_at = time.monotonic()
            results = [future.result() for future in futures]

        statuses = [response.status_code for _, response in results]
        assert statuses.count(201) == total, {code: statuses.count(code) for code in set(statuses)}
        pending_at_201 = sum(r.json()["nota"]["enriquecimiento"] == "pendiente" for _, r in results)
        assert pending_at_201 > 0, "music was killed, yet no note was saved pendiente"
        # Every 201 has its row, with the token's user.
        created = {response.json()["nota"]["id"]: owner for owner, response in results}
        assert dict(sql(auth.database, "SELECT id, user_id FROM notes_note")) == created

        by_status = "SELECT enriquecimiento, COUNT(*) FROM notes_note GROUP BY 1"
        wait_until(
            lambda: dict(sql(auth.database, by_status)) == {"ok": total},
            timeout=returned_at + 60 - time.monotonic(),  # 60 s after music came back
            interval=0.5,
            message=lambda: f"60 s after music returned: {sql(auth.database, by_status)}",
        )
        back_in = round(time.monotonic() - returned_at, 1)
        figures(
            notes=total, clients=clients, killed_after=killed_at, responses_5xx=0, lost=0,
            saved_pendiente=pending_at_201, all_ok_after_music_returned_s=back_in,
        )  # fmt: skip


@pytest.fixture
def shared_cache_env():
    """Workers share the rate-limit block through Redis (under a prefix of this test's own, removed
    afterwards); without Redis, a single worker shares it."""
    try:
        url = redis_url_or_skip(13)
    except pytest.skip.Exception:
        yield {"WEB_CONCURRENCY": "1"}
        return
    prefix = unique_prefix("music-429")
    yield {"REDIS_URL": url, "REDIS_KEY_PREFIX": prefix}
    delete_prefixed(redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=5), prefix)


def test_spotify_429_is_not_slept_on_and_not_asked_again(
    tmp_path, log_dir, double, figures, shared_cache_env
):
    double.configure(mode="429", retry_after=3600)
    with services(tmp_path, "429", spotify=double, music_env=shared_cache_env) as (auth, music):
        started = time.monotonic()
        first = search(music, "Queen", timeout=1)  # a hang trips the 1 s timeout and fails the test
        took = time.monotonic() - started
        assert first.status_code == 503 and first.json()["error"]
        assert 3590 <= int(first.headers["Retry-After"]) <= 3600
        assert double.stats()["search_calls"] == 1

        user = Api(auth.url).register_and_login("rate_limited")
        for song in ("Queen", "Bohemian Rhapsody", "Despacito"):
            note = user.post("/notas", json={"cancion": song}, timeout=5)
            assert note.status_code == 201 and note.json()["aviso"]
            assert note.json()["nota"]["enriquecimiento"] == "pendiente"
        assert search(music, "otra", timeout=1).status_code == 503
        assert double.stats()["search_calls"] == 1  # no further call reached Spotify
        figures(music_answered_in_ms=round(took * 1000), spotify_search_calls=1)


@pytest.mark.parametrize(("mode", "latency_ms", "music_status"), [("ok", 5000, 503), ("500", 0, 502)])
def test_slow_or_failing_spotify_never_hangs_either_service(
    tmp_path, log_dir, double, figures, mode, latency_ms, music_status
):
    double.configure(mode=mode, latency_ms=latency_ms)
    spotify_timeouts = {"SPOTIFY_CONNECT_TIMEOUT": "1", "SPOTIFY_READ_TIMEOUT": "2"}
    with services(tmp_path, mode, spotify=double, music_env=spotify_timeouts, MUSIC_READ_TIMEOUT="3") as both:
        auth, music = both
        # Clients give up one second after each service's own timeout: a hang fails the test.
        started = time.monotonic()
        direct = search(music, "Queen", timeout=1 + 2 + 1)
        music_took = round(time.monotonic() - started, 2)
        assert direct.status_code == music_status and direct.json()["error"]

        user = Api(auth.url).register_and_login(f"lento_{mode}")
        started = time.monotonic()
        note = user.post("/notas", json={"cancion": "Bohemian Rhapsody"}, timeout=1 + 3 + 1)
        auth_took = round(time.monotonic() - started, 2)
        assert note.status_code == 201 and note.json()["nota"]["enriquecimiento"] == "pendiente"
        figures(music_status=music_status, music_answered_in_s=music_took, auth_answered_in_s=auth_took)


def test_64_concurrent_posts_on_sqlite_with_two_workers(auth, new_user, figures):
    users = [new_user("concurrente") for _ in range(8)]
    before = {u.user_id: u.get("/notas").json()["count"] for u in users}
    note = {"cancion": "Queen", "texto": "nota"}
    calls = [lambda i=i: users[i % 8].post("/notas", json=note, timeout=30) for i in range(64)]
    statuses = [response.status_code for response in burst(calls)]
    assert statuses == [201] * 64
    after = {u.user_id: u.get("/notas").json()["count"] for u in users}
    assert all(after[u.user_id] - before[u.user_id] == 8 for u in users)
    assert "database is locked" not in auth.logs()
    figures(requests=64, errors=0, workers=2)


def test_three_music_replicas_share_one_cache_and_one_token(log_dir, double, figures):
    url = redis_url_or_skip(13)
    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=5)
    prefix = unique_prefix("music-replicas")  # a cache of their own, empty at start
    shared = {"REDIS_URL": url, "REDIS_KEY_PREFIX": prefix}
    with contextlib.ExitStack() as stack:
        stack.callback(delete_prefixed, client, prefix)
        replicas = [
            stack.enter_context(music_process(log_dir, spotify=double, name=f"music-replica-{i}", **shared))
            for i in range(3)
        ]
        songs = [f"Canción número {n}" for n in range(100)]
        rng = random.Random(2026)
        # Every song at least once, the rest drawn by a Zipf-like popularity.
        queries = songs + rng.choices(songs, weights=[1 / (rank + 1) for rank in range(100)], k=900)
        rng.shuffle(queries)
        sessions = threading.local()

        def one(i):
            sessions.s = getattr(sessions, "s", None) or requests.Session()
            return search(replicas[i % 3], queries[i], timeout=10, session=sessions.s).status_code

        with ThreadPoolExecutor(16) as pool:
            assert list(pool.map(one, range(len(queries)))) == [200] * len(queries)
        stats = double.stats()
        assert stats["search_calls"] <= 100 and sorted(set(stats["queries"])) == sorted(songs), stats
        assert stats["token_calls"] <= 1
        assert prefixed_keys(client, prefix), f"the replicas wrote no cache key under {prefix}:"
        calls = {"spotify_search_calls": stats["search_calls"], "spotify_token_calls": stats["token_calls"]}
        figures(searches=len(queries), distinct_songs=100, replicas=3, **calls)
    assert prefixed_keys(client, prefix) == []  # only this test's keys, and all of them, removed
