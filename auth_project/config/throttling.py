"""The rate limiter as a DRF throttle and on the HTML login forms, per client address: a guesser's own
session must not open a window of its own."""

from django.http import JsonResponse
from django.utils.deprecation import MiddlewareMixin
from rest_framework.throttling import BaseThrottle

from musica_kit.errors import error_body

from .ratelimit import client_address, hit

FORM_LOGIN_VIEWS = {"admin:login", "rest_framework:login"}


class RateLimitThrottle(BaseThrottle):
    scope: str | None = None

    def ident(self, request) -> str:
        return client_address(request)

    def allow_request(self, request, view):
        allowed, self.retry_after = hit(self.scope or view.throttle_scope, self.ident(request))
        return allowed

    def wait(self):
        return self.retry_after


class LoginFormThrottleMiddleware(MiddlewareMixin):
    """Login form POSTs count in /login's window (the same passwords), bad CSRF tokens included."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if request.method != "POST" or match is None or match.view_name not in FORM_LOGIN_VIEWS:
            return None
        allowed, seconds = hit("login", client_address(request))
        if allowed:
            return None
        body = error_body(
            "Demasiados intentos de inicio de sesión. Espera antes de volver a intentarlo.",
            {"reintentar_en_segundos": seconds},
        )
        return JsonResponse(body, status=429, headers={"Retry-After": str(seconds)})
