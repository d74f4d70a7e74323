"""Content-Security-Policy on every HTML page of auth_service (musica_kit.settings.csp)."""

from musica_kit.settings.csp import content_security_policy

from .base import INSTALLED_APPS, MIDDLEWARE

__all__ = ["CONTENT_SECURITY_POLICY"]

CONTENT_SECURITY_POLICY = content_security_policy(installed_apps=INSTALLED_APPS, middleware=MIDDLEWARE)
