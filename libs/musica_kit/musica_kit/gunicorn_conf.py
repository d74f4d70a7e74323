"""gunicorn settings both services share; each project's gunicorn.conf.py imports these and sets its
port, workers and threads (flags on the command line override both)."""

import errno
import glob
import os
import shutil
import socket
import sys
import tempfile

from gunicorn.glogging import Logger

from musica_kit.env import env_bool

worker_class = "gthread"
timeout = 30
graceful_timeout = 10
keepalive = 5
# Each worker listens on a socket of its own (SO_REUSEPORT; gunicorn then binds in the workers, not
# the master) and the kernel spreads new connections over them. On one shared socket, whichever
# worker woke first took a whole burst of keep-alive connections (a benchmark's 8, a proxy's upstream
# pool) while the other idled on a CPU-bound service: up to half the throughput (docs/benchmarks.md,
# "auth workers 0.00"). Linux only: other systems do not balance SO_REUSEPORT sockets. The price: a
# worker that dies drops the connections still queued on its socket, where a shared socket would
# have handed them to another worker. GUNICORN_REUSE_PORT=0 goes back to one shared socket.
reuse_port = env_bool("GUNICORN_REUSE_PORT", default=sys.platform.startswith("linux"))


class AddressLogger(Logger):
    """gunicorn's logger, with a start line that names the addresses: with reuse_port the master
    binds no socket (the workers do), and gunicorn would print "Listening at:  (pid)"."""

    def info(self, msg, *args, **kwargs):
        if msg == "Listening at: %s (%s)" and not args[0]:
            args = (listen_urls(self.cfg), *args[1:])
        super().info(msg, *args, **kwargs)


def listen_urls(cfg) -> str:
    """The addresses to bind, named as gunicorn names its sockets (http://host:port, unix:path)."""
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


# Metrics (musica_kit.metrics): each worker writes its samples to files in this folder, and a
# scrape sums them (prometheus_client's multiprocess mode). Set here, before any worker imports
# prometheus_client; unset, a fresh temporary folder of this server's own, removed when it exits.
own_metrics_dir = None
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    own_metrics_dir = os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="musica-metrics-")


def on_starting(server):
    """Refuse weak or placeholder secrets (musica_kit.secrets) before any worker starts, and a port
    another server already listens on. Empty the metrics folder: counters start at 0 with the
    server, not at what a previous one left there."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    for stale in glob.glob(os.path.join(os.environ["PROMETHEUS_MULTIPROC_DIR"], "*.db")):
        os.remove(stale)
    from musica_kit.secrets import require_strong_secrets

    require_strong_secrets()
    if server.cfg.reuse_port:
        refuse_a_taken_port(server.cfg.address)


def bind_error(host: str, port: int) -> OSError | None:
    """Why binding ``host:port`` would fail now (as gunicorn binds: SO_REUSEADDR), or None if free."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            return exc
    return None


def refuse_a_taken_port(addresses) -> None:
    """Exit 1 if a TCP address to bind is already listened on, as gunicorn does on its own with one
    shared socket. With SO_REUSEPORT a second server of the same user would otherwise join the port
    silently and take part of its connections (a second `scripts/run`, a stale process). Any other
    bind error is left to gunicorn's own bind, which reports it."""
    for address in addresses:
        if not isinstance(address, tuple):
            continue  # a unix socket or an inherited descriptor: gunicorn's own checks apply
        host, port = address[0], address[1]
        error = bind_error(host, port)
        if error is not None and error.errno == errno.EADDRINUSE:
            print(f"error: {host}:{port} is already in use", file=sys.stderr, flush=True)
            sys.exit(1)


def child_exit(server, worker):
    """A dead worker's live gauges leave the sums; its counters stay in them (they still count)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if own_metrics_dir:
        shutil.rmtree(own_metrics_dir, ignore_errors=True)


def post_fork(server, worker):
    """Traces (musica_kit.tracing), when OTEL_EXPORTER_OTLP_ENDPOINT is set: in each worker, after
    fork and before Django loads its middleware. auth propagates its trace to music; music to nobody."""
    if not os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
        return
    from django.conf import settings

    from musica_kit.tracing import start_tracing

    start_tracing(service=settings.SERVICE_NAME, propagate=settings.SERVICE_NAME == "auth")
