from musica_kit.request_context import RequestContextMiddleware as _KitMiddleware


class RequestContextMiddleware(_KitMiddleware):
    def access_fields(self, request, response) -> dict:
        return {
            "source": getattr(response, "music_source", None),
            "cache": getattr(response, "music_cache", None),
            "failed": getattr(response, "music_failed", None),
        }
