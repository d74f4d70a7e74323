from django.conf import settings
from django.utils.cache import patch_vary_headers
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from musica_kit.errors import error_body
from musica_kit.schema import error_example, error_response

from .metrics import SEARCH_CACHE
from .providers import ProviderUnavailable, get_chain
from .serializers import HealthSerializer, ReadySerializer, SearchParamsSerializer, SearchResultSerializer
from .service_token import UNAUTHORIZED
from .services import search_tracks

UNAVAILABLE = "El servicio de música no está disponible ahora."


@extend_schema(
    tags=["búsqueda"],
    summary="Buscar canciones",
    description="Las mejores coincidencias primero, de la primera fuente de `MUSIC_PROVIDERS` que tenga la "
    "canción; sin coincidencias, `results: []`. Un 200 lleva `Cache-Control: private, max-age=N` (lo que le "
    "queda en la caché de resultados, como mucho `SEARCH_HTTP_MAX_AGE`); lo demás, `no-store`.",
    parameters=[SearchParamsSerializer],
    responses={
        200: SearchResultSerializer,
        400: error_response(
            "`q` falta, está vacía o pasa de 200 caracteres, o `limit` no es un entero entre 1 y 10.",
            error_example("sin q", "Datos no válidos.", {"q": ["Este campo es requerido."]}),
        ),
        401: UNAUTHORIZED,
        502: error_response("Una fuente respondió un error o algo inservible, y ninguna otra respondió."),
        503: error_response(
            "Ninguna fuente pudo responder a tiempo (con `Retry-After` si dijo cuánto esperar), o las que "
            "respondieron no tenían la canción pero una mejor falló (`detalle.incompleta`: se reintenta).",
            error_example(
                "sin coincidencias, pero Deezer falló",
                UNAVAILABLE,
                {
                    "motivo": "sin coincidencias, pero no respondieron: deezer",
                    "incompleta": True,
                    "fallaron": ["deezer"],
                },
            ),
        ),
    },
)
class SearchView(APIView):
    name = "Buscar canciones"

    def finalize_response(self, request, response, *args, **kwargs):
        """Only the caller that showed this token may reuse a 200, while it stays in the result cache."""
        response = super().finalize_response(request, response, *args, **kwargs)
        max_age = min(getattr(response, "fresh_for", 0), settings.SEARCH_HTTP_MAX_AGE)
        reusable = response.status_code == 200 and max_age > 0
        response["Cache-Control"] = f"private, max-age={max_age}" if reusable else "no-store"
        patch_vary_headers(response, ["Authorization"])
        return response

    def get(self, request):
        params = SearchParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        query = params.validated_data["q"]
        try:
            result = search_tracks(query=query, limit=params.validated_data["limit"])
        except ProviderUnavailable as exc:
            SEARCH_CACHE.labels("miss").inc()
            response = Response(error_body(UNAVAILABLE, {"motivo": str(exc)}), status=exc.status)
            if exc.retry_after:
                response["Retry-After"] = str(exc.retry_after)
            response.access_fields = {"source": get_chain().first_available}
            return response
        cache_use = "hit" if result.cached else "miss"
        SEARCH_CACHE.labels(cache_use).inc()
        access = {"source": result.source, "cache": cache_use}
        if result.incomplete:
            motivo = f"sin coincidencias, pero no respondieron: {', '.join(result.failed)}"
            detail = {"motivo": motivo, "incompleta": True, "fallaron": list(result.failed)}
            response = Response(error_body(UNAVAILABLE, detail), status=503)
            # Expected, not a server error: the access line names the failed providers at INFO,
            # and Django's request logger must not add "Service Unavailable" at ERROR.
            response.access_fields = {**access, "failed": result.failed}
            response._has_been_logged = True  # what django.utils.log.log_response checks
            return response
        body = {"query": query, "source": result.source, "tracks": result.tracks}
        response = Response(SearchResultSerializer(body).data)
        response.access_fields, response.fresh_for = access, result.fresh_for
        return response


@extend_schema(
    tags=["salud"],
    summary="Vida del proceso",
    description="200 mientras el proceso responde, sin token ni preguntar a las fuentes: dice la cadena "
    "(`MUSIC_PROVIDERS`) y sus cortocircuitos.",
    auth=[],
    responses={200: HealthSerializer},
)
class HealthView(APIView):
    name = "Vida del proceso"
    authentication_classes = []
    permission_classes = [AllowAny]

    def get(self, request):
        chain = get_chain()
        return Response({"status": "ok", "source": chain.first_available, "providers": chain.status()})


@extend_schema(
    tags=["salud"],
    summary="Disponibilidad de la fuente",
    description="200 si alguna fuente puede responder ahora (Deezer e iTunes: si su cortocircuito no está "
    "abierto); si no, 503.",
    responses={
        200: ReadySerializer,
        401: UNAUTHORIZED,
        503: OpenApiResponse(ReadySerializer, description="Ninguna fuente puede responder."),
    },
)
class ReadyView(APIView):
    name = "Disponibilidad de la fuente"

    def get(self, request):
        chain = get_chain()
        providers = chain.status(check_ready=True)
        ready = next((row["name"] for row in providers if row["ready"]), None)
        body = {"status": "ok" if ready else "unavailable", "source": ready or chain.first_available}
        return Response({**body, "providers": providers}, status=200 if ready else 503)
