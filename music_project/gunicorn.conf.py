import os

from musica_kit.gunicorn_conf import *  # noqa: F403

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '5001')}"  # noqa: S104 (containers)
# One worker without REDIS_URL: the cache lives in the process. 64 threads: both auth workers' 2 × 32.
workers = int(os.environ.get("WEB_CONCURRENCY") or (2 if os.environ.get("REDIS_URL") else 1))
threads = int(os.environ.get("GUNICORN_THREADS", "64"))
