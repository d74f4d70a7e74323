"""HTTP edge of music_service: validation and shaping only."""

from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from config.errors import error_body

from .providers import ProviderUnavailable, get_provider
from .serializers import SearchParamsSerializer
from .services import search_tracks


class SearchView(APIView):
    def get(self, request):
        params = SearchParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        query, limit = params.validated_data["q"], params.validated_data["limit"]
        try:
            result = search_tracks(query=query, limit=limit)
        except ProviderUnavailable as exc:
            response = Response(
                error_body("El servicio de música no está disponible ahora.", {"motivo": str(exc)}),
                status=exc.status,
            )
            if exc.retry_after:
                response["Retry-After"] = str(exc.retry_after)
            response.music_source = get_provider().name
            return response
        response = Response(
            {
                "query": query,
                "source": result.source,
                "results": [track.as_dict() for track in result.tracks],
            }
        )
        response.music_source = result.source
        response.music_cache = "hit" if result.cached else "miss"
        return response


class HealthView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    def get(self, request):
        return Response({"status": "ok", "source": get_provider().name})


class ReadyView(APIView):
    def get(self, request):
        provider = get_provider()
        if provider.is_ready():
            return Response({"status": "ok", "source": provider.name})
        return Response({"status": "unavailable", "source": provider.name}, status=503)
