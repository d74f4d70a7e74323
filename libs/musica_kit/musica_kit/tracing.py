"""OpenTelemetry traces, exported over OTLP/HTTP only when OTEL_EXPORTER_OTLP_ENDPOINT is set.

Started in each gunicorn worker after fork (musica_kit.gunicorn_conf's ``post_fork``: the exporter's
thread must belong to the worker), before Django loads its middleware:
- Django's instrumentation: one server span per request, continuing an incoming W3C
  ``traceparent``;
- auth only (``propagate=True``): requests' instrumentation, so each call to music carries
  ``traceparent``. music never instruments requests: its calls to Spotify, Deezer and iTunes get
  spans of their own (search.metrics.observed_search) but no header, so no internal id leaves.
The SDK reads the rest of its standard variables (OTEL_SERVICE_NAME, OTEL_BSP_*, ...). Unset
endpoint: nothing is instrumented, and ``current_trace_id`` is always None.
"""

from __future__ import annotations

import os

from opentelemetry import trace


def start_tracing(*, service: str, propagate: bool) -> bool:
    if not os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
        return False
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.instrumentation.django import DjangoInstrumentor
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    DjangoInstrumentor().instrument()
    if propagate:
        from opentelemetry.instrumentation.requests import RequestsInstrumentor

        RequestsInstrumentor().instrument()
    return True


def current_trace_id() -> str | None:
    """The trace id of the span in progress (32 hex digits), for log lines; None without one."""
    context = trace.get_current_span().get_span_context()
    return format(context.trace_id, "032x") if context.is_valid else None
