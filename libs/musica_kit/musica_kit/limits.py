"""A JSON 413 by Content-Length before anyone reads the body: DRF's parsers stream past Django's limit."""

from django.conf import settings
from django.http import JsonResponse

from .errors import error_body


class BodySizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or "0")
        except ValueError:
            return JsonResponse(error_body("Cabecera Content-Length no válida."), status=400)
        if limit is not None and length > limit:
            message = f"El cuerpo de la petición es demasiado grande (máximo {limit} bytes)."
            return JsonResponse(error_body(message, {"max_bytes": limit}), status=413)
        return self.get_response(request)
