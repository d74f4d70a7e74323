from rest_framework import serializers


class SearchParamsSerializer(serializers.Serializer):
    """Validates the query string of GET /search."""

    q = serializers.CharField(max_length=200, trim_whitespace=True)
    limit = serializers.IntegerField(min_value=1, max_value=10, default=1)


class TrackSerializer(serializers.Serializer):
    """The contract's TRACK (documents the shape; tracks are already clean dicts)."""

    spotify_id = serializers.CharField(allow_null=True)
    titulo = serializers.CharField()
    artista = serializers.CharField()
    album = serializers.CharField()
    foto = serializers.CharField(allow_null=True)
    spotify_url = serializers.CharField(allow_null=True)
    preview_url = serializers.CharField(allow_null=True)
    duracion_ms = serializers.IntegerField(allow_null=True)
