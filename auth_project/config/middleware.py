"""The shared access line (musica_kit) plus the caller's user id."""

from musica_kit.request_context import RequestContextMiddleware as _KitMiddleware


class RequestContextMiddleware(_KitMiddleware):
    def access_fields(self, request, response) -> dict:
        user = getattr(request, "user", None)
        return {"user_id": user.pk if user is not None and user.is_authenticated else None}
