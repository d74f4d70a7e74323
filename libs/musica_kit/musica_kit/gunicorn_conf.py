"""gunicorn settings both services share; each gunicorn.conf.py adds its port, workers and threads."""

import errno
import gc
import glob
import os
import shutil
import socket
import sys
import tempfile

from gunicorn.glogging import Logger

from musica_kit.env import env_bool

worker_class = "gthread"
graceful_timeout = 10
keepalive = 5
# A socket per worker: on a shared one the first worker awake takes a whole keep-alive burst
# (docs/benchmarks.md). Only Linux balances them.
reuse_port = env_bool("GUNICORN_REUSE_PORT", default=sys.platform.startswith("linux"))


class AddressLogger(Logger):
    """With reuse_port the master binds no socket: name the addresses in the start line anyway."""

    def info(self, msg, *args, **kwargs):
        if msg == "Listening at: %s (%s)" and not args[0]:
            args = (listen_urls(self.cfg), *args[1:])
        super().info(msg, *args, **kwargs)


def listen_urls(cfg) -> str:
    scheme = "https" if cfg.is_ssl else "http"
    urls = []
    for address in cfg.address:
        if isinstance(address, tuple):
            host = f"[{address[0]}]" if ":" in address[0] else address[0]
            urls.append(f"{scheme}://{host}:{address[1]}")
        else:
            urls.append(f"unix:{address}")
    return ",".join(urls)


logger_class = AddressLogger
control_socket_disable = True  # two gunicorns on one host would share ~/.gunicorn/gunicorn.ctl

# gunicorn trusts forwarded headers from 127.0.0.1 by default: any local client could fake HTTPS.
if not env_bool("DJANGO_SECURE_PROXY_SSL_HEADER"):
    forwarded_allow_ips = ""
    secure_scheme_headers = {}

# prometheus_client's multiprocess mode, set before any worker imports it.
own_metrics_dir = None
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    own_metrics_dir = os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="musica-metrics-")


def on_starting(server):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    for stale in glob.glob(os.path.join(os.environ["PROMETHEUS_MULTIPROC_DIR"], "*.db")):
        os.remove(stale)
    from musica_kit.secrets import require_strong_secrets

    require_strong_secrets()
    if not server.cfg.reuse_port:
        return
    # SO_REUSEPORT would let a second server share a taken port silently: exit 1 as gunicorn would.
    for host, port in (address for address in server.cfg.address if isinstance(address, tuple)):
        if (error := bind_error(host, port)) is not None and error.errno == errno.EADDRINUSE:
            print(f"error: {host}:{port} is already in use", file=sys.stderr, flush=True)
            sys.exit(1)


def bind_error(host: str, port: int) -> OSError | None:
    """Why binding ``host:port`` as gunicorn does would fail now; None if it is free."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            return exc
    return None


def post_worker_init(worker):
    # Loaded objects leave full collections: -10 % CPU per bare save at 32 connections (docs/benchmarks.md).
    gc.freeze()


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if own_metrics_dir:
        shutil.rmtree(own_metrics_dir, ignore_errors=True)


def post_fork(server, worker):
    """Tracing per worker: the exporter's thread must be the worker's."""
    if not os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
        return
    from django.conf import settings

    from musica_kit.tracing import start_tracing

    start_tracing(service=settings.SERVICE_NAME, propagate=settings.SERVICE_NAME == "auth")
