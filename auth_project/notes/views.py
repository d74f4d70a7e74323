from django.conf import settings
from drf_spectacular.types import OpenApiTypes
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
from musica_kit.schema import error_example, error_response, throttled_response

from . import idempotency
from .models import Enrichment, IdempotencyKey
from .selectors import note_list
from .serializers import NoteSerializer
from .services import note_delete, note_song_resolve, write_transaction
from .throttling import NoteWriteThrottle

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
    "Límite de escrituras por usuario (`NOTES_WRITE_RATE`, 30 por minuto por defecto) para crear "
    "o cambiar notas; la cabecera `Retry-After` dice cuántos segundos esperar. Leer y borrar no cuentan.",
    error_example(
        "limitado",
        f"{WRITES_THROTTLED} Se espera que esté disponible en 42 segundos.",
        {"reintentar_en_segundos": 42},
    ),
)
_NOTE_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Id de la nota.")
_MINE = {401: UNAUTHORIZED, 404: NOT_FOUND}
_NOTE_CHANGED = {200: NoteSerializer, 400: validation_error("cancion"), **_MINE, 429: _THROTTLED}


def _created_example(name: str, note: dict, aviso: str | None = None) -> OpenApiExample:
    value = {"mensaje": SAVED, "nota": note, **({"aviso": aviso} if aviso else {})}
    return OpenApiExample(name, value=value, response_only=True, status_codes=["201"])


def _idempotency_error(description: str, exc) -> OpenApiResponse:
    return error_response(description, error_example(exc.default_code, str(exc.default_detail)))


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
        "llega sola más tarde; también si ninguna fuente que respondió tiene la canción mientras otra "
        "mejor falla (el `aviso` nombra las que fallaron). Con `Idempotency-Key`, un reintento no crea "
        "una segunda nota: repite el 201 original (con `Idempotent-Replayed: true`); 409 si la primera "
        "petición sigue en curso, 422 si la clave ya se usó con otro cuerpo.",
        parameters=[
            OpenApiParameter(
                idempotency.HEADER,
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="Opcional, recomendada al reintentar: una clave única por nota (p. ej. un "
                "UUID; 1–255 caracteres ASCII imprimibles). Si la conexión se corta y repites la petición "
                "con la misma clave y el mismo cuerpo en 24 h, recibes el 201 original (misma nota, sin "
                "crear otra). Cada usuario tiene sus propias claves.",
            ),
            OpenApiParameter(
                idempotency.REPLAYED_HEADER,
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                response=[201],
                enum=["true"],
                description="`true` cuando este 201 es la repetición de uno anterior con la misma "
                "`Idempotency-Key`.",
            ),
        ],
        responses={
            201: inline_serializer(
                "NoteCreated",
                fields={
                    "mensaje": serializers.CharField(help_text=f"Siempre «{SAVED}»."),
                    "nota": NoteSerializer(help_text="La nota guardada."),
                    "aviso": serializers.CharField(
                        required=False,
                        help_text="Solo cuando la nota quedó `pendiente`: dice si music_service no estaba "
                        "disponible (la foto se añadirá sola más tarde) o si la canción no está en las "
                        "fuentes que respondieron y se volverá a buscar cuando respondan las que fallaron "
                        "(las nombra); con `ENRICHMENT_MODE` `async` u `off`, que la foto se buscará en "
                        "segundo plano.",
                    ),
                },
            ),
            400: validation_error("cancion"),
            401: UNAUTHORIZED,
            409: _idempotency_error(
                "La petición anterior con esta `Idempotency-Key` aún no ha terminado: repite más tarde.",
                idempotency.KeyInUse,
            ),
            422: _idempotency_error(
                "Esta `Idempotency-Key` ya se usó con otro cuerpo.", idempotency.KeyReused
            ),
            429: _THROTTLED,
        },
        examples=[
            _created_example("con foto", _NOTE_EXAMPLE),
            _created_example("music no disponible", _PENDING_EXAMPLE, PENDING_NOTICE),
            _created_example(
                "no está en las fuentes que respondieron",
                _PENDING_EXAMPLE,
                NOT_FOUND_YET_NOTICE.format(failed="deezer"),
            ),
            OpenApiExample(
                "petición",
                value={"cancion": "Bohemian Rhapsody", "texto": "La escuché en el coche"},
                request_only=True,
            ),
        ],
    ),
    retrieve=extend_schema(
        summary="Una nota", parameters=[_NOTE_ID], responses={200: NoteSerializer, **_MINE}
    ),
    update=extend_schema(
        summary="Reemplazar una nota",
        description="Si cambia `cancion`, la nota se vuelve a enriquecer (foto y música nuevas).",
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
            replayed = {idempotency.REPLAYED_HEADER: "true"}
            return Response(held.response_body, status=held.response_status, headers=replayed)
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

    def perform_destroy(self, instance):
        note_delete(note=instance)
