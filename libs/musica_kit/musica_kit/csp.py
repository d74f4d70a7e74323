"""Content-Security-Policy on every response (django-csp), with a stricter one for anything not HTML.

HTML pages (admin, browsable API, Swagger UI, ReDoc, any page added later) get
``settings.CONTENT_SECURITY_POLICY``: scripts only from this origin or with the request's nonce,
never ``'unsafe-eval'`` or inline scripts. JSON, the OpenAPI schema and every other non-HTML
response get ``API_POLICY``: nothing may load at all and nobody may frame it, which is what an
API response rendered by a browser by mistake should get (OWASP REST Security Cheat Sheet).
Static files are answered by whitenoise, before this middleware, and carry no policy.

``API_POLICY`` is a constant, so its header is built once: rebuilding it for every JSON response
was a few per cent of an API request's CPU (docs/benchmarks.md). HTML pages, and any response when
a report-only policy is configured, go through django-csp as before.
"""

import http.client

from csp.constants import HEADER, NONE
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from csp.utils import build_policy
from django.conf import settings

API_POLICY = {"default-src": [NONE], "frame-ancestors": [NONE], "base-uri": [NONE], "form-action": [NONE]}
API_HEADER = build_policy(config=API_POLICY)
_DEBUG_EXEMPT = (http.client.INTERNAL_SERVER_ERROR, http.client.NOT_FOUND)  # django-csp's own rule


def is_html(response) -> bool:
    return response.get("Content-Type", "").split(";")[0].strip().lower() == "text/html"


class CSPMiddleware(BaseCSPMiddleware):
    def process_response(self, request, response):
        if is_html(response) or getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None):
            return super().process_response(request, response)
        # What django-csp does with API_POLICY, minus building the same string again.
        if response.status_code in _DEBUG_EXEMPT and settings.DEBUG:
            return response
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}
        prefixes = policy.get("EXCLUDE_URL_PREFIXES") or ()
        exempt = getattr(response, "_csp_exempt", False) or request.path_info.startswith(tuple(prefixes))
        if HEADER not in response and not exempt:
            response[HEADER] = API_HEADER
        if getattr(request, "_csp_nonce", None) is None:
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and not is_html(response):
            parts.config, parts.update, parts.replace = API_POLICY, None, None
        return parts
