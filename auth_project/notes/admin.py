from django.contrib import admin
from django.db import models
from django.utils import timezone
from django.utils.html import format_html

from .models import Note


def cover(note: Note, html: str):
    return format_html(html, note.foto) if note.foto else "—"


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "cancion", "portada", "fuente", "enriquecimiento", "creada_corta"]
    list_display_links = ["id", "cancion"]
    list_filter = ["user", "enriquecimiento", "fuente", "creada"]
    search_fields = ["cancion", "texto", "titulo", "artista", "album", "user__username"]
    list_select_related = ["user"]
    date_hierarchy = "creada"
    readonly_fields = ["portada_grande", "creada", "actualizada"]
    exclude = ["foto"]  # shown as an image, not as a raw URL or data: URI
    raw_id_fields = ["user"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description="portada")
    def portada(self, note: Note):
        return cover(note, '<img src="{}" alt="" width="48" height="48" class="cover-thumb">')

    @admin.display(description="portada")
    def portada_grande(self, note: Note):
        return cover(note, '<img src="{}" alt="" width="200" height="200">')

    # Spanish's long format ("28 de noviembre de 2026 a las…") does not fit the column.
    @admin.display(description="creada", ordering="creada")
    def creada_corta(self, note: Note):
        return timezone.localtime(note.creada).strftime("%d/%m/%Y %H:%M")
