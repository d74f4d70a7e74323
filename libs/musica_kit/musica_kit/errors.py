"""Every error is JSON: {"error": "<message>", "detalle": {...}} — never an HTML page."""

from django.http import Http404, JsonResponse
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.views import exception_handler


def error_body(message: str, detalle: dict | None = None) -> dict:
    return {"error": message, "detalle": detalle or {}}


def api_exception_handler(exc, context):
    # JSON even from YAML/HTML views (schema, Swagger UI); the browsable API shows the same JSON.
    request = context.get("request")
    renderer = getattr(request, "accepted_renderer", None)
    if request is not None and (renderer is None or renderer.format not in ("json", "api")):
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = JSONRenderer.media_type
    if isinstance(exc, Http404):
        # One Spanish 404 for missing and someone else's objects alike.
        exc = exceptions.NotFound()
    response = exception_handler(exc, context)
    if response is None:
        return None  # handler500 answers, in JSON
    if isinstance(exc, exceptions.Throttled):
        response.data = error_body(str(exc.detail), {"reintentar_en_segundos": exc.wait})
        return response
    data = response.data
    if isinstance(exc, exceptions.ValidationError):
        detalle = data if isinstance(data, dict) else {"non_field_errors": data}
        response.data = error_body("Datos no válidos.", detalle)
    else:
        detail = str(data.get("detail", data) if isinstance(data, dict) else data)
        if isinstance(exc, exceptions.PermissionDenied) and detail.startswith("CSRF Failed: "):
            # DRF's "CSRF Failed: <Django's reason>" is English; no reason, as Django's page without DEBUG.
            detail = (
                "Comprobación CSRF fallida: recarga la página y vuelve a intentarlo "
                "(o usa un token JWT: Authorization: Bearer <access>)."
            )
        response.data = error_body(detail)
    return response


def _json_handler(message: str, status: int):
    def handler(request, exception=None):
        return JsonResponse(error_body(message), status=status)

    return handler


not_found = _json_handler("Recurso no encontrado.", 404)
bad_request = _json_handler("Petición no válida.", 400)
permission_denied = _json_handler("Permiso denegado.", 403)
server_error = _json_handler("Error interno del servidor.", 500)
