"""Content-Security-Policy (django-csp) of every HTML page of music_service; musica_kit.csp.CSPMiddleware
sends a stricter one with everything else.

Scripts: this origin, or inline with the per-request nonce (``request.csp_nonce``, used by the
kit's Swagger UI, ReDoc and browsable API templates). No ``'unsafe-eval'``, no inline script
without the nonce; DRF's fixed style attributes are allowed by hash; no inline event handler is.
ReDoc alone also allows inline styles and a blob: worker (musica_kit.urls). 'report-sample' puts
the first characters of anything blocked in the browser's violation event; no report is sent.
"""

from csp.constants import NONCE, NONE, SELF

from musica_kit.csp import DRF_STYLE_HASHES
from musica_kit.track import COVER_HOSTS

__all__ = ["CONTENT_SECURITY_POLICY"]  # the constants imported above are not settings

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE, "'report-sample'"],
        "style-src": [SELF, NONCE, "'report-sample'"],
        "style-src-attr": ["'unsafe-hashes'", *DRF_STYLE_HASHES],
        # data: URIs (the offline catalog's covers, admin icons) and the music sources' cover hosts.
        "img-src": [SELF, "data:", *COVER_HOSTS],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
