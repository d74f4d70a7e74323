"""The services under load: music_service and three auth_services (ENRICHMENT_MODE sync, off and
async with its runner), each auth with its own SQLite database, on free ports; their users, the
reader's notes and the warm song pool."""

import contextlib
import os
import runpy
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from tests.support.http import Api
from tests.support.processes import ROOT, auth_process, enrich_runner, music_process

from .wrk import Bench, say

MODES = ("sync", "off", "async")


def gunicorn_config(service: str, workers: int | None, threads: int | None) -> dict[str, str]:
    """The workers/threads/keepalive a service will run with: its gunicorn.conf.py, read with the
    environment the bench gives it (WEB_CONCURRENCY/GUNICORN_THREADS only when set by a flag)."""
    given = {"WEB_CONCURRENCY": workers, "GUNICORN_THREADS": threads}
    saved = dict(os.environ)
    try:
        for key in ("WEB_CONCURRENCY", "GUNICORN_THREADS", "REDIS_URL"):
            os.environ.pop(key, None)
        os.environ.update({key: str(value) for key, value in given.items() if value is not None})
        conf = runpy.run_path(str(ROOT / f"{service}_project" / "gunicorn.conf.py"))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return {
        f"{service}_workers": str(conf["workers"]),
        f"{service}_threads": str(conf["threads"]),
        f"{service}_keepalive": str(conf.get("keepalive", 2)),
    }


@dataclass
class Stack:
    """What the scenarios share: the running services, tokens and the warm song pool."""

    music: object
    auth: dict  # by ENRICHMENT_MODE; each has .database (its SQLite file)
    tokens: dict[str, str]  # by mode, and "reader" (the user with many notes)
    pool: list[str]  # songs music has already answered
    music_env: dict
    runner: object  # the async auth's re-enrichment runner

    def runner_running(self) -> None:
        """Start the runner again if a drain stopped it (an async scenario needs it)."""
        if self.runner.proc is None or self.runner.proc.poll() is not None:
            self.runner.start()


def seed_notes(auth, username: str, count: int) -> None:
    """``count`` notes for one user, written with the ORM in one bulk insert."""
    code = (
        "from django.contrib.auth import get_user_model; from notes.models import Note; "
        f"u = get_user_model().objects.get(username={username!r}); "
        "Note.objects.bulk_create([Note(user=u, cancion=f'lista {i}', texto='nota ' * 20, "
        "enriquecimiento='ok', foto='https://i.scdn.co/image/x', titulo='t', artista='a', album='b') "
        f"for i in range({count})], batch_size=500)"
    )
    auth.manage("shell", "-c", code)


@contextlib.contextmanager
def running(bench: Bench, config: dict, workdir: Path):
    logs = workdir / "logs"
    logs.mkdir()
    # Always the resolved values, so a WEB_CONCURRENCY in the caller's shell cannot leak in; the
    # local-memory cache whatever REDIS_URL the shell has.
    music_env = {
        "WEB_CONCURRENCY": config["music_workers"],
        "GUNICORN_THREADS": config["music_threads"],
        "REDIS_URL": "",
        "LOG_LEVEL": "INFO",
    }
    auth_env = {
        "WEB_CONCURRENCY": config["auth_workers"],
        "GUNICORN_THREADS": config["auth_threads"],
        "JWT_ACCESS_MINUTES": "120",
        "NOTES_WRITE_RATE": "off",  # one user per mode writes thousands of notes
        "REDIS_URL": "",
        "LOG_LEVEL": "INFO",
    }
    with contextlib.ExitStack() as stack:
        say("starting music_service, auth_service ×3 (sync, off, async), the async runner")
        music = stack.enter_context(music_process(logs, spotify=bench.double, **music_env))

        def start_auth(mode: str):
            database = workdir / f"notas-{mode}.db"
            service = auth_process(
                logs,
                name=f"auth-{mode}",
                database_url=f"sqlite:///{database}",
                music_url=music.url,
                ENRICHMENT_MODE=mode,
                **auth_env,
            )
            service.database = database
            stack.callback(service.stop)  # a no-op for one that never started
            return service.start()

        # Migrating and starting take a few seconds each: the three in parallel, and then the
        # users (a password hash each: slow on purpose) and the reader's notes.
        with ThreadPoolExecutor(max_workers=4) as pool:
            auth = dict(zip(MODES, pool.map(start_auth, MODES), strict=True))
            users = {**auth, "reader": auth["sync"]}
            logins = {
                who: pool.submit(Api(s.url).register_and_login, f"bench_{who}") for who, s in users.items()
            }
            tokens = {who: login.result().token for who, login in logins.items()}
            pool.submit(seed_notes, auth["sync"], "bench_reader", bench.profile.list_notes).result()
        runner = stack.enter_context(enrich_runner(auth["async"], interval=0.5))

        say("warming the song pool")
        songs = [f"warm song {i}" for i in range(bench.profile.warm_songs)]
        api = Api(music.url, token=music.env["MUSIC_SERVICE_TOKEN"])
        for song in songs:
            assert api.get("/search?" + urlencode({"q": song, "limit": 1})).json()["results"], song
        warmed = len(bench.searches())
        bench.check(warmed == len(songs), f"warming searched each of {len(songs)} pool songs once ({warmed})")
        yield Stack(music, auth, tokens, songs, music_env, runner)
