from dataclasses import Field, fields
from typing import get_args

from rest_framework import serializers

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


def _serializer_field(spec: Field) -> serializers.Field:
    nullable = type(None) in get_args(spec.type)
    base = next((t for t in get_args(spec.type) if t is not type(None)), spec.type)
    field_class = serializers.IntegerField if base is int else serializers.CharField
    return field_class(allow_null=nullable, help_text=spec.metadata["help_text"])


# The contract's TRACK, derived field by field from search.providers.base.Track (its one definition).
TrackSerializer = type(
    "TrackSerializer",
    (serializers.Serializer,),
    {spec.name: _serializer_field(spec) for spec in fields(Track)},
)


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
