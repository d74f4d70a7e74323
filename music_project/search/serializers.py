from rest_framework import serializers


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


class TrackSerializer(serializers.Serializer):
    """The contract's TRACK (documents the shape; tracks are already clean dicts)."""

    spotify_id = serializers.CharField(
        allow_null=True, help_text="Id de Spotify; null con el catálogo sin conexión."
    )
    titulo = serializers.CharField(help_text="Título de la canción.")
    artista = serializers.CharField(help_text="Artista o artistas, separados por comas.")
    album = serializers.CharField(help_text="Álbum.")
    foto = serializers.CharField(
        allow_null=True,
        help_text="URL de la imagen más grande del álbum (null si no tiene); sin conexión, una portada "
        "SVG generada como `data:image/svg+xml;base64,…`.",
    )
    spotify_url = serializers.CharField(
        allow_null=True, help_text="Enlace a la canción en Spotify (sin conexión, a una búsqueda en Spotify)."
    )
    preview_url = serializers.CharField(
        allow_null=True, help_text="Fragmento de 30 s cuando Spotify lo ofrece; si no, null."
    )
    duracion_ms = serializers.IntegerField(
        allow_null=True, help_text="Duración en milisegundos; null sin conexión."
    )
