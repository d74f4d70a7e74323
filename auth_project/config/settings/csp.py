"""The Content-Security-Policy (django-csp) of auth_service's HTML pages; everything else gets a
stricter one (musica_kit.csp.CSPMiddleware). Inline scripts and styles need the per-request nonce;
ReDoc alone also allows inline styles and a blob: worker (musica_kit.urls)."""

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
