"""``/metrics`` (with METRICS_TOKEN only) and per-route request metrics; labels are never a path."""

import hmac
import os
import threading
import time
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpResponse, JsonResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

from musica_kit.errors import error_body

# Collectors computed at scrape time (auth's pending notes).
scrape_collectors: list = []

REQUESTS = Counter(
    "musica_http_requests_total", "HTTP requests by route, method and status.", ["view", "method", "status"]
)
LATENCY = Histogram(
    "musica_http_request_duration_seconds",
    "Time to answer an HTTP request, by route.",
    ["view", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
METRICS_PATHS = frozenset({"/metrics", "/metrics/"})
UNAUTHORIZED = "Se necesita el token de métricas: Authorization: Bearer <METRICS_TOKEN>."


class RequestMetricsMiddleware:
    """First middleware: Prometheus scrapes replicas by IP, which ALLOWED_HOSTS does not list."""

    def __init__(self, get_response):
        if not settings.METRICS_TOKEN:
            raise MiddlewareNotUsed("METRICS_TOKEN is not set")
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info in METRICS_PATHS:
            return metrics_view(request)
        start = time.perf_counter()
        response = self.get_response(request)
        match = request.resolver_match
        view = (match.view_name or match.route) if match else "sin_ruta"
        method = request.method if request.method in METHODS else "OTRO"
        LATENCY.labels(view, method).observe(time.perf_counter() - start)
        REQUESTS.labels(view, method, str(response.status_code)).inc()
        return response


def registry() -> CollectorRegistry:
    scraped = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(scraped)
    else:
        scraped.register(REGISTRY)
    for collector in scrape_collectors:
        scraped.register(collector)
    return scraped


def metrics_view(request):
    expected = f"Bearer {settings.METRICS_TOKEN}".encode()
    if not hmac.compare_digest(request.headers.get("Authorization", "").encode(), expected):
        return JsonResponse(error_body(UNAUTHORIZED), status=401, headers={"WWW-Authenticate": "Bearer"})
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


def serve_metrics(port: int, host: str = "0.0.0.0") -> WSGIServer:  # noqa: S104 (containers)
    """``/metrics`` on a port of its own for a process without gunicorn (auth's runner)."""

    def app(environ, start_response):
        if environ.get("PATH_INFO") in METRICS_PATHS:
            response = metrics_view(WSGIRequest(environ))
        else:
            response = JsonResponse(error_body("No encontrado."), status=404)
        start_response(f"{response.status_code} {response.reason_phrase}", list(response.items()))
        return [response.content]

    server = make_server(host, port, app, handler_class=_QuietHandler)
    threading.Thread(target=server.serve_forever, name="metrics", daemon=True).start()
    return server
