from rest_framework import serializers

from .models import Note
from .services import note_create, note_update


class MusicaSerializer(serializers.Serializer):
    spotify_id = serializers.CharField(allow_null=True)
    titulo = serializers.CharField()
    artista = serializers.CharField()
    album = serializers.CharField()
    spotify_url = serializers.CharField(allow_null=True)
    preview_url = serializers.CharField(allow_null=True)


class NoteSerializer(serializers.ModelSerializer):
    """Input and output shape of a note. Ownership and enrichment never come from the body."""

    cancion = serializers.CharField(max_length=200, trim_whitespace=True)
    texto = serializers.CharField(max_length=5000, required=False, allow_blank=True, trim_whitespace=False)
    musica = MusicaSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Note
        fields = ["id", "cancion", "texto", "foto", "musica", "enriquecimiento", "creada", "actualizada"]
        read_only_fields = ["id", "foto", "musica", "enriquecimiento", "creada", "actualizada"]

    def create(self, validated_data):
        return note_create(user=self.context["request"].user, **validated_data)

    def update(self, instance, validated_data):
        return note_update(note=instance, **validated_data)
