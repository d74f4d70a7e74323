from django.contrib import admin
from django.db import models
from django.utils import timezone
from django.utils.html import format_html

from .models import Note


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "cancion", "portada", "fuente", "enriquecimiento", "creada_corta"]
    list_display_links = ["id", "cancion"]
    list_filter = ["user", "enriquecimiento", "fuente", "creada"]
    search_fields = ["cancion", "texto", "titulo", "artista", "album", "user__username"]
    list_select_related = ["user"]
    date_hierarchy = "creada"
    readonly_fields = ["portada_grande", "creada", "actualizada"]
    # The cover is shown as an image (portada_grande), never as its raw URL or data: URI in a box.
    exclude = ["foto"]
    raw_id_fields = ["user"]
    # Links typed without a scheme are https (Django 6's default; silences its 5.x warning).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description="portada")
    def portada(self, note: Note):
        if not note.foto:
            return "—"
        return format_html('<img src="{}" alt="" width="48" height="48" class="cover-thumb">', note.foto)

    @admin.display(description="portada")
    def portada_grande(self, note: Note):
        if not note.foto:
            return "—"
        return format_html('<img src="{}" alt="" width="200" height="200">', note.foto)

    # "28/11/2026 10:00" fits the column; Spanish's long format ("28 de noviembre de 2026 a las…") did not.
    @admin.display(description="creada", ordering="creada")
    def creada_corta(self, note: Note):
        return timezone.localtime(note.creada).strftime("%d/%m/%Y %H:%M")
