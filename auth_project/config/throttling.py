"""The login throttle also guards the two HTML login forms (/admin/login/, /api-auth/login/).

Those are Django views, outside DRF, so the "login" scope of /login would not see them and they
would be an unthrottled way to guess passwords. Every POST to either form counts in the same
window as /login (same scope, same client address, same cache) and is refused with our JSON 429.
"""

from django.http import JsonResponse
from rest_framework.throttling import ScopedRateThrottle

from musica_kit.errors import error_body

FORM_LOGIN_VIEWS = {"admin:login", "rest_framework:login"}


class _LoginScope:
    throttle_scope = "login"


class LoginFormThrottleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if request.method != "POST" or match is None or match.view_name not in FORM_LOGIN_VIEWS:
            return None
        throttle = ScopedRateThrottle()
        if throttle.allow_request(request, _LoginScope()):
            return None
        wait = throttle.wait()
        seconds = max(int(wait + 0.999), 1) if wait is not None else None
        body = error_body(
            "Demasiados intentos de inicio de sesión. Espera antes de volver a intentarlo.",
            {"reintentar_en_segundos": seconds} if seconds else {},
        )
        response = JsonResponse(body, status=429)
        if seconds:
            response["Retry-After"] = str(seconds)
        return response
