"""Every error is JSON: {"error": "<message>", "detalle": {...}} — never an HTML page."""

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, JsonResponse
from django.middleware import csrf
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler

logger = logging.getLogger(__name__)


def error_body(message: str, detalle: dict | None = None) -> dict:
    return {"error": message, "detalle": detalle or {}}


def payload_too_large_body() -> dict:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return error_body(
        f"El cuerpo de la petición es demasiado grande (máximo {limit} bytes).", {"max_bytes": limit}
    )


# DRF refuses a session request that fails the CSRF check with "CSRF Failed: <Django's reason>":
# English, and not translatable (DRF writes it as is). The refusal in Spanish, by reason.
CSRF_FAILED_PREFIX = "CSRF Failed: "
CSRF_REFUSED = (
    "Comprobación CSRF fallida: {reason} Recarga la página y vuelve a intentarlo "
    "(o usa un token JWT: Authorization: Bearer <access>)."
)
CSRF_REASONS = {
    csrf.REASON_NO_CSRF_COOKIE: "no hay cookie CSRF.",
    csrf.REASON_CSRF_TOKEN_MISSING: "falta el token CSRF.",
    csrf.REASON_NO_REFERER: "falta la cabecera Referer.",
    csrf.REASON_MALFORMED_REFERER: "la cabecera Referer está mal formada.",
    csrf.REASON_INSECURE_REFERER: "la cabecera Referer no es segura (HTTP) y este sitio es HTTPS.",
}


def csrf_refusal(detail: str) -> str:
    reason = detail.removeprefix(CSRF_FAILED_PREFIX)
    if reason in CSRF_REASONS:
        spanish = CSRF_REASONS[reason]
    elif reason.startswith("Origin checking failed"):
        spanish = "el origen (Origin) no es de confianza."
    elif reason.startswith("Referer checking failed"):
        spanish = "el Referer no es de un origen de confianza."
    else:  # "CSRF token from POST has incorrect length." and the like
        spanish = "el token CSRF no es válido."
    return CSRF_REFUSED.format(reason=spanish)


def _render_errors_as_json(context) -> None:
    """Views whose own renderer is not JSON (the OpenAPI YAML, the Swagger page) still answer
    errors in JSON; the browsable API keeps its HTML page, which shows the same JSON."""
    request = context.get("request")
    if request is None:
        return
    renderer = getattr(request, "accepted_renderer", None)  # None: negotiation itself failed
    if renderer is None or renderer.format not in ("json", "api"):
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = JSONRenderer.media_type


def api_exception_handler(exc, context):
    _render_errors_as_json(context)
    if isinstance(exc, RequestDataTooBig):
        # Django would answer 400 (it is a SuspiciousOperation); the client needs to know why.
        return Response(payload_too_large_body(), status=413)
    if isinstance(exc, Http404):
        # DRF would repeat Django's English message ("No Note matches the given query."): the same
        # Spanish 404 for every missing (or someone else's) object.
        exc = exceptions.NotFound()
    response = exception_handler(exc, context)
    if response is None:
        return None  # Django's handler500 answers (still JSON).
    if isinstance(exc, exceptions.Throttled):
        # DRF already set Retry-After; the body says it too, in our shape.
        response.data = error_body(str(exc.detail), {"reintentar_en_segundos": exc.wait})
        return response
    if isinstance(exc, exceptions.ValidationError):
        data = response.data
        detalle = data if isinstance(data, dict) else {"non_field_errors": data}
        response.data = error_body("Datos no válidos.", detalle)
    else:
        data = response.data
        detail = str(data.get("detail", data) if isinstance(data, dict) else data)
        if isinstance(exc, exceptions.PermissionDenied) and detail.startswith(CSRF_FAILED_PREFIX):
            detail = csrf_refusal(detail)
        response.data = error_body(detail)
    return response


def not_found(request, exception=None):
    return JsonResponse(error_body("Recurso no encontrado."), status=404)


def bad_request(request, exception=None):
    return JsonResponse(error_body("Petición no válida."), status=400)


def permission_denied(request, exception=None):
    return JsonResponse(error_body("Permiso denegado."), status=403)


def server_error(request):
    return JsonResponse(error_body("Error interno del servidor."), status=500)
