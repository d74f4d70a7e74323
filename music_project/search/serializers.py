from rest_framework import serializers

from musica_kit.serializers import dataclass_serializer

from .providers.base import Track


class SearchParamsSerializer(serializers.Serializer):
    """Validates the query string of GET /search."""

    q = serializers.CharField(
        max_length=200,
        trim_whitespace=True,
        help_text="Qué buscar: título, artista o álbum (1–200 caracteres sin los espacios de los extremos).",
    )
    limit = serializers.IntegerField(
        min_value=1, max_value=10, default=1, help_text="Cuántos resultados, como mucho (1–10)."
    )


# The contract's TRACK, derived field by field from its one definition (providers.base.Track).
TrackSerializer = dataclass_serializer(Track, name="TrackSerializer")


def source_field() -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=["spotify", "offline"],
        help_text="Quién respondió: `spotify` (con claves) u `offline` (el catálogo incorporado).",
    )


class SearchResultSerializer(serializers.Serializer):
    """The body of a successful GET /search."""

    query = serializers.CharField(help_text="La búsqueda, sin los espacios de los extremos.")
    source = source_field()
    results = TrackSerializer(many=True, source="tracks", help_text="Canciones (TRACK), la mejor primero.")
