"""Content-Security-Policy on every HTML page (musica_kit.settings.csp); what is music's own:
Spotify's cover host, for the covers its browsable API shows (musica_kit/static/musica_kit/portadas.js)."""

from musica_kit.settings.csp import content_security_policy

from .base import INSTALLED_APPS, MIDDLEWARE

__all__ = ["CONTENT_SECURITY_POLICY"]

CONTENT_SECURITY_POLICY = content_security_policy(
    installed_apps=INSTALLED_APPS, middleware=MIDDLEWARE, img_src=("https://i.scdn.co",)
)
