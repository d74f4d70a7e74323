"""Where a note's CPU goes in auth_service: POST /notas (ENRICHMENT_MODE=off) and GET /notas in one process.

Scenario 3's request of scripts/bench (a JWT Bearer, a JSON body {"cancion": ...}, every song new,
NOTES_WRITE_RATE=off) and scenario 5's (a page of 20 of a reader's 1,000 notes), driven straight
through auth's WSGI application (what gunicorn calls), with the service's own settings, a temporary
SQLite database (WAL, as deployed), the database cache and the JSON access log (written to
/dev/null). No network, no gunicorn, no music_service: what is left is auth's own CPU per request.

It prints the CPU time per request (process time, so other load on the machine barely moves it),
the SQL queries of one request of each kind, and, with --profile, cProfile's top functions by
cumulative and by own time, plus a share table of the costs docs/benchmarks.md tracks.

Usage: .venv/bin/python scripts/lib/profile_note.py [--requests 2000] [--profile] [--top 30]
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import logging
import os
import pstats
import secrets
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = secrets.token_urlsafe(16)  # nobody logs in with it: the tokens are minted

# Each share row: a label and the (file fragment, function name) pairs whose cumulative time it is.
SHARES = [
    ("whole request (WSGI handler)", [("django/core/handlers/wsgi.py", "__call__")]),
    (
        "JWT authentication (decode + user query)",
        [("rest_framework_simplejwt/authentication.py", "authenticate")],
    ),
    ("  of which: the user query", [("config/authentication.py", "get_user")]),
    ("note serializer: validation", [("rest_framework/serializers.py", "is_valid")]),
    ("note serializer: output (.data)", [("rest_framework/serializers.py", "data")]),
    ("JSON rendering", [("rest_framework/renderers.py", "render")]),
    ("content negotiation", [("rest_framework/views.py", "perform_content_negotiation")]),
    ("Model.save (INSERT)", [("django/db/models/base.py", "save")]),
    (
        "transaction (BEGIN/COMMIT)",
        [("django/db/transaction.py", "__enter__"), ("django/db/transaction.py", "__exit__")],
    ),
    ("access log line (format + redaction)", [("logging/__init__.py", "handle")]),
    ("  of which: redaction", [("musica_kit/request_context.py", "redact")]),
    ("throttle check", [("rest_framework/views.py", "check_throttles")]),
    ("session middleware", [("django/contrib/sessions/middleware.py", "process_response")]),
    (
        "CSRF middleware",
        [("django/middleware/csrf.py", "process_view"), ("django/middleware/csrf.py", "process_response")],
    ),
    ("CSP middleware", [("csp/middleware.py", "process_response"), ("csp/middleware.py", "process_request")]),
    ("URL resolving", [("django/urls/resolvers.py", "resolve")]),
    ("pagination (count + page)", [("rest_framework/pagination.py", "paginate_queryset")]),
    ("SQL execution (cursor.execute)", [("django/db/backends/utils.py", "execute")]),
]


def setup_django(workdir: Path) -> None:
    for name in ("DJANGO_SECRET_KEY", "JWT_SIGNING_KEY", "MUSIC_SERVICE_TOKEN"):
        os.environ.setdefault(name, secrets.token_urlsafe(50))  # fresh, never printed
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": f"sqlite:///{workdir / 'notas.db'}",
            "ENRICHMENT_MODE": "off",
            "NOTES_WRITE_RATE": "off",
            "REDIS_URL": "",
            "LOG_LEVEL": "INFO",
            "JWT_ACCESS_MINUTES": "120",
            "DJANGO_DEBUG": "",
        }
    )
    sys.path.insert(0, str(ROOT / "auth_project"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def make_users():
    from django.contrib.auth import get_user_model
    from rest_framework_simplejwt.tokens import AccessToken

    from notes.models import Note

    User = get_user_model()
    writer = User.objects.create_user(username="writer", password=PASSWORD)
    reader = User.objects.create_user(username="reader", password=PASSWORD)
    Note.objects.bulk_create(
        [Note(user=reader, cancion=f"song {i}", texto="t", enriquecimiento="pendiente") for i in range(1000)]
    )
    return str(AccessToken.for_user(writer)), str(AccessToken.for_user(reader))


def environ(method: str, path: str, token: str, body: bytes = b"") -> dict:
    return {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "5000",
        "REMOTE_ADDR": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1:5000",
        "HTTP_ACCEPT": "application/json",
        "HTTP_AUTHORIZATION": f"Bearer {token}",
        "CONTENT_TYPE": "application/json" if body else "",
        "CONTENT_LENGTH": str(len(body)) if body else "",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0),
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


class Driver:
    def __init__(self, app, writer_token: str, reader_token: str):
        self.app, self.writer, self.reader, self.n = app, writer_token, reader_token, 0

    def _call(self, env: dict, expected: int) -> None:
        status = []
        result = self.app(env, lambda s, headers, exc_info=None: status.append(s))
        body = b"".join(result)
        if hasattr(result, "close"):
            result.close()
        code = int(status[0].split()[0])
        if code != expected:
            raise SystemExit(f"{env['REQUEST_METHOD']} {env['PATH_INFO']}: {status[0]} {body[:300]!r}")

    def post(self) -> None:
        self.n += 1
        body = f'{{"cancion": "off t1 n{self.n}"}}'.encode()
        self._call(environ("POST", "/notas", self.writer, body), 201)

    def get(self) -> None:
        self._call(environ("GET", "/notas", self.reader), 200)

    def post_warm(self) -> None:
        """Scenario 1's note (run under ``sync_mode``): a song of a 50-song pool music already answered."""
        self.n += 1
        body = f'{{"cancion": "warm song {self.n % 50}"}}'.encode()
        self._call(environ("POST", "/notas", self.writer, body), 201)


