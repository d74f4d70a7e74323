"""music_service's access line: the shared middleware (musica_kit) plus which source answered
(and, for an "incompleta" miss, which providers failed)."""

from musica_kit.request_context import RequestContextMiddleware as _KitMiddleware


class RequestContextMiddleware(_KitMiddleware):
    def access_fields(self, request, response) -> dict:
        return {
            "source": getattr(response, "music_source", None),
            "cache": getattr(response, "music_cache", None),
            "failed": getattr(response, "music_failed", None),  # an "incompleta" answer's providers
        }
