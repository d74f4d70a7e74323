"""Content-Security-Policy (django-csp) on every HTML page; config.csp sends a stricter one elsewhere.

Scripts: this origin, or inline with the per-request nonce (``request.csp_nonce``, used by the
Swagger UI, ReDoc and browsable API templates in config/templates). No ``'unsafe-eval'``, no
inline script without the nonce; the one inline event handler (DRF's "Log out" link) and the few
fixed style attributes of DRF's templates are allowed by hash. Images: this origin, data: URIs
(the offline catalog's covers, admin icons) and Spotify's cover host, https://i.scdn.co.
ReDoc alone also allows inline styles and a blob: worker (config/urls.py). 'report-sample' puts
the first characters of anything blocked in the browser's violation event (the browser tests
print it); no report is sent anywhere.

This module only adds to the lists that base defines (in place), so the order of the imports in
``config/settings/__init__.py`` does not matter.
"""

import base64
import hashlib

from csp.constants import NONCE, NONE, SELF

from .base import INSTALLED_APPS, MIDDLEWARE

__all__ = ["CONTENT_SECURITY_POLICY"]

if "csp" not in INSTALLED_APPS:
    INSTALLED_APPS.append("csp")
# After whitenoise (static files need no policy), before everything that may answer a page.
_CSP = "config.csp.CSPMiddleware"
if _CSP not in MIDDLEWARE:
    MIDDLEWARE.insert(MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1, _CSP)


def _sha256(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode()).digest()).decode() + "'"


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

# The one inline event handler: the "Log out" link of DRF's browsable API (rest_framework templatetags).
DRF_SCRIPT_ATTRIBUTES = ['document.getElementById("logoutForm").submit()']

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE, "'report-sample'"],
        "style-src": [SELF, NONCE, "'report-sample'"],
        "script-src-attr": ["'unsafe-hashes'", *map(_sha256, DRF_SCRIPT_ATTRIBUTES)],
        "style-src-attr": ["'unsafe-hashes'", *map(_sha256, DRF_STYLE_ATTRIBUTES)],
        "img-src": [SELF, "data:", "https://i.scdn.co"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
