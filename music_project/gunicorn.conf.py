"""gunicorn settings for music_service (read from the working directory; flags override them)."""

import os

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '5001')}"  # noqa: S104 (containers)
worker_class = "gthread"
# One worker unless a shared cache is configured: the search cache and its single-flight lock live
# in the process (local memory), so a second worker without REDIS_URL asks Spotify again for every
# song the first already knows (scripts/bench: 2 workers sent 100 searches for 50 songs). A search
# mostly waits on Spotify, so threads carry the concurrency; with REDIS_URL, workers share one cache.
workers = int(os.environ.get("WEB_CONCURRENCY") or (2 if os.environ.get("REDIS_URL") else 1))
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
timeout = 30
graceful_timeout = 10
keepalive = 5
# Each service logs one JSON line per request itself; gunicorn's access log would repeat it.
accesslog = None
# Two gunicorns on one host would otherwise fight over ~/.gunicorn/gunicorn.ctl.
control_socket_disable = True
