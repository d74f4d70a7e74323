"""Traces across the hop (musica_kit.tracing): one POST /notas gives spans from both services with one
trace id at a local OTLP/HTTP receiver; music's call to the Spotify double has a span of its own but
sends no ``traceparent``; auth's log lines carry the trace id."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from tests.e2e.helpers import json_lines, sqlite_auth
from tests.spotify_double.server import SpotifyDouble
from tests.support.http import Api
from tests.support.processes import music_process
from tests.support.waiting import wait_until


class OtlpReceiver:
    """POST /v1/traces (OTLP/HTTP protobuf): every span received, as (service, name, trace id)."""

    def __init__(self):
        spans, lock = [], threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                request = ExportTraceServiceRequest()
                request.ParseFromString(self.rfile.read(int(self.headers["Content-Length"])))
                with lock:
                    for resource in request.resource_spans:
                        attributes = {a.key: a.value.string_value for a in resource.resource.attributes}
                        for scope in resource.scope_spans:
                            spans.extend(
                                (attributes.get("service.name"), s.name, s.trace_id.hex())
                                for s in scope.spans
                            )
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.spans, self.lock = spans, lock
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def received(self) -> list[tuple[str, str, str]]:
        with self.lock:
            return list(self.spans)


@pytest.fixture(scope="module")
def traced(log_dir, tmp_path_factory):
    receiver = OtlpReceiver()
    # Spans leave each worker within 200 ms (the SDK's OTEL_BSP_SCHEDULE_DELAY; default 5 s).
    otel = {"OTEL_EXPORTER_OTLP_ENDPOINT": receiver.url, "OTEL_BSP_SCHEDULE_DELAY": "200"}
    with (
        SpotifyDouble().start() as spotify,
        music_process(log_dir, spotify=spotify, name="music-otel", WEB_CONCURRENCY="2", **otel) as music,
        sqlite_auth(log_dir, tmp_path_factory.mktemp("traces"), music.url, "auth-otel", **otel) as auth,
    ):
        yield receiver, auth, spotify
    receiver.server.shutdown()


@pytest.mark.timeout(120)
def test_one_note_is_one_trace_across_both_services(traced):
    receiver, auth, spotify = traced
    user = Api(auth.url).register_and_login("traceduser")
    created = user.post("/notas", json={"cancion": "Bohemian Rhapsody"}, timeout=30)
    assert created.status_code == 201 and created.json()["nota"]["enriquecimiento"] == "ok", created.text

    def shared_trace():
        spans = receiver.received()
        for trace_id in {t for service, name, t in spans if service == "auth" and name.startswith("POST")}:
            services = {service for service, _, t in spans if t == trace_id}
            if services == {"auth", "music"} and "provider spotify" in {
                n for _, n, t in spans if t == trace_id
            }:
                return trace_id
        return None

    trace_id = wait_until(shared_trace, timeout=30, message=lambda: f"spans: {receiver.received()}")
    # music's call to Spotify had a span of its own, yet no header reached the double.
    assert spotify.stats()["search_calls"] >= 1 and spotify.stats()["trace_headers"] == 0
    request_id = created.headers["X-Request-ID"]  # auth's log lines of that request carry its trace id
    mine = [line for line in json_lines(auth.logs()) if line.get("request_id") == request_id]
    assert mine and all(line.get("trace_id") == trace_id for line in mine), mine
