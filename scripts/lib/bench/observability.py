"""Metrics and tracing on or off for a run (``--metrics``, ``--tracing``), to measure what they cost.

- Metrics on: the services get a METRICS_TOKEN (so /metrics exists and every request is counted
  and timed); a scraper asks auth's and music's /metrics every 15 s, as Prometheus would. Off: no
  token, so musica_kit.metrics records nothing per request.
- Tracing on: OTEL_EXPORTER_OTLP_ENDPOINT points at a local OTLP/HTTP sink that accepts every
  export and keeps only counts. Off: unset, nothing is instrumented.

Either is unset for the services when its flag is not given, whatever the caller's shell holds.
"""

import contextlib
import os
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

SCRAPE_INTERVAL = 15.0  # Prometheus' default scrape_interval


class OtlpSink(BaseHTTPRequestHandler):
    """POST /v1/traces (OTLP/HTTP): read, counted, answered 200 with an empty body."""

    exports = 0

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        OtlpSink.exports += 1
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


class Observer:
    def __init__(self, bench, *, metrics: bool, tracing: bool):
        self.bench, self.metrics, self.tracing = bench, metrics, tracing
        self.token = secrets.token_urlsafe(32) if metrics else None
        self.scrapes: list[int] = []  # status codes; 0 for a timeout or other error
        self.refused = 0  # scrapes of a stopped service (scenario 4 stops music)
        self.stop = threading.Event()
        self.scraper: threading.Thread | None = None

    def scrape_every_interval(self, urls: list[str]) -> None:
        """/metrics of each URL now, then every SCRAPE_INTERVAL until the run ends (metrics on);
        off, /metrics must not exist."""
        if not self.metrics:
            codes = [requests.get(f"{url}/metrics", timeout=10).status_code for url in urls]
            self.bench.check(codes == [404] * len(urls), f"metrics off: /metrics answers {codes}")
            return

        def scrape():
            headers = {"Authorization": f"Bearer {self.token}"}
            while True:
                for url in urls:
                    try:
                        self.scrapes.append(
                            requests.get(f"{url}/metrics", headers=headers, timeout=10).status_code
                        )
                    except requests.ConnectionError as exc:
                        if isinstance(exc, requests.ConnectTimeout):
                            self.scrapes.append(0)
                        else:
                            self.refused += 1
                    except requests.RequestException:
                        self.scrapes.append(0)
                if self.stop.wait(SCRAPE_INTERVAL):
                    return

        self.scraper = threading.Thread(target=scrape, name="scraper", daemon=True)
        self.scraper.start()

    def stop_scraping(self) -> None:
        """Before the services stop: a scrape of a service being shut down is not its failure."""
        self.stop.set()
        if self.scraper:
            self.scraper.join(timeout=30)

    def check(self) -> None:
        if self.metrics:
            ok = self.scrapes.count(200)
            self.bench.check(
                bool(self.scrapes) and ok == len(self.scrapes),
                f"metrics on: {ok} of {len(self.scrapes)} scrapes answered 200"
                f" ({self.refused} refused by a stopped service)",
            )
        if self.tracing:
            self.bench.check(OtlpSink.exports > 0, f"tracing on: {OtlpSink.exports} OTLP exports received")


@contextlib.contextmanager
def observed(bench, *, metrics: bool, tracing: bool):
    """Set the services' METRICS_TOKEN and OTEL_EXPORTER_OTLP_ENDPOINT (or unset them) for the
    processes started inside, and check at the end that what was on was really used."""
    observer = Observer(bench, metrics=metrics, tracing=tracing)
    saved = {name: os.environ.pop(name, None) for name in ("METRICS_TOKEN", "OTEL_EXPORTER_OTLP_ENDPOINT")}
    sink = ThreadingHTTPServer(("127.0.0.1", 0), OtlpSink) if tracing else None
    try:
        if metrics:
            os.environ["METRICS_TOKEN"] = observer.token
        if sink:
            threading.Thread(target=sink.serve_forever, name="otlp-sink", daemon=True).start()
            os.environ["OTEL_EXPORTER_OTLP_ENDPOINT"] = f"http://127.0.0.1:{sink.server_address[1]}"
        yield observer
        observer.check()
    finally:
        observer.stop.set()
        if sink:
            sink.shutdown()
            sink.server_close()
        for name, value in saved.items():
            os.environ.pop(name, None)
            if value is not None:
                os.environ[name] = value
