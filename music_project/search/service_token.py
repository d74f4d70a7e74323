"""Only auth_service may call music_service: MUSIC_SERVICE_TOKEN (empty, open, only with DJANGO_DEBUG=1)."""

import hmac

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions

from musica_kit.schema import error_example, error_response


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


class ServiceTokenScheme(OpenApiAuthenticationExtension):
    target_class = ServiceTokenAuthentication
    name = "serviceToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "`MUSIC_SERVICE_TOKEN`, el mismo en auth_service. Solo en desarrollo "
            "(`DJANGO_DEBUG=1`) puede quedar vacío, y entonces no se comprueba.",
        }


UNAUTHORIZED = error_response(
    "`MUSIC_SERVICE_TOKEN` está definido y la petición no trae ese token.",
    error_example("sin token", "Las credenciales de autenticación no se proveyeron."),
)
