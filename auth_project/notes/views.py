from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from config.schema import NOT_FOUND, UNAUTHORIZED, throttled_response, validation_error

from .models import Enrichment
from .selectors import note_get, note_list
from .serializers import NoteSerializer
from .services import note_delete
from .throttling import NoteWriteThrottle

SAVED = "Guardado con éxito"
PENDING_NOTICE = (
    "El servicio de música no está disponible ahora: la nota está guardada y la foto "
    "se añadirá automáticamente en cuanto vuelva."
)

_NoteCreated = inline_serializer(
    "NoteCreated",
    fields={
        "mensaje": serializers.CharField(help_text=f"Siempre «{SAVED}»."),
        "nota": NoteSerializer(help_text="La nota guardada."),
        "aviso": serializers.CharField(
            required=False,
            help_text="Solo cuando la nota quedó `pendiente` (music_service no respondió): "
            "la foto se añadirá sola más tarde.",
        ),
    },
)
WRITES_THROTTLED = "Demasiadas notas guardadas seguidas: cada una busca la canción en Spotify."
_THROTTLED = throttled_response(
    "Límite de escrituras por usuario (`NOTES_WRITE_RATE`, 30 por minuto por defecto) para crear "
    "o cambiar notas; la cabecera `Retry-After` dice cuántos segundos esperar. Leer y borrar no cuentan.",
    OpenApiExample(
        "limitado",
        value={
            "error": f"{WRITES_THROTTLED} Se espera que esté disponible en 42 segundos.",
            "detalle": {"reintentar_en_segundos": 42},
        },
        response_only=True,
    ),
)
_NOTE_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Id de la nota.")
_NOTE_EXAMPLE = {
    "id": 7,
    "cancion": "Bohemian Rhapsody",
    "texto": "La escuché en el coche",
    "foto": "https://i.scdn.co/image/ab67616d0000b273ce4f1737bc8a646c8c4bd25a",
    "musica": {
        "spotify_id": "4u7EnebtmKWzUH433cf5Qv",
        "titulo": "Bohemian Rhapsody - Remastered 2011",
        "artista": "Queen",
        "album": "A Night At The Opera",
        "spotify_url": "https://open.spotify.com/track/4u7EnebtmKWzUH433cf5Qv",
        "preview_url": None,
    },
    "enriquecimiento": "ok",
    "creada": "2026-11-28T10:00:00Z",
    "actualizada": "2026-11-28T10:00:00Z",
}
_PENDING_EXAMPLE = {
    **_NOTE_EXAMPLE,
    "foto": None,
    "musica": None,
    "enriquecimiento": "pendiente",
}


@extend_schema_view(
    list=extend_schema(
        summary="Mis notas",
        description="Las notas del usuario autenticado, de la más nueva a la más antigua, paginadas "
        "(`page`, `page_size` hasta 100; 20 por defecto).",
        responses={200: NoteSerializer(many=True), 401: UNAUTHORIZED},
    ),
    create=extend_schema(
        summary="Crear una nota",
        description="Guarda la nota del usuario del token (nunca de un campo del cuerpo) y busca la "
        "canción en music_service. `foto`, `musica` y `enriquecimiento` enviados se ignoran. Si music "
        "no responde, la nota se guarda igual como `pendiente`, la respuesta añade `aviso` y la foto "
        "llega sola más tarde.",
        responses={201: _NoteCreated, 400: validation_error("cancion"), 401: UNAUTHORIZED, 429: _THROTTLED},
        examples=[
            OpenApiExample(
                "con foto",
                value={"mensaje": SAVED, "nota": _NOTE_EXAMPLE},
                response_only=True,
                status_codes=["201"],
            ),
            OpenApiExample(
                "music no disponible",
                value={"mensaje": SAVED, "nota": _PENDING_EXAMPLE, "aviso": PENDING_NOTICE},
                response_only=True,
                status_codes=["201"],
            ),
            OpenApiExample(
                "petición",
                value={"cancion": "Bohemian Rhapsody", "texto": "La escuché en el coche"},
                request_only=True,
            ),
        ],
    ),
    retrieve=extend_schema(
        summary="Una nota",
        parameters=[_NOTE_ID],
        responses={200: NoteSerializer, 401: UNAUTHORIZED, 404: NOT_FOUND},
    ),
    update=extend_schema(
        summary="Reemplazar una nota",
        description="Si cambia `cancion`, la nota se vuelve a enriquecer (foto y música nuevas).",
        parameters=[_NOTE_ID],
        responses={
            200: NoteSerializer,
            400: validation_error("cancion"),
            401: UNAUTHORIZED,
            404: NOT_FOUND,
            429: _THROTTLED,
        },
    ),
    partial_update=extend_schema(
        summary="Cambiar parte de una nota",
        description="Solo los campos enviados. Si cambia `cancion`, la nota se vuelve a enriquecer.",
        parameters=[_NOTE_ID],
        responses={
            200: NoteSerializer,
            400: validation_error("cancion"),
            401: UNAUTHORIZED,
            404: NOT_FOUND,
            429: _THROTTLED,
        },
    ),
    destroy=extend_schema(
        summary="Borrar una nota",
        parameters=[_NOTE_ID],
        responses={
            204: OpenApiResponse(description="Borrada."),
            401: UNAUTHORIZED,
            404: NOT_FOUND,
        },
    ),
)
@extend_schema(tags=["notas"])
class NoteViewSet(viewsets.ModelViewSet):
    serializer_class = NoteSerializer
    permission_classes = [IsAuthenticated]
    throttle_classes = [NoteWriteThrottle]  # POST/PUT/PATCH only, per user

    def get_queryset(self):
        return note_list(user=self.request.user)

    def get_object(self):
        try:
            note_id = int(self.kwargs["pk"])
        except (TypeError, ValueError):
            raise Http404 from None
        note = note_get(user=self.request.user, note_id=note_id)
        if note is None:
            raise Http404
        return note

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        note = serializer.save()
        body = {"mensaje": SAVED, "nota": serializer.data}
        if note.enriquecimiento == Enrichment.PENDING:
            body["aviso"] = PENDING_NOTICE
        return Response(body, status=status.HTTP_201_CREATED)

    def throttled(self, request, wait):
        raise exceptions.Throttled(wait, detail=WRITES_THROTTLED)

    def perform_destroy(self, instance):
        note_delete(note=instance)
