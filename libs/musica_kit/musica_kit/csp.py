"""CSP (django-csp): each project's policy for HTML pages; API_POLICY (OWASP REST) for the rest."""

import base64
import hashlib

from csp.constants import NONE
from csp.middleware import CSPMiddleware as BaseCSPMiddleware

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


class CSPMiddleware(BaseCSPMiddleware):
    """A response that is not HTML gets API_POLICY, whatever the view changed."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
        if not report_only and content_type != "text/html":
            parts.config, parts.update, parts.replace = API_POLICY, None, None
        return parts
