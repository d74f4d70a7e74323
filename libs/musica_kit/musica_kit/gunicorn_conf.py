"""gunicorn settings both services share; each project's gunicorn.conf.py imports these and sets its
port, workers and threads (flags on the command line override both)."""

import gc
import os

from musica_kit.env import env_bool

worker_class = "gthread"
timeout = 30
graceful_timeout = 10
keepalive = 5
# Each service logs one JSON line per request itself; gunicorn's access log would repeat it.
accesslog = None
# Two gunicorns on one host would otherwise fight over ~/.gunicorn/gunicorn.ctl.
control_socket_disable = True

# Forwarded headers (X-Forwarded-Proto and the like) are trusted only behind a configured proxy:
# DJANGO_SECURE_PROXY_SSL_HEADER=1, with the proxies' addresses in FORWARDED_ALLOW_IPS (gunicorn's
# own variable, default 127.0.0.1). Without a proxy, gunicorn's default would trust them from
# 127.0.0.1, so any local client could pass plain HTTP off as HTTPS (and get HSTS).
if not env_bool("DJANGO_SECURE_PROXY_SSL_HEADER"):
    forwarded_allow_ips = ""
    secure_scheme_headers = {}


def on_starting(server):
    """Refuse weak or placeholder secrets (musica_kit.secrets) before any worker starts."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from musica_kit.secrets import require_strong_secrets

    require_strong_secrets()


# Python collects its youngest generation every 700 new container objects: dozens of times per
# request here (DRF and the ORM make thousands of them, nearly all freed by reference counting).
# Every 10,000 is a few times per request; cyclic garbage still cannot pile up for long.
GC_THRESHOLD = (10_000, 10, 10)


def post_worker_init(worker):
    """Take what the worker has loaded (Django, the project, its settings: ~100,000 objects) out of
    the garbage collector's full collections, which then walk only what requests made since: one
    such collection took ~100 ms of a worker's CPU, with every thread stopped (docs/benchmarks.md).
    gc.freeze() is Python's tool for long-lived objects of pre-fork servers. Then collect the young
    generation less often (GC_THRESHOLD)."""
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)
