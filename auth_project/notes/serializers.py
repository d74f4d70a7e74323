from rest_framework import serializers

from musica_kit.serializers import CopiedFieldsMixin, dataclass_serializer

from .models import Enrichment, Note
from .services import note_create, note_update
from .track import Song

# The cover and source are the note's own ``foto`` and ``fuente``.
MusicaSerializer = dataclass_serializer(
    Song, name="MusicaSerializer", exclude=("foto", "fuente", "duracion_ms")
)


class TextField(serializers.CharField):
    """Only a string: DRF's CharField would store 1e999 as "inf"."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class NoteSerializer(CopiedFieldsMixin, serializers.Serializer):
    # Every field declared, as CopiedFieldsMixin copies only those: a ModelSerializer would add nothing.
    id = serializers.IntegerField(read_only=True, help_text="Id de la nota.")
    cancion = TextField(
        label="Canción",
        max_length=200,
        help_text="La canción, como la escribirías al buscarla (1–200 caracteres sin los espacios de los "
        "extremos). Es lo que se busca en music_service.",
    )
    texto = TextField(
        max_length=5000,
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        help_text="Tu nota (opcional, hasta 5000 caracteres).",
        style={"base_template": "textarea.html", "rows": 6},  # the browsable API's form
    )
    foto = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text="URL de la portada (la imagen más grande del álbum), o una imagen `data:` "
        "con el catálogo sin conexión; null mientras no se conoce.",
    )
    fuente = serializers.ChoiceField(
        Note._meta.get_field("fuente").choices,
        read_only=True,
        allow_null=True,
        help_text="Quién encontró la canción (y la portada): `spotify`, `deezer`, `itunes` u `offline`; "
        "null mientras no se conoce.",
    )
    musica = MusicaSerializer(
        read_only=True, allow_null=True, help_text="La canción encontrada; null si no hubo (aún) resultado."
    )
    enriquecimiento = serializers.ChoiceField(
        Enrichment.choices,
        read_only=True,
        help_text="`ok`: foto encontrada; `sin_resultados`: music no encontró la canción; "
        "`pendiente`: music no estaba disponible, o una fuente falló y las que respondieron no la "
        "tenían; se completará sola más tarde.",
    )
    creada = serializers.DateTimeField(read_only=True, help_text="Fecha de creación (UTC, ISO 8601).")
    actualizada = serializers.DateTimeField(
        read_only=True, help_text="Fecha del último cambio (UTC, ISO 8601)."
    )

    def create(self, validated_data):
        return note_create(user=self.context["request"].user, **validated_data)

    def update(self, instance, validated_data):
        return note_update(note=instance, **validated_data)
