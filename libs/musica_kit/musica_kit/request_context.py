"""Request id, one JSON access-log line per request, and the JSON log formatter.

The request id comes from ``X-Request-ID`` (when it looks sane) or is generated, is echoed in the
response, and is attached to every log line emitted while handling it. A service adds its own
fields to the access line by subclassing the middleware (``access_fields``), and names the settings
whose values must never reach a log in ``LOG_REDACT_SETTINGS``.
"""

import contextlib
import contextvars
import functools
import json
import logging
import re
import time
import uuid

from django.conf import settings
from django.utils.module_loading import import_string
from pythonjsonlogger.json import JsonFormatter as _LibraryJsonFormatter

from musica_kit.tracing import current_trace_id

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)


def get_request_id() -> str | None:
    return _request_id.get()


@contextlib.contextmanager
def request_id_scope(prefix: str, *, request_id: str | None = None):
    """An id for work done outside an HTTP request (a background runner), like a request's own.

    Inside a request the request's id is kept. Otherwise ``<prefix>-<random>`` (or the given
    ``request_id``, to carry one piece of work's id to another thread) is set for the block: its log
    lines carry it and outgoing calls forward it, so the work can be grepped in both services' logs
    like any request.
    """
    if _request_id.get() is not None:
        yield _request_id.get()
        return
    token = _request_id.set(request_id or f"{prefix}-{uuid.uuid4().hex[:12]}")
    try:
        yield _request_id.get()
    finally:
        _request_id.reset(token)


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.access_log = logging.getLogger(f"{settings.SERVICE_NAME}.access")

    def __call__(self, request):
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        token = _request_id.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            self.access_log.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    **self.access_fields(request, response),
                },
            )
            return response
        finally:
            _request_id.reset(token)

    def access_fields(self, request, response) -> dict:
        """What this service adds to its access line (None values are left out)."""
        return {}


# Defence in depth: whatever a library logs (spotipy prints request headers at DEBUG, SQL logs
# carry parameters), credentials never reach a log line. Configured secrets are replaced by name;
# Authorization values and anything shaped like a JWT are masked.
_MASKS = [
    (re.compile(r"\b(Bearer|Basic)(\s+|%20|\+)[A-Za-z0-9._~+/=-]{8,}", re.IGNORECASE), r"\1 [redacted]"),
    (re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*"), "[redacted-jwt]"),
]
MIN_SECRET_LENGTH = 8  # shorter values would mask ordinary words


def _configured_secrets() -> list[str]:
    """The values of the settings named in LOG_REDACT_SETTINGS, plus what LOG_REDACT_HOOK (a
    dotted path to a function) returns, for secrets derived at run time."""
    names = getattr(settings, "LOG_REDACT_SETTINGS", ("SECRET_KEY",))
    values = [str(getattr(settings, name, "") or "") for name in names]
    hook = getattr(settings, "LOG_REDACT_HOOK", "")
    return values + (list(import_string(hook)()) if hook else [])


@functools.lru_cache(maxsize=8)
def _secrets_pattern(secrets: tuple[str, ...]) -> re.Pattern | None:
    """One pattern for every configured secret, as written and as inside a JSON string, longest
    first (a secret containing another is masked whole). Built once per set of values: the values
    are read for every line (a test or a hook may change them), the regex is not rebuilt."""
    forms = set()
    for secret in secrets:
        if len(secret) >= MIN_SECRET_LENGTH:
            forms.add(secret)
            forms.add(json.dumps(secret, ensure_ascii=False)[1:-1])
    if not forms:
        return None
    return re.compile("|".join(re.escape(form) for form in sorted(forms, key=len, reverse=True)))


def redact(text: str) -> str:
    try:
        configured = tuple(_configured_secrets())
    except Exception:  # settings not importable: still mask the patterns
        configured = ()
    if (pattern := _secrets_pattern(configured)) is not None:
        text = pattern.sub("[redacted]", text)
    for pattern, replacement in _MASKS:
        text = pattern.sub(replacement, text)
    return text


class JsonFormatter(_LibraryJsonFormatter):
    """python-json-logger's formatter with our keys, the request id, and redaction.

    An exception is logged by its type only: tracebacks can carry request data, and the request
    id finds the rest.
    """

    def __init__(self, *args, service: str, **kwargs):
        super().__init__(
            "%(levelname)s %(name)s %(message)s",
            rename_fields={"levelname": "level", "name": "logger"},
            static_fields={"service": service},
            timestamp="time",
            json_ensure_ascii=False,
            json_default=str,
        )

    def formatException(self, ei) -> str:
        return ""

    def formatStack(self, stack_info) -> str:
        return ""

    def add_fields(self, log_data, record, message_dict) -> None:
        message_dict = {k: v for k, v in message_dict.items() if k not in ("exc_info", "stack_info")}
        super().add_fields(log_data, record, message_dict)
        log_data["time"] = log_data["time"].isoformat(timespec="milliseconds")
        log_data["request_id"] = get_request_id()  # outside a request: None, left out below
        log_data["trace_id"] = current_trace_id()  # only while tracing (musica_kit.tracing)
        if record.exc_info and record.exc_info[0]:
            log_data["exc_type"] = record.exc_info[0].__name__
        for key in [k for k, v in log_data.items() if v is None]:
            del log_data[key]

    def serialize_log_record(self, log_data) -> str:
        return redact(super().serialize_log_record(log_data))
