"""auth_service's access line: the shared middleware (musica_kit) plus the caller's user id."""

from musica_kit.request_context import RequestContextMiddleware as _KitMiddleware


class RequestContextMiddleware(_KitMiddleware):
    def access_fields(self, request, response) -> dict:
        # DRF copies the authenticated user (JWT or session) onto the Django request.
        user = getattr(request, "user", None)
        return {"user_id": user.pk if user is not None and user.is_authenticated else None}
