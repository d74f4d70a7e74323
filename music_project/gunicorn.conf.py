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
