"""Request ids, one JSON access line per request, and the JSON log formatter that redacts secrets."""

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
VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)


def get_request_id() -> str | None:
    return _request_id.get()


@contextlib.contextmanager
def request_id_scope(prefix: str, *, request_id: str | None = None):
    """A request id for work outside a request (``<prefix>-<random>``); inside one, its own id."""
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
        request_id = incoming if VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        token = _request_id.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            extra = {"method": request.method, "path": request.path, "status": response.status_code}
            extra["duration_ms"] = round((time.perf_counter() - started) * 1000, 1)
            # auth's user (an anonymous one's pk is None: None fields are left out), then what the view set.
            extra["user_id"] = getattr(getattr(request, "user", None), "pk", None)
            self.access_log.info("request", extra={**extra, **getattr(response, "access_fields", {})})
            return response
        finally:
            _request_id.reset(token)


# Whatever a library logs (headers at DEBUG, SQL parameters), credentials and JWTs are masked.
_MASKS = [
    (re.compile(r"\b(Bearer|Basic)(\s+|%20|\+)[A-Za-z0-9._~+/=-]{8,}", re.IGNORECASE), r"\1 [redacted]"),
    (re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*"), "[redacted-jwt]"),
]
MIN_SECRET_LENGTH = 8  # shorter values would mask ordinary words


@functools.lru_cache(maxsize=8)
def _secrets_pattern(secrets: tuple[str, ...]) -> re.Pattern | None:
    """Each secret as written and JSON-escaped, longest first so one inside another is masked whole."""
    kept = [secret for secret in secrets if len(secret) >= MIN_SECRET_LENGTH]
    forms = {*kept, *(json.dumps(secret, ensure_ascii=False)[1:-1] for secret in kept)}
    if not forms:
        return None
    return re.compile("|".join(re.escape(form) for form in sorted(forms, key=len, reverse=True)))


def redact(text: str) -> str:
    try:
        names = getattr(settings, "LOG_REDACT_SETTINGS", ("SECRET_KEY",))
        configured = [str(getattr(settings, name, "") or "") for name in names]
        if hook := getattr(settings, "LOG_REDACT_HOOK", ""):
            configured += import_string(hook)()
    except Exception:  # settings not importable: still mask the patterns
        configured = []
    if (pattern := _secrets_pattern(tuple(configured))) is not None:
        text = pattern.sub("[redacted]", text)
    for pattern, replacement in _MASKS:
        text = pattern.sub(replacement, text)
    return text


class JsonFormatter(_LibraryJsonFormatter):
    """Exceptions are logged by type only (exc_type): tracebacks can carry request data."""

    def __init__(self, *args, service: str, **kwargs):
        super().__init__(
            "%(levelname)s %(name)s %(message)s",
            rename_fields={"levelname": "level", "name": "logger"},
            static_fields={"service": service},
            timestamp="time",
            json_ensure_ascii=False,
            json_default=str,
        )

    def add_fields(self, log_data, record, message_dict) -> None:
        message_dict = {k: v for k, v in message_dict.items() if k not in ("exc_info", "stack_info")}
        super().add_fields(log_data, record, message_dict)
        log_data["time"] = log_data["time"].isoformat(timespec="milliseconds")
        log_data["request_id"] = get_request_id()
        log_data["trace_id"] = current_trace_id()
        if record.exc_info and record.exc_info[0]:
            log_data["exc_type"] = record.exc_info[0].__name__
        for key in [k for k, v in log_data.items() if v is None]:
            del log_data[key]

    def serialize_log_record(self, log_data) -> str:
        return redact(super().serialize_log_record(log_data))
