"""OpenTelemetry traces over OTLP/HTTP, started by gunicorn's ``post_fork`` only when
OTEL_EXPORTER_OTLP_ENDPOINT is set; the SDK reads its other standard variables (OTEL_BSP_*, ...).

Django's instrumentation gives one server span per request, continuing an incoming ``traceparent``.
Only auth instruments requests (``propagate``), so its calls to music carry ``traceparent``; music's
calls to Spotify, Deezer and iTunes carry no header, so no internal id leaves.
"""

from opentelemetry import trace


def start_tracing(*, service: str, propagate: bool) -> None:
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


def current_trace_id() -> str | None:
    """The trace id of the span in progress (32 hex digits), for log lines; None without one."""
    context = trace.get_current_span().get_span_context()
    return format(context.trace_id, "032x") if context.is_valid else None
