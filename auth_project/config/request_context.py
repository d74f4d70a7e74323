"""Request id, one JSON access-log line per request, and the JSON log formatter.

The request id comes from ``X-Request-ID`` (when it looks sane) or is generated, is
echoed in the response, and is attached to every log line emitted while handling it.
"""

import contextlib
import contextvars
import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)

access_log = logging.getLogger("auth.access")


def get_request_id() -> str | None:
    return _request_id.get()


@contextlib.contextmanager
def request_id_scope(prefix: str):
    """An id for work done outside an HTTP request (the enrichment runner), like a request's own.

    Inside a request the request's id is kept. Otherwise ``<prefix>-<random>`` is set for the
    block: its log lines carry it and music_client forwards it, so the work can be grepped in
    both services' logs like any request.
    """
    if _request_id.get() is not None:
        yield _request_id.get()
        return
    token = _request_id.set(f"{prefix}-{uuid.uuid4().hex[:12]}")
    try:
        yield _request_id.get()
    finally:
        _request_id.reset(token)


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        token = _request_id.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            access_log.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "user_id": _user_id(request),
                },
            )
            return response
        finally:
            _request_id.reset(token)


def _user_id(request) -> int | None:
    # DRF copies the authenticated user (JWT or session) onto the Django request.
    user = getattr(request, "user", None)
    return user.pk if user is not None and user.is_authenticated else None


# Defence in depth: whatever a library logs (spotipy prints request headers at DEBUG, SQL logs
# carry parameters), credentials never reach a log line. Configured secrets are replaced by name;
# Authorization values and anything shaped like a JWT are masked.
_MASKS = [
    (re.compile(r"\b(Bearer|Basic)(\s+|%20|\+)[A-Za-z0-9._~+/=-]{8,}", re.IGNORECASE), r"\1 [redacted]"),
    (re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*"), "[redacted-jwt]"),
]
MIN_SECRET_LENGTH = 8  # shorter values would mask ordinary words


def _configured_secrets() -> list[str]:
    from django.conf import settings

    jwt = getattr(settings, "SIMPLE_JWT", {}) or {}
    return [
        getattr(settings, "SECRET_KEY", ""),
        jwt.get("SIGNING_KEY") or "",
        getattr(settings, "MUSIC_SERVICE_TOKEN", ""),
    ]


def redact(text: str) -> str:
    try:
        configured = [s for s in _configured_secrets() if len(s) >= MIN_SECRET_LENGTH]
    except Exception:  # settings not importable: still mask the patterns
        configured = []
    for secret in sorted(configured, key=len, reverse=True):
        text = text.replace(secret, "[redacted]")
        escaped = json.dumps(secret, ensure_ascii=False)[1:-1]  # as it appears inside a JSON string
        if escaped != secret:
            text = text.replace(escaped, "[redacted]")
    for pattern, replacement in _MASKS:
        text = pattern.sub(replacement, text)
    return text


# Attributes every LogRecord has; anything else was passed through ``extra``.
_RESERVED = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def __init__(self, *args, service: str = "auth", **kwargs):
        super().__init__(*args, **kwargs)
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "service": self.service,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": get_request_id(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in _RESERVED and v is not None})
        if record.exc_info:
            entry["exc_type"] = record.exc_info[0].__name__ if record.exc_info[0] else None
        return redact(json.dumps(entry, ensure_ascii=False, default=str))
