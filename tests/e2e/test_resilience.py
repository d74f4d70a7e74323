"""Faults end to end: no note is lost, Spotify is asked as little as possible, nothing hangs."""

import random
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
import requests

from tests.spotify_double.server import SpotifyDouble
from tests.support.http import Api
from tests.support.processes import auth_process, enrich_runner, music_process
from tests.support.redis_keys import delete_prefixed, prefixed_keys, unique_prefix
from tests.support.waiting import wait_until

REDIS_URL = "redis://127.0.0.1:6379/13"
RECOVERY = {"MUSIC_BREAKER_COOLDOWN": "1", "ENRICH_MAX_BACKOFF": "3"}
# The load test writes ~31 notes per user in seconds: the per-user write limit would answer 429.
UNLIMITED_WRITES = {"NOTES_WRITE_RATE": "off"}


@pytest.fixture
def double():
    with SpotifyDouble(synthesize=True).start() as server:
        yield server


def _rows(database, sql, *params):
    with sqlite3.connect(database, timeout=30) as db:
        return db.execute(sql, params).fetchall()


@pytest.mark.timeout(360)  # 500 posts under a kill, then up to 60 s for the runner to fill them
def test_killing_music_mid_load_loses_no_note_and_all_get_enriched(tmp_path, log_dir, double, figures):
    database = tmp_path / "notas.db"
    music = music_process(log_dir, spotify=double, name="music-killed").start()
    auth = auth_process(
        log_dir,
        database_url=f"sqlite:///{database}",
        music_url=music.url,
        name="auth-load",
        **RECOVERY,
        **UNLIMITED_WRITES,
    ).start()
    runner = enrich_runner(auth, interval=0.5).start()
    try:
        total, clients = 500, 16
        users = [Api(auth.url).register_and_login(f"carga{i}") for i in range(clients)]
        done = []
        done_lock = threading.Lock()

        def post(i):
            user = users[i % clients]
            response = user.post("/notas", json={"cancion": f"Canción de carga {i}"}, timeout=30)
            with done_lock:
                done.append(response)
            return i, user.user_id, response

        with ThreadPoolExecutor(clients) as pool:
            futures = [pool.submit(post, i) for i in range(total)]
            wait_until(
                lambda: len(done) >= total * 0.3,
                timeout=120,
                interval=0.05,
                message=lambda: f"only {len(done)} of {total} posts answered before the kill",
            )
            music.kill()  # kill -9 mid-load
            killed_at = len(done)
            wait_until(
                lambda: len(done) >= total * 0.7,
                timeout=120,
                interval=0.05,
                message=lambda: f"only {len(done)} of {total} posts answered while music was down",
            )
            music.start()
            returned_at = time.monotonic()
            results = [future.result() for future in futures]

        statuses = [response.status_code for _, _, response in results]
        assert statuses.count(201) == total, {code: statuses.count(code) for code in set(statuses)}
        created = {response.json()["nota"]["id"]: owner for _, owner, response in results}
        pending_at_201 = sum(r.json()["nota"]["enriquecimiento"] == "pendiente" for _, _, r in results)
        assert pending_at_201 > 0, "music was killed, yet no note was saved pendiente"

        rows = dict(_rows(database, "SELECT id, user_id FROM notes_note"))
        assert rows == created  # every 201 has its row, with the token's user

        pending_sql = "SELECT COUNT(*) FROM notes_note WHERE enriquecimiento = 'pendiente'"
        wait_until(
            lambda: _rows(database, pending_sql)[0][0] == 0,
            timeout=returned_at + 60 - time.monotonic(),  # 60 s after music came back
            interval=0.5,
            message=lambda: f"still pendiente 60 s after music returned: {_rows(database, pending_sql)}",
        )
        reenriched_in = round(time.monotonic() - returned_at, 1)
        statuses_now = dict(_rows(database, "SELECT enriquecimiento, COUNT(*) FROM notes_note GROUP BY 1"))
        assert statuses_now == {"ok": total}, statuses_now
        figures(
            notes=total,
            clients=clients,
            killed_after=killed_at,
            responses_5xx=0,
            lost=0,
            saved_pendiente=pending_at_201,
            all_ok_after_music_returned_s=reenriched_in,
        )
    finally:
        runner.stop()
        auth.stop()
        music.stop()


