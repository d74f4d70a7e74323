"""gunicorn settings for music_service; what both services share is musica_kit.gunicorn_conf."""

import os

from musica_kit.gunicorn_conf import *  # noqa: F403

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '5001')}"  # noqa: S104 (containers)
# One worker without REDIS_URL: the result cache and single-flight live in the process, and a second
# worker would ask Spotify again. Searches mostly wait, so threads carry the load: 64, every thread
# of both auth workers (2 × 32) waiting on a cold search at once; PROVIDER_POOL_SIZE matches it.
workers = int(os.environ.get("WEB_CONCURRENCY") or (2 if os.environ.get("REDIS_URL") else 1))
threads = int(os.environ.get("GUNICORN_THREADS", "64"))
