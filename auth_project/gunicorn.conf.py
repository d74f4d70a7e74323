"""gunicorn settings for auth_service (read from the working directory; flags override them).

What both services share (timeouts, forwarded headers, the start-time secrets check) is
musica_kit.gunicorn_conf; this file sets what is auth's own.
"""

import os

from musica_kit.gunicorn_conf import *  # noqa: F403

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '5000')}"  # noqa: S104 (containers)
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# A note waits on music (and on Spotify behind it on a cache miss): threads, cheap while they wait,
# keep the cores busy. 32, not a handful: with 8, notes waiting on an 80 ms Spotify queued behind
# each other (docs/benchmarks.md, scenario 2). MUSIC_POOL_SIZE keeps one connection per thread.
threads = int(os.environ.get("GUNICORN_THREADS", "32"))
