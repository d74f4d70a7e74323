"""Request bodies over DATA_UPLOAD_MAX_MEMORY_SIZE are refused with a JSON 413 before anyone reads them.

Django only enforces that limit when ``request.body`` or ``request.POST`` is read (and answers 400
then); DRF's JSON parser streams the body past it, and multipart file parts are never counted.
Checking ``Content-Length`` up front covers every endpoint, whatever (if anything) it parses.
A body without ``Content-Length`` (chunked) is read by Django as empty, so it cannot grow either.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse

from .errors import error_body, payload_too_large_body


def payload_too_large() -> JsonResponse:
    return JsonResponse(payload_too_large_body(), status=413)


class BodySizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = request.META.get("CONTENT_LENGTH") or "0"
        try:
            length = int(raw)
        except ValueError:
            return JsonResponse(error_body("Cabecera Content-Length no válida."), status=400)
        if limit is not None and length > limit:
            return payload_too_large()
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, RequestDataTooBig):
            return payload_too_large()
        return None
