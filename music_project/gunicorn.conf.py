"""gunicorn settings for music_service (read from the working directory; flags override them).

What both services share (timeouts, forwarded headers, the start-time secrets check) is
musica_kit.gunicorn_conf; this file sets what is music's own.
"""

import os

from musica_kit.gunicorn_conf import *  # noqa: F403

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '5001')}"  # noqa: S104 (containers)
# One worker unless a shared cache is configured: the search cache and its single-flight lock live
# in the process (local memory), so a second worker without REDIS_URL would ask Spotify again for
# songs the first already knows (docs/benchmarks.md). A search mostly waits on Spotify, so threads
# carry the concurrency; with REDIS_URL, workers share one cache. 64: every thread of both auth
# workers (2 × 32) may be waiting on a cold search at once; PROVIDER_POOL_SIZE matches it.
workers = int(os.environ.get("WEB_CONCURRENCY") or (2 if os.environ.get("REDIS_URL") else 1))
threads = int(os.environ.get("GUNICORN_THREADS", "64"))
