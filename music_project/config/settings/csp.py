"""Content-Security-Policy (django-csp) of the HTML pages; musica_kit.csp.CSPMiddleware sends a
stricter one with everything else. Inline scripts need the request's nonce; DRF's fixed style
attributes are allowed by hash; ReDoc alone relaxes styles and workers (musica_kit.urls)."""

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
