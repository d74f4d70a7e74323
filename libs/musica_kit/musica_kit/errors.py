"""Every error is JSON: {"error": "<message>", "detalle": {...}} — never an HTML page."""

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
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
        detail = data.get("detail", data) if isinstance(data, dict) else data
        response.data = error_body(str(detail))
    return response


def not_found(request, exception=None):
    return JsonResponse(error_body("Recurso no encontrado."), status=404)


def bad_request(request, exception=None):
    return JsonResponse(error_body("Petición no válida."), status=400)


def permission_denied(request, exception=None):
    return JsonResponse(error_body("Permiso denegado."), status=403)


def server_error(request):
    return JsonResponse(error_body("Error interno del servidor."), status=500)
