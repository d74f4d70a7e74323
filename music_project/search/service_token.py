"""Only auth_service may call music_service: MUSIC_SERVICE_TOKEN (empty, open, only with DJANGO_DEBUG=1)."""

import hmac

from django.conf import settings
from rest_framework import authentication, exceptions, permissions


class ServiceTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        expected = settings.MUSIC_SERVICE_TOKEN
        scheme, _, presented = request.headers.get("Authorization", "").partition(" ")
        if not expected or scheme != self.keyword or not presented:
            return None
        # Constant-time: the comparison must not leak how much of the token matched.
        if not hmac.compare_digest(presented.strip().encode(), expected.encode()):
            raise exceptions.AuthenticationFailed("Token de servicio no válido.")
        return (None, "service")

    def authenticate_header(self, request):
        return self.keyword


class IsTrustedCaller(permissions.BasePermission):
    message = "Se requiere el token de servicio."

    def has_permission(self, request, view):
        return not settings.MUSIC_SERVICE_TOKEN or request.auth == "service"