@pytest.fixture
def shared_cache_env():
    """Workers share the rate-limit block through Redis (under this test's own key prefix, removed
    afterwards: a block from an earlier run cannot leak in); without Redis, a single worker shares it."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=5)
    try:
        client.ping()
    except redis.RedisError:
        yield {"WEB_CONCURRENCY": "1"}
        return
    prefix = unique_prefix("music-429")
    yield {"REDIS_URL": REDIS_URL, "REDIS_KEY_PREFIX": prefix}
    delete_prefixed(client, prefix)


def test_spotify_429_is_not_slept_on_and_not_asked_again(
    tmp_path, log_dir, double, figures, shared_cache_env
):
    double.configure(mode="429", retry_after=3600)
    with (
        music_process(log_dir, spotify=double, name="music-429", **shared_cache_env) as music,
        auth_process(
            log_dir, database_url=f"sqlite:///{tmp_path / 'n.db'}", music_url=music.url, name="auth-429"
        ) as auth,
    ):
        started = time.monotonic()
        # A hang would trip the client's 1 s timeout and fail the test.
        first = requests.get(
            f"{music.url}/search", params={"q": "Queen"}, headers=music.service_auth, timeout=1
        )
        took = time.monotonic() - started
        assert first.status_code == 503
        assert 3590 <= int(first.headers["Retry-After"]) <= 3600
        assert first.json()["error"]
        calls = double.stats()["search_calls"]
        assert calls == 1

        user = Api(auth.url).register_and_login("rate_limited")
        for song in ("Queen", "Bohemian Rhapsody", "Despacito"):
            note = user.post("/notas", json={"cancion": song}, timeout=5)
            assert note.status_code == 201
            assert note.json()["nota"]["enriquecimiento"] == "pendiente"
            assert note.json()["aviso"]
        again = requests.get(
            f"{music.url}/search", params={"q": "otra"}, headers=music.service_auth, timeout=1
        )
        assert again.status_code == 503
        assert double.stats()["search_calls"] == calls  # no further call reached Spotify
        figures(music_answered_in_ms=round(took * 1000), spotify_search_calls=double.stats()["search_calls"])


@pytest.mark.parametrize(("mode", "latency_ms", "music_status"), [("ok", 5000, 503), ("500", 0, 502)])
def test_slow_or_failing_spotify_never_hangs_either_service(
    tmp_path, log_dir, double, figures, mode, latency_ms, music_status
):
    double.configure(mode=mode, latency_ms=latency_ms)
    music_timeouts = {"SPOTIFY_CONNECT_TIMEOUT": "1", "SPOTIFY_READ_TIMEOUT": "2"}
    with (
        music_process(log_dir, spotify=double, name=f"music-{mode}", **music_timeouts) as music,
        auth_process(
            log_dir,
            database_url=f"sqlite:///{tmp_path / 'n.db'}",
            music_url=music.url,
            name=f"auth-{mode}",
            MUSIC_READ_TIMEOUT="3",
        ) as auth,
    ):
        started = time.monotonic()
        # Clients give up one second after each service's own timeout: a hang fails the test.
        direct = requests.get(
            f"{music.url}/search", params={"q": "Queen"}, headers=music.service_auth, timeout=1 + 2 + 1
        )
        music_took = time.monotonic() - started
        assert direct.status_code == music_status
        assert direct.json()["error"]

        user = Api(auth.url).register_and_login(f"lento_{mode}")
        started = time.monotonic()
        note = user.post("/notas", json={"cancion": "Bohemian Rhapsody"}, timeout=1 + 3 + 1)
        auth_took = time.monotonic() - started
        assert note.status_code == 201
        assert note.json()["nota"]["enriquecimiento"] == "pendiente"
        figures(
            music_status=direct.status_code,
            music_answered_in_s=round(music_took, 2),
            auth_answered_in_s=round(auth_took, 2),
        )


def test_64_concurrent_posts_on_sqlite_with_two_workers(auth, new_user, figures):
    users = [new_user("concurrente") for _ in range(8)]
    before = {u.user_id: u.get("/notas").json()["count"] for u in users}
    barrier = threading.Barrier(64)

    def post(i):
        user = users[i % len(users)]
        barrier.wait()
        return user.post("/notas", json={"cancion": "Queen", "texto": f"nota {i}"}, timeout=30).status_code

    with ThreadPoolExecutor(64) as pool:
        statuses = list(pool.map(post, range(64)))
    assert statuses == [201] * 64
    after = {u.user_id: u.get("/notas").json()["count"] for u in users}
    assert sum(after.values()) - sum(before.values()) == 64
    assert all(after[u.user_id] - before[u.user_id] == 8 for u in users)
    assert "database is locked" not in auth.logs()
    figures(requests=64, errors=64 - statuses.count(201), workers=2)


def _redis_or_skip():
    try:
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
        client.ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {REDIS_URL}: the shared-cache test needs one")
    return client


def test_three_music_replicas_share_one_cache_and_one_token(log_dir, double, figures):
    client = _redis_or_skip()
    prefix = unique_prefix("music-replicas")  # a cache of their own, empty at start
    replicas = []
    try:
        for i in range(3):
            replica = music_process(
                log_dir,
                spotify=double,
                name=f"music-replica-{i}",
                REDIS_URL=REDIS_URL,
                REDIS_KEY_PREFIX=prefix,
            )
            replicas.append(replica.start())
        songs = [f"Canción número {n}" for n in range(100)]
        rng = random.Random(2026)
        weights = [1 / (rank + 1) for rank in range(len(songs))]  # Zipf-like popularity
        # Every song at least once, the rest drawn by popularity.
        queries = songs + rng.choices(songs, weights=weights, k=900)
        rng.shuffle(queries)
        sessions = threading.local()

        def search(i):
            session = getattr(sessions, "s", None) or requests.Session()
            sessions.s = session
            replica = replicas[i % len(replicas)]
            response = session.get(
                f"{replica.url}/search", params={"q": queries[i]}, headers=replica.service_auth, timeout=10
            )
            return response.status_code

        with ThreadPoolExecutor(16) as pool:
            statuses = list(pool.map(search, range(len(queries))))
        assert statuses == [200] * len(queries)
        stats = double.stats()
        assert stats["search_calls"] <= 100, stats["search_calls"]
        assert sorted(set(stats["queries"])) == sorted(songs)
        assert stats["token_calls"] <= 1
        assert prefixed_keys(client, prefix), f"the replicas wrote no cache key under {prefix}:"
        figures(
            searches=len(queries),
            distinct_songs=100,
            replicas=3,
            spotify_search_calls=stats["search_calls"],
            spotify_token_calls=stats["token_calls"],
        )
    finally:
        for replica in replicas:
            replica.stop()
        delete_prefixed(client, prefix)
    assert prefixed_keys(client, prefix) == []  # only this test's keys, and all of them, removed
