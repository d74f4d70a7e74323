"""A JSON 413 by Content-Length before anyone reads the body: DRF's parsers stream past Django's limit."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse

from .errors import error_body, payload_too_large_body


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
            return JsonResponse(payload_too_large_body(), status=413)
        return self.get_response(request)

    def process_exception(self, request, exception):  # from DRF views too; Django's answer would be a 400
        if isinstance(exception, RequestDataTooBig):
            return JsonResponse(payload_too_large_body(), status=413)
        return None
