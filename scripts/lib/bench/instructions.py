"""Instructions per note in auth_service, counted by valgrind's callgrind: a figure that does not
move with other load, where CPU ms per request on this shared machine moves by ±50 % between runs.

auth's WSGI application runs in one process (Django's test client: every middleware, SimpleJWT, the
serializer, the ORM on SQLite, the access log; prometheus_client in multiprocess mode as under
gunicorn) against a real music_service and the Spotify double. It makes N1 and then N2 notes after
the same warm-up, each run under callgrind; (I(N2) - I(N1)) / (N2 - N1) leaves start-up out.

Usage: python -m scripts.lib.bench.instructions [--checkout DIR] [--mode cached|bare] [--env K=V ...]
  --checkout  another worktree (its .venv and code), e.g. an older commit, for a before/after
  --mode      cached: songs music has answered (scenario 1); cold: every song new, music asks the
              Spotify double (scenario 2; auth's instructions only); bare: ENRICHMENT_MODE=off (scenario 3)
  --env       extra settings for auth, e.g. METRICS_TOKEN=... to count what metrics cost
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

from tests.spotify_double.server import SpotifyDouble
from tests.support.http import Api
from tests.support.processes import BASE_ENV, ROOT, music_process

# Run by the checkout's Python in its auth_project: a user, a token, then POST /notas in a loop.
DRIVER = """
import json, os, sys
import django
django.setup()
from django.contrib.auth import get_user_model
from django.test import Client
from rest_framework_simplejwt.tokens import AccessToken
user = get_user_model().objects.create(username=f"count{os.getpid()}")
headers = {"HTTP_AUTHORIZATION": f"Bearer {AccessToken.for_user(user)}", "HTTP_HOST": "127.0.0.1"}
client = Client()
for i in range(50 + int(sys.argv[1])):  # the first 50 warm every cache
    song = f"warm song {i % 50}" if sys.argv[2] == "cached" else f"cold song {os.getpid()} {i}"
    body = json.dumps({"cancion": song, "texto": "t"})
    answer = client.post("/notas", data=body, content_type="application/json", **headers)
    assert answer.status_code == 201, answer.content[:300]
"""


def count(python: str, cwd: Path, env: dict, notes: int, mode: str) -> int:
    valgrind = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"]
    done = subprocess.run(
        [*valgrind, python, "-c", DRIVER, str(notes), mode],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=3600,
    )  # fmt: skip
    found = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode or not found:
        raise SystemExit(f"callgrind run failed:\n{done.stderr[-3000:]}")
    return int(found.group(1))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checkout", type=Path, default=ROOT)
    parser.add_argument("--mode", choices=("cached", "cold", "bare"), default="cached")
    parser.add_argument("--env", action="append", default=[], metavar="K=V")
    parser.add_argument("--notes", type=int, nargs=2, default=(20, 120), metavar=("N1", "N2"))
    args = parser.parse_args(argv)
    extra = dict(item.split("=", 1) for item in args.env)
    python = str(args.checkout / ".venv" / "bin" / "python")
    with (
        tempfile.TemporaryDirectory() as tmp,
        SpotifyDouble(synthesize=True) as double,
        music_process(Path(tmp), spotify=double, REDIS_URL="", WEB_CONCURRENCY="1") as music,
    ):
        api = Api(music.url, token=music.env["MUSIC_SERVICE_TOKEN"])
        for i in range(50):
            api.get("/search?" + urlencode({"q": f"warm song {i}", "limit": 1}))
        (Path(tmp) / "metrics").mkdir()
        skip = {"METRICS_TOKEN", "OTEL_EXPORTER_OTLP_ENDPOINT", "REDIS_URL"}
        env = {k: v for k, v in os.environ.items() if k not in skip}
        env.update(BASE_ENV)
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings", DATABASE_URL=f"sqlite:///{tmp}/notas.db",
            MUSIC_SERVICE_URL=music.url, ENRICHMENT_MODE="off" if args.mode == "bare" else "sync",
            NOTES_WRITE_RATE="off", PROMETHEUS_MULTIPROC_DIR=f"{tmp}/metrics", PYTHONHASHSEED="0",
        )  # fmt: skip
        env.update(extra)
        cwd = args.checkout / "auth_project"
        subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=cwd, env=env, check=True, timeout=300)
        n1, n2 = args.notes
        low, high = count(python, cwd, env, n1, args.mode), count(python, cwd, env, n2, args.mode)
    shown = {k: ("…" if "TOKEN" in k else v) for k, v in extra.items()}
    result = {"checkout": str(args.checkout), "mode": args.mode, "env": shown, "instructions": [low, high]}
    print(json.dumps({**result, "per_note": round((high - low) / (n2 - n1))}))


if __name__ == "__main__":
    sys.exit(main())
