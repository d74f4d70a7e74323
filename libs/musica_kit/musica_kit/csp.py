"""Content-Security-Policy on every response (django-csp), with a stricter one for anything not HTML.

HTML pages (admin, browsable API, Swagger UI, ReDoc, any page added later) get
``settings.CONTENT_SECURITY_POLICY``: scripts only from this origin or with the request's nonce,
never ``'unsafe-eval'`` or inline scripts. JSON, the OpenAPI schema and every other non-HTML
response get ``API_POLICY``: nothing may load at all and nobody may frame it, which is what an
API response rendered by a browser by mistake should get (OWASP REST Security Cheat Sheet).
Static files are answered by whitenoise, before this middleware, and carry no policy.
"""

import base64
import hashlib

from csp.constants import NONE
from csp.middleware import CSPMiddleware as BaseCSPMiddleware

# Every style="..." in rest_framework/templates (DRF 3.18): the browsable API and its login page.
DRF_STYLE_ATTRIBUTES = [
    "float: right; margin-right: 10px",
    "float: right",
    "float:left",
    "clear: both",
    "margin-top: 30px",
    "width: 320px; margin-left: auto; margin-right: auto",
    "margin: 0 0 20px;",
    "border: none",
    "border-bottom: 0",
    "border-bottom: 1px solid #e5e5e5",
    "width: 350px",
]
# Their CSP hashes, for the pages' policy ('unsafe-hashes' allows exactly these attributes).
DRF_STYLE_HASHES = [
    "'sha256-" + base64.b64encode(hashlib.sha256(style.encode()).digest()).decode() + "'"
    for style in DRF_STYLE_ATTRIBUTES
]

API_POLICY = {"default-src": [NONE], "frame-ancestors": [NONE], "base-uri": [NONE], "form-action": [NONE]}


def is_html(response) -> bool:
    return response.get("Content-Type", "").split(";")[0].strip().lower() == "text/html"


class CSPMiddleware(BaseCSPMiddleware):
    """django-csp's middleware, extended where its documentation says to (``get_policy_parts``): a
    response that is not HTML gets API_POLICY instead of the pages' policy and any view's changes."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and not is_html(response):
            parts.config, parts.update, parts.replace = API_POLICY, None, None
        return parts
