"""Bodies over DATA_UPLOAD_MAX_MEMORY_SIZE get a JSON 413 before anyone reads them.

Django enforces that limit only when ``request.body`` or ``request.POST`` is read (and answers 400);
DRF's JSON parser streams past it and multipart file parts are never counted. ``Content-Length``,
checked up front, covers every endpoint; a chunked body without one is read by Django as empty.
"""

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

    def process_exception(self, request, exception):
        if isinstance(exception, RequestDataTooBig):
            return JsonResponse(payload_too_large_body(), status=413)
        return None
