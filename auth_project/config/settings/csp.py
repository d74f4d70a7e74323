"""The Content-Security-Policy of auth's HTML pages (others get musica_kit.csp's stricter one)."""

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
        # data: for the offline catalog's covers and admin icons.
        "img-src": [SELF, "data:", *COVER_HOSTS],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
