"""gunicorn settings of auth_service beyond what musica_kit.gunicorn_conf shares."""

import os

from musica_kit.gunicorn_conf import *  # noqa: F403

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '5000')}"  # noqa: S104 (containers)
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# A note waits on music: with 8 threads notes queued behind an 80 ms Spotify (docs/benchmarks.md).
threads = int(os.environ.get("GUNICORN_THREADS", "32"))
