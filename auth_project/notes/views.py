from django.conf import settings
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import exceptions, serializers, viewsets
from rest_framework.response import Response

from config.schema import NOT_FOUND, UNAUTHORIZED, validation_error
from config.throttling import RateLimitThrottle
from musica_kit.schema import error_example, error_response, throttled_response

from . import idempotency
from .models import Enrichment, IdempotencyKey
from .selectors import note_list
from .serializers import NoteSerializer
from .services import note_song_resolve, write_transaction

SAVED = "Guardado con éxito"
PENDING_NOTICE = (
    "El servicio de música no está disponible ahora: la nota está guardada y la foto "
    "se añadirá automáticamente en cuanto vuelva."
)
NOT_FOUND_YET_NOTICE = (
    "La canción no está en las fuentes que respondieron: la nota está guardada y se volverá a buscar "
    "cuando respondan las que fallaron ({failed})."
)
BACKGROUND_NOTICE = "La nota está guardada; la foto se buscará en segundo plano y se añadirá automáticamente."
WRITES_THROTTLED = "Demasiadas notas guardadas seguidas: cada una busca la canción en Spotify."


def pending_notice(note) -> str | None:
    """The aviso of a note saved pendiente, naming the sources that failed if music named any."""
    if note.enriquecimiento != Enrichment.PENDING:
        return None
    if note.failed_providers:
        return NOT_FOUND_YET_NOTICE.format(failed=", ".join(note.failed_providers))
    if settings.ENRICHMENT_MODE != "sync":  # music was not asked: saying it is down would be false
        return BACKGROUND_NOTICE
    return PENDING_NOTICE


class NoteWriteThrottle(RateLimitThrottle):
    """Per user, on POST, PUT and PATCH (each may search Spotify); an Idempotency-Key replay searches none."""

    scope = "notes_write"

    def ident(self, request) -> str:
        return str(request.user.pk)

    def allow_request(self, request, view):
        if request.method not in ("POST", "PUT", "PATCH"):
            return True
        replay = request.method == "POST" and idempotency.idempotency_replay_exists(request=request)
        return replay or super().allow_request(request, view)


_NOTE_EXAMPLE = {
    "id": 7,
    "cancion": "Bohemian Rhapsody",
    "texto": "La escuché en el coche",
    "foto": "https://i.scdn.co/image/ab67616d0000b273ce4f1737bc8a646c8c4bd25a",
    "fuente": "spotify",
    "musica": {
        "spotify_id": "4u7EnebtmKWzUH433cf5Qv",
        "titulo": "Bohemian Rhapsody - Remastered 2011",
        "artista": "Queen",
        "album": "A Night At The Opera",
        "spotify_url": "https://open.spotify.com/track/4u7EnebtmKWzUH433cf5Qv",
        "preview_url": None,
        "url": "https://open.spotify.com/track/4u7EnebtmKWzUH433cf5Qv",
    },
    "enriquecimiento": "ok",
    "creada": "2026-11-28T10:00:00Z",
    "actualizada": "2026-11-28T10:00:00Z",
}
_PENDING_EXAMPLE = {**_NOTE_EXAMPLE, "foto": None, "musica": None, "enriquecimiento": "pendiente"}
_THROTTLED = throttled_response(
    "Demasiadas notas creadas o cambiadas seguidas (`NOTES_WRITE_RATE`); leer y borrar no cuentan.",
    error_example(
        "limitado",
        f"{WRITES_THROTTLED} Se espera que esté disponible en 42 segundos.",
        {"reintentar_en_segundos": 42},
    ),
)
_NOTE_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="Id de la nota.")
_MINE = {401: UNAUTHORIZED, 404: NOT_FOUND}
_NOTE_CHANGED = {200: NoteSerializer, 400: validation_error("cancion"), **_MINE, 429: _THROTTLED}


def _created_example(name: str, note: dict, aviso: str | None = None) -> OpenApiExample:
    value = {"mensaje": SAVED, "nota": note, **({"aviso": aviso} if aviso else {})}
    return OpenApiExample(name, value=value, response_only=True, status_codes=["201"])


def _idempotency_error(exc) -> OpenApiResponse:
    return error_response(str(exc.default_detail), error_example(exc.default_code, str(exc.default_detail)))


