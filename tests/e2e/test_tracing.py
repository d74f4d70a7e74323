"""Traces across the hop (musica_kit.tracing): one POST /notas gives spans from both services with
one trace id, received by a local OTLP/HTTP receiver (opentelemetry-proto decodes what arrives).
music's call to the Spotify double has a span of its own but carries no ``traceparent``; auth's log
lines carry the trace id. Without OTEL_EXPORTER_OTLP_ENDPOINT nothing is sent (the other modules'
services run so).
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from tests.spotify_double.server import SpotifyDouble
from tests.support.http import Api
from tests.support.processes import auth_process, music_process
from tests.support.waiting import wait_until


class OtlpReceiver:
    """POST /v1/traces (OTLP/HTTP protobuf): every span received, as (service, name, trace id, kind)."""

    def __init__(self):
        outer = self
        self.spans: list[tuple[str, str, str, int]] = []
        self.lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                request = ExportTraceServiceRequest()
                request.ParseFromString(body)
                with outer.lock:
                    for resource_spans in request.resource_spans:
                        attributes = {a.key: a.value.string_value for a in resource_spans.resource.attributes}
                        for scope_spans in resource_spans.scope_spans:
                            for span in scope_spans.spans:
                                outer.spans.append(
                                    (
                                        attributes.get("service.name"),
                                        span.name,
                                        span.trace_id.hex(),
                                        span.kind,
                                    )
                                )
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def received(self) -> list[tuple[str, str, str, int]]:
        with self.lock:
            return list(self.spans)


@pytest.fixture(scope="module")
def traced(log_dir, tmp_path_factory):
    receiver = OtlpReceiver()
    # Spans leave each worker within 200 ms (the SDK's OTEL_BSP_SCHEDULE_DELAY; default 5 s).
    otel = {"OTEL_EXPORTER_OTLP_ENDPOINT": receiver.url, "OTEL_BSP_SCHEDULE_DELAY": "200"}
    database = tmp_path_factory.mktemp("traces") / "notas.db"
    with (
        SpotifyDouble().start() as spotify,
        music_process(log_dir, spotify=spotify, name="music-traced", WEB_CONCURRENCY="2", **otel) as music,
    ):
        auth = auth_process(
            log_dir, database_url=f"sqlite:///{database}", music_url=music.url, name="auth-traced", **otel
        )
        with auth:
            yield receiver, auth, music, spotify
    receiver.server.shutdown()


@pytest.mark.timeout(120)
def test_one_note_is_one_trace_across_both_services(traced):
    receiver, auth, _, spotify = traced
    user = Api(auth.url).register_and_login("traceduser")
    created = user.post("/notas", json={"cancion": "Bohemian Rhapsody"}, timeout=30)
    assert created.status_code == 201 and created.json()["nota"]["enriquecimiento"] == "ok", created.text
    request_id = created.headers["X-Request-ID"]

    def shared_trace():
        spans = receiver.received()
        auth_traces = {t for service, name, t, _ in spans if service == "auth" and name.startswith("POST")}
        for trace_id in auth_traces:
            services = {service for service, _, t, _ in spans if t == trace_id}
            names = {name for _, name, t, _ in spans if t == trace_id}
            if services == {"auth", "music"} and "provider spotify" in names:
                return trace_id
        return None

    trace_id = wait_until(shared_trace, timeout=30, message=lambda: f"spans: {receiver.received()}")
    # music's call to Spotify had a span of its own, yet no header reached the double.
    assert spotify.stats()["search_calls"] >= 1
    assert spotify.stats()["trace_headers"] == 0
    # auth's log lines of that request carry its trace id.
    lines = [json.loads(line) for line in auth.logs().splitlines() if line.startswith("{")]
    mine = [line for line in lines if line.get("request_id") == request_id]
    assert mine and all(line.get("trace_id") == trace_id for line in mine), mine
