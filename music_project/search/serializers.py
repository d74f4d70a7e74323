from rest_framework import serializers

from musica_kit.serializers import dataclass_serializer
from musica_kit.track import SOURCES, Track


class SearchParamsSerializer(serializers.Serializer):
    q = serializers.CharField(
        max_length=200,
        help_text="Qué buscar: título, artista o álbum (1–200 caracteres sin los espacios de los extremos).",
    )
    limit = serializers.IntegerField(
        min_value=1, max_value=10, default=1, help_text="Cuántos resultados, como mucho (1–10)."
    )


TrackSerializer = dataclass_serializer(Track, name="TrackSerializer")


def source_field() -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=SOURCES,
        help_text="Quién respondió: `spotify` (con claves), `deezer` o `itunes` (sin clave) u `offline` "
        "(el catálogo incorporado).",
    )


class ProviderStateSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="La fuente: `spotify`, `deezer`, `itunes` u `offline`.")
    state = serializers.ChoiceField(
        choices=["closed", "open", "half_open"],
        help_text="Su cortocircuito: `closed` (se le pregunta), `open` (falló: se salta) o `half_open` (la "
        "próxima búsqueda la prueba).",
    )
    retry_in = serializers.IntegerField(help_text="Segundos hasta que se la vuelva a probar (0 si cerrado).")
    ready = serializers.BooleanField(required=False, help_text="Solo en /ready: si puede responder ahora.")


class SearchResultSerializer(serializers.Serializer):
    query = serializers.CharField(help_text="La búsqueda, sin los espacios de los extremos.")
    source = source_field()
    results = TrackSerializer(many=True, source="tracks", help_text="Canciones (TRACK), la mejor primero.")


class HealthSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["ok"], help_text="Siempre `ok`.")
    source = source_field()
    providers = ProviderStateSerializer(many=True, help_text="La cadena, en orden.")


class ReadySerializer(HealthSerializer):
    status = serializers.ChoiceField(choices=["ok", "unavailable"], help_text="`ok` o `unavailable`.")
