"""Content-Security-Policy (django-csp) on every HTML page; musica_kit.csp sends a stricter one elsewhere.

Scripts: this origin, or inline with the per-request nonce (``request.csp_nonce``, used by the
kit's Swagger UI, ReDoc and browsable API templates). No ``'unsafe-eval'``, no inline script
without the nonce; the fixed style attributes of DRF's templates are allowed by hash; no inline
event handler is. ReDoc alone also allows inline styles and a blob: worker
(musica_kit.urls). 'report-sample' puts the first characters of anything blocked in the
browser's violation event (the browser tests print it); no report is sent anywhere.
"""

import base64
import hashlib

from csp.constants import NONCE, NONE, SELF

from musica_kit.track import COVER_HOSTS

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


def _sha256(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode()).digest()).decode() + "'"


# Images: this origin, data: URIs (the offline catalog's covers, admin icons) and the music sources'
# cover hosts. No inline event handler is allowed: the kit's templates have none (its base.html logs
# out with a plain form).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE, "'report-sample'"],
        "style-src": [SELF, NONCE, "'report-sample'"],
        "style-src-attr": ["'unsafe-hashes'", *map(_sha256, DRF_STYLE_ATTRIBUTES)],
        "img-src": [SELF, "data:", *COVER_HOSTS],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
