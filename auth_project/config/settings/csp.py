"""Content-Security-Policy (django-csp) on every answer of auth_service: the kit's policy for HTML
pages (musica_kit.settings.csp), a stricter one for the rest (musica_kit.csp.CSPMiddleware)."""

from musica_kit.settings.csp import CONTENT_SECURITY_POLICY

from .base import INSTALLED_APPS, MIDDLEWARE

__all__ = ["CONTENT_SECURITY_POLICY"]

INSTALLED_APPS.append("csp")
# After whitenoise (static files need no policy), before everything that may answer a page.
MIDDLEWARE.insert(
    MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1, "musica_kit.csp.CSPMiddleware"
)
