"""Prometheus metrics (prometheus_client): ``/metrics`` and the per-route request metrics.

``/metrics`` exists only when METRICS_TOKEN is set and answers only ``Authorization: Bearer
<METRICS_TOKEN>``. The first middleware answers it, before Django's host check: Prometheus scrapes
each replica by its IP address, which ALLOWED_HOSTS does not list. Under gunicorn the scraped worker
sums every worker's samples (multiprocess mode, musica_kit.gunicorn_conf); elsewhere the process'
own registry is served. Labels are route names, methods, statuses and fixed outcomes, never a path.
"""

import hmac
import json
import os
import threading
import time
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
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

# Collectors computed at scrape time, in the process that answers it (auth's pending notes).
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
    """Answers ``/metrics``; counts every other request and times it, labelled by its route's name
    (``nota-detail``), never by its path; requests that resolve to no route are ``sin_ruta``.
    Without METRICS_TOKEN nobody could read them: the middleware is left out, and costs nothing."""

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
        scraped.register(REGISTRY)  # a registry collects like any collector
    for collector in scrape_collectors:
        scraped.register(collector)
    return scraped


def authorized(header: str) -> bool:
    return hmac.compare_digest(header.encode(), f"Bearer {settings.METRICS_TOKEN}".encode())


def metrics_view(request):
    if not authorized(request.headers.get("Authorization", "")):
        return JsonResponse(error_body(UNAUTHORIZED), status=401, headers={"WWW-Authenticate": "Bearer"})
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # no stderr line per scrape
        pass


def serve_metrics(port: int, host: str = "0.0.0.0") -> WSGIServer:  # noqa: S104 (containers)
    """``/metrics`` of a process without gunicorn (auth's runner), same token, on a port of its own
    from a daemon thread."""

    def app(environ, start_response):
        if environ.get("PATH_INFO") not in METRICS_PATHS:
            status, body = "404 Not Found", error_body("No encontrado.")
        elif not authorized(environ.get("HTTP_AUTHORIZATION", "")):
            status, body = "401 Unauthorized", error_body(UNAUTHORIZED)
        else:
            start_response("200 OK", [("Content-Type", CONTENT_TYPE_LATEST)])
            return [generate_latest(registry())]
        start_response(status, [("Content-Type", "application/json")])
        return [json.dumps(body, ensure_ascii=False).encode()]

    server = make_server(host, port, app, handler_class=_QuietHandler)
    threading.Thread(target=server.serve_forever, name="metrics", daemon=True).start()
    return server