def cpu_per_request(call, count: int, rounds: int = 5) -> tuple[float, float]:
    """CPU milliseconds per request (process time: user + system of this process), the best and
    the median of ``rounds`` rounds: other load on the machine only ever adds (caches, clocks)."""
    per_round = max(count // rounds, 1)
    results = []
    for _ in range(rounds):
        started = time.process_time()
        for _ in range(per_round):
            call()
        results.append((time.process_time() - started) * 1000 / per_round)
    results.sort()
    return results[0], results[len(results) // 2]


def queries_of(call) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        call()
    return [q["sql"] for q in captured.captured_queries]


def shares(stats: pstats.Stats, total: float) -> list[tuple[str, float]]:
    rows = []
    for label, targets in SHARES:
        cumulative = 0.0
        for (filename, _line, name), (_cc, _nc, _tt, ct, callers) in stats.stats.items():
            wanted = any(fragment in filename for fragment, function in targets if function == name)
            # Only calls from outside the function itself (recursion is not counted twice).
            if wanted and not any(caller[2] == name and caller[0] == filename for caller in callers):
                cumulative += ct
        rows.append((label, 100 * cumulative / total if total else 0.0))
    return rows


def profile(call, count: int, top: int, title: str) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(count):
        call()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    total = stats.total_tt
    print(f"\n=== {title}: {count} requests under cProfile, {total * 1000 / count:.2f} ms/request profiled")
    print("share of the profiled time (cumulative, the costs docs/benchmarks.md tracks):")
    for label, percent in shares(stats, total):
        print(f"  {percent:5.1f} %  {label}")
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    print("\n".join(line for line in out.getvalue().splitlines() if line.strip()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="requests of each kind (default 2000)")
    parser.add_argument(
        "--profile", action="store_true", help="also run them under cProfile and print the top"
    )
    parser.add_argument("--top", type=int, default=30, help="functions printed per cProfile table")
    parser.add_argument("--only", choices=("post", "get", "warm"), help="one kind of request only")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="profile-note-") as tmp, contextlib.ExitStack() as stack:
        if args.only in (None, "warm"):
            # Scenario 1: a real music_service (gunicorn) in front of the Spotify double, as in
            # scripts/bench; once warm, auth answers the pool from its HTTP cache without music.
            sys.path.insert(0, str(ROOT))
            from tests.spotify_double.server import SpotifyDouble
            from tests.support.processes import SERVICE_TOKEN, music_process

            double = stack.enter_context(SpotifyDouble(synthesize=True))
            music = stack.enter_context(music_process(Path(tmp), spotify=double, REDIS_URL=""))
            os.environ.update(MUSIC_SERVICE_URL=music.url, MUSIC_SERVICE_TOKEN=SERVICE_TOKEN)
        setup_django(Path(tmp))
        from django.core.wsgi import get_wsgi_application

        driver = Driver(get_wsgi_application(), *make_users())
        # The access log is formatted and written as in production, to /dev/null (after
        # get_wsgi_application, whose django.setup() configures logging again).
        devnull = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the process
        for handler in logging.getLogger().handlers:
            if isinstance(handler, logging.StreamHandler):
                handler.setStream(devnull)
        from django.test import override_settings

        off, sync = override_settings(ENRICHMENT_MODE="off"), override_settings(ENRICHMENT_MODE="sync")
        kinds = {  # each kind runs whole under its settings (switching per request would cost CPU)
            "post": ("POST /notas (enrichment off)", driver.post, off),
            "get": ("GET /notas (20 of 1,000)", driver.get, off),
            "warm": ("POST /notas (sync, music's answer cached)", driver.post_warm, sync),
        }
        if args.only:
            kinds = {args.only: kinds[args.only]}
        for _title, call, mode in kinds.values():  # warm-up: imports, connections, caches
            with mode:
                for _ in range(50):
                    call()
        for title, call, mode in kinds.values():
            with mode:
                sql = queries_of(call)
            print(f"{title}: {len(sql)} SQL queries per request")
            for statement in sql:
                print(f"    {statement[:150]}")
        for title, call, mode in kinds.values():
            with mode:
                best, median = cpu_per_request(call, args.requests)
            print(
                f"{title}: {best:.3f} CPU ms per request "
                f"(best of 5 rounds; median {median:.3f}; {args.requests} requests)"
            )
        if args.profile:
            for title, call, mode in kinds.values():
                with mode:
                    profile(call, args.requests, args.top, title)


if __name__ == "__main__":
    main()
