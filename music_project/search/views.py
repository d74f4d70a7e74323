"""HTTP edge of music_service: validation and shaping only."""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from config.schema import UNAUTHORIZED
from musica_kit.errors import error_body
from musica_kit.schema import error_response

from .providers import ProviderUnavailable, get_provider
from .serializers import SearchParamsSerializer, SearchResultSerializer, source_field
from .services import search_tracks

_UNAVAILABLE = (
    "La fuente no puede responder ahora (Spotify caído, lento o limitando): nunca se espera más que el "
    "tiempo configurado. Con `Retry-After` cuando Spotify dijo cuánto esperar."
)
_Ready = inline_serializer(
    "Ready",
    fields={
        "status": serializers.ChoiceField(choices=["ok", "unavailable"], help_text="`ok` o `unavailable`."),
        "source": source_field(),
    },
)


@extend_schema(
    tags=["búsqueda"],
    summary="Buscar canciones",
    description="Las mejores coincidencias primero. Sin coincidencias: 200 con `results: []`. Los "
    "resultados se guardan en caché (24 h; los vacíos, 10 min).",
    parameters=[SearchParamsSerializer],
    responses={
        200: SearchResultSerializer,
        400: error_response(
            "`q` falta, está vacía o pasa de 200 caracteres, o `limit` no es un entero entre 1 y 10.",
            OpenApiExample(
                "sin q",
                value={"error": "Datos no válidos.", "detalle": {"q": ["Este campo es requerido."]}},
                response_only=True,
            ),
        ),
        401: UNAUTHORIZED,
        502: error_response("Spotify respondió algo inservible (error o respuesta rara). " + _UNAVAILABLE),
        503: error_response(
            _UNAVAILABLE,
            OpenApiExample(
                "Spotify limita",
                value={
                    "error": "El servicio de música no está disponible ahora.",
                    "detalle": {"motivo": "Spotify limita las peticiones: espera antes de reintentar."},
                },
                response_only=True,
            ),
        ),
    },
)
class SearchView(APIView):
    name = "Buscar canciones"

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
            SearchResultSerializer({"query": query, "source": result.source, "tracks": result.tracks}).data
        )
        response.music_source = result.source
        response.music_cache = "hit" if result.cached else "miss"
        return response


@extend_schema(
    tags=["salud"],
    summary="Vida del proceso",
    description="200 mientras el proceso responde; no consulta la fuente. Nunca pide token.",
    auth=[],
    responses={
        200: inline_serializer(
            "Health",
            fields={
                "status": serializers.ChoiceField(choices=["ok"], help_text="Siempre `ok`."),
                "source": source_field(),
            },
        )
    },
)
class HealthView(APIView):
    name = "Vida del proceso"
    authentication_classes = []
    permission_classes = [AllowAny]

    def get(self, request):
        return Response({"status": "ok", "source": get_provider().name})


@extend_schema(
    tags=["salud"],
    summary="Disponibilidad de la fuente",
    description="200 cuando la fuente puede responder una búsqueda; si no, 503.",
    responses={
        200: _Ready,
        401: UNAUTHORIZED,
        503: OpenApiResponse(_Ready, description="La fuente no puede responder ahora."),
    },
)
class ReadyView(APIView):
    name = "Disponibilidad de la fuente"

    def get(self, request):
        provider = get_provider()
        if provider.is_ready():
            return Response({"status": "ok", "source": provider.name})
        return Response({"status": "unavailable", "source": provider.name}, status=503)
