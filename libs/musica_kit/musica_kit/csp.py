"""CSP (django-csp): each project's policy for HTML pages; API_POLICY (OWASP REST) for the rest."""

import base64
import hashlib

from csp.constants import HEADER, NONE
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from csp.utils import build_policy

# Every style="..." in rest_framework/templates (DRF 3.18), allowed by hash ('unsafe-hashes').
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
DRF_STYLE_HASHES = [
    "'sha256-" + base64.b64encode(hashlib.sha256(style.encode()).digest()).decode() + "'"
    for style in DRF_STYLE_ATTRIBUTES
]

API_POLICY = {"default-src": [NONE], "frame-ancestors": [NONE], "base-uri": [NONE], "form-action": [NONE]}


API_HEADER = build_policy(config=API_POLICY)


class CSPMiddleware(BaseCSPMiddleware):
    """A response that is not HTML gets API_POLICY, whatever the view changed. Its header is a constant,
    built once: per response it cost 4 % of a bare save's instructions (docs/benchmarks.md)."""

    def process_response(self, request, response):
        content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type == "text/html":
            return super().process_response(request, response)
        if HEADER not in response and not getattr(response, "_csp_exempt", False):
            response[HEADER] = API_HEADER
        if getattr(request, "_csp_nonce", None) is None:  # as django-csp does
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