@extend_schema_view(
    list=extend_schema(
        summary="Mis notas",
        description="Las notas del usuario autenticado, la más nueva primero.",
        responses={200: NoteSerializer(many=True), 401: UNAUTHORIZED},
    ),
    create=extend_schema(
        summary="Crear una nota",
        description="Guarda la nota del usuario del token y busca la canción en music_service. Si no "
        "puede completarla ahora, la nota queda `pendiente`, con un `aviso`, y la foto llega sola más tarde.",
        parameters=[
            OpenApiParameter(
                idempotency.HEADER,
                description="Opcional: una clave única por nota (p. ej. un UUID). Repetir la petición con la "
                "misma clave y el mismo cuerpo en 24 h devuelve el 201 original sin crear otra nota.",
                location=OpenApiParameter.HEADER,
            ),
            OpenApiParameter(
                idempotency.REPLAYED_HEADER,
                description="`true` cuando este 201 repite uno anterior con la misma `Idempotency-Key`.",
                location=OpenApiParameter.HEADER,
                response=[201],
                enum=["true"],
            ),
        ],
        responses={
            201: inline_serializer(
                "NoteCreated",
                fields={
                    "mensaje": serializers.CharField(help_text=f"Siempre «{SAVED}»."),
                    "nota": NoteSerializer(help_text="La nota guardada."),
                    "aviso": serializers.CharField(
                        required=False, help_text="Solo si la nota quedó `pendiente`: por qué y qué pasará."
                    ),
                },
            ),
            400: validation_error("cancion"),
            401: UNAUTHORIZED,
            409: _idempotency_error(idempotency.KeyInUse),
            422: _idempotency_error(idempotency.KeyReused),
            429: _THROTTLED,
        },
        examples=[
            _created_example("con foto", _NOTE_EXAMPLE),
            _created_example("music no disponible", _PENDING_EXAMPLE, PENDING_NOTICE),
        ],
    ),
    retrieve=extend_schema(
        summary="Una nota", parameters=[_NOTE_ID], responses={200: NoteSerializer, **_MINE}
    ),
    update=extend_schema(
        summary="Reemplazar una nota",
        description="Si cambia `cancion`, la nota se vuelve a enriquecer.",
        parameters=[_NOTE_ID],
        responses=_NOTE_CHANGED,
    ),
    partial_update=extend_schema(
        summary="Cambiar parte de una nota",
        description="Solo los campos enviados. Si cambia `cancion`, la nota se vuelve a enriquecer.",
        parameters=[_NOTE_ID],
        responses=_NOTE_CHANGED,
    ),
    destroy=extend_schema(
        summary="Borrar una nota",
        parameters=[_NOTE_ID],
        responses={204: OpenApiResponse(description="Borrada."), **_MINE},
    ),
)
class NoteViewSet(viewsets.ModelViewSet):
    names = {"List": "Tus notas", "Instance": "Nota"}  # page titles (musica_kit.views.view_name)
    serializer_class = NoteSerializer
    lookup_value_regex = "[0-9]{1,18}"  # fits the id column; anything else is the resolver's JSON 404
    throttle_classes = [NoteWriteThrottle]

    def get_queryset(self):
        # Another user's note is as unknown as a missing one (404).
        return note_list(user=self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        key = idempotency.idempotency_key_parse(request.headers.get(idempotency.HEADER))
        if key is None:
            return Response(self._created_body(serializer, serializer.save()), status=201)
        held = idempotency.idempotency_key_hold(user=request.user, key=key, data=request.data)
        if held.status == IdempotencyKey.DONE:
            return Response(held.response_body, status=201, headers={idempotency.REPLAYED_HEADER: "true"})
        try:
            resolved = note_song_resolve(cancion=serializer.validated_data["cancion"])  # no transaction open
            with write_transaction():
                note = serializer.save(resolved=resolved)
                body = self._created_body(serializer, note)
                idempotency.idempotency_key_complete(held=held, note=note, body=body)  # KeyInUse: hold lost
        except BaseException:
            idempotency.idempotency_key_release(held=held)
            raise
        return Response(body, status=201)

    def _created_body(self, serializer: NoteSerializer, note) -> dict:
        body = {"mensaje": SAVED, "nota": serializer.to_representation(note)}
        if aviso := pending_notice(note):
            body["aviso"] = aviso
        return body

    def throttled(self, request, wait):
        raise exceptions.Throttled(wait, detail=WRITES_THROTTLED)
