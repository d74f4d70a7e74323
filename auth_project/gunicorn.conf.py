"""gunicorn settings for auth_service (read from the working directory; flags override them)."""

import os

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '5000')}"  # noqa: S104 (containers)
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# A sync note waits on music (and on Spotify behind it on a cache miss): threads, cheap while they
# wait, keep the cores busy. scripts/bench, Spotify at 80 ms, 8 clients: 4 threads 37-44 notes/s,
# p99 286-306 ms; 8 threads 61 notes/s, p99 198-245 ms (docs/benchmarks.md).
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
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
if os.environ.get("DJANGO_SECURE_PROXY_SSL_HEADER", "").strip().lower() not in {"1", "true", "yes", "on"}:
    forwarded_allow_ips = ""
    secure_scheme_headers = {}


def on_starting(server):
    """Refuse weak or placeholder secrets (config/secrets.py) before any worker starts."""
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from config.secrets import require_strong_secrets

    require_strong_secrets()
