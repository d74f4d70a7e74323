"""CSP of the HTML pages; musica_kit.csp sends a stricter one with everything else."""

from csp.constants import NONCE, NONE, SELF

from musica_kit.csp import DRF_STYLE_HASHES
from musica_kit.track import COVER_HOSTS

__all__ = ["CONTENT_SECURITY_POLICY"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE, "'report-sample'"],
        "style-src": [SELF, NONCE, "'report-sample'"],
        "style-src-attr": ["'unsafe-hashes'", *DRF_STYLE_HASHES],
        "img-src": [SELF, "data:", *COVER_HOSTS],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
