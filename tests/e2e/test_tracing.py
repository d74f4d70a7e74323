"""Traces across the hop (musica_kit.tracing): one POST /notas gives spans from both services with one
trace id at a local OTLP/HTTP receiver; music's call to the Spotify double has a span of its own but
sends no ``traceparent``; auth's log lines carry the trace id."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from tests.e2e.helpers import json_lines, services
from tests.support.http import Api
from tests.support.waiting import wait_until


def otlp_receiver() -> tuple[ThreadingHTTPServer, list[tuple[str, str, str]]]:
    """POST /v1/traces (OTLP/HTTP protobuf) on a free port: spans received, as (service, name, trace id)."""
    spans = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            request = ExportTraceServiceRequest()
            request.ParseFromString(self.rfile.read(int(self.headers["Content-Length"])))
            for resource in request.resource_spans:
                service = {a.key: a.value.string_value for a in resource.resource.attributes}.get(
                    "service.name"
                )
                spans.extend(
                    (service, s.name, s.trace_id.hex()) for scope in resource.scope_spans for s in scope.spans
                )
            self.send_response(200)
            self.send_header("Content-Type", "application/x-protobuf")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, spans


def first_shared_trace(spans) -> str | None:
    """A trace of auth's POST that holds spans of both services, one of them music's Spotify call."""
    for trace_id in {t for service, name, t in list(spans) if service == "auth" and name.startswith("POST")}:
        in_trace = [(service, name) for service, name, t in list(spans) if t == trace_id]
        names = {name for _, name in in_trace}
        if {service for service, _ in in_trace} == {"auth", "music"} and "provider spotify" in names:
            return trace_id
    return None


@pytest.mark.timeout(120)
def test_one_note_is_one_trace_across_both_services(tmp_path, spotify):
    server, spans = otlp_receiver()
    # Spans leave each worker within 200 ms (the SDK's OTEL_BSP_SCHEDULE_DELAY; default 5 s).
    endpoint = f"http://127.0.0.1:{server.server_address[1]}"
    otel = {"OTEL_EXPORTER_OTLP_ENDPOINT": endpoint, "OTEL_BSP_SCHEDULE_DELAY": "200"}
    try:
        with services(
            tmp_path, "otel", spotify=spotify, music_env={"WEB_CONCURRENCY": "2", **otel}, **otel
        ) as both:
            user = Api(both[0].url).register_and_login("traceduser")
            created = user.post("/notas", json={"cancion": "Bohemian Rhapsody"}, timeout=30)
            assert created.json()["nota"]["enriquecimiento"] == "ok", created.text
            trace_id = wait_until(lambda: first_shared_trace(spans), timeout=30, message=lambda: str(spans))
    finally:
        server.shutdown()
    # music's call to Spotify had a span of its own, yet no header reached the double.
    assert spotify.stats()["search_calls"] >= 1 and spotify.stats()["trace_headers"] == 0
    request_id = created.headers["X-Request-ID"]  # auth's log lines of that request carry its trace id
    mine = [line for line in json_lines(both[0].logs()) if line.get("request_id") == request_id]
    assert mine and all(line.get("trace_id") == trace_id for line in mine), mine
