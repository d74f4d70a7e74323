from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from musica_kit.track import SOURCES


class Enrichment(models.TextChoices):
    OK = "ok", "ok"
    NO_RESULTS = "sin_resultados", "sin resultados"
    PENDING = "pendiente", "pendiente"


class Note(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notes", verbose_name="usuario"
    )
    cancion = models.CharField("canción", max_length=200)
    texto = models.TextField("texto", blank=True, default="", max_length=5000)

    # NULL: nothing known, shown as null by the API.
    foto = models.TextField("foto", null=True, blank=True)  # noqa: DJ001
    spotify_id = models.CharField("id en Spotify", max_length=64, null=True, blank=True)  # noqa: DJ001
    titulo = models.CharField("título", max_length=300, blank=True, default="")
    artista = models.CharField("artista", max_length=300, blank=True, default="")
    album = models.CharField("álbum", max_length=300, blank=True, default="")
    spotify_url = models.URLField("URL en Spotify", max_length=500, null=True, blank=True)  # noqa: DJ001
    preview_url = models.URLField("URL de la muestra", max_length=500, null=True, blank=True)  # noqa: DJ001
    url = models.URLField("página en la fuente", max_length=500, null=True, blank=True)  # noqa: DJ001
    fuente = models.CharField(  # noqa: DJ001
        "fuente", max_length=16, null=True, blank=True, choices=[(name, name) for name in SOURCES]
    )

    enriquecimiento = models.CharField(
        "enriquecimiento", max_length=16, choices=Enrichment.choices, default=Enrichment.PENDING
    )
    # The runner's bookkeeping (notes.enrichment).
    enrich_attempts = models.PositiveIntegerField("intentos de enriquecimiento", default=0)
    incomplete_since = models.DateTimeField("incompleta desde", null=True, blank=True)
    next_enrich_at = models.DateTimeField("próximo enriquecimiento", null=True, blank=True)

    creada = models.DateTimeField("creada", auto_now_add=True)
    actualizada = models.DateTimeField("actualizada", auto_now=True)

    class Meta:
        ordering = ["-creada", "-id"]
        verbose_name = "nota"
        verbose_name_plural = "notas"
        indexes = [
            models.Index(fields=["user", "-creada", "-id"], name="note_user_newest"),
            models.Index(fields=["enriquecimiento", "next_enrich_at"], name="note_enrich_due"),
        ]

    # Not a column: the providers that failed when this request looked the song up.
    failed_providers: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"{self.cancion} ({self.user_id})"

    @property
    def musica(self) -> "Note | None":
        """The song found: its columns are the note's own (notes.serializers.MusicaSerializer reads them)."""
        return self if self.enriquecimiento == Enrichment.OK else None


class IdempotencyKey(models.Model):
    """An ``Idempotency-Key`` of POST /notas and the 201 it answered (notes/idempotency.py)."""

    IN_PROGRESS = "in_progress"
    DONE = "done"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="usuario"
    )
    key = models.CharField("clave", max_length=255)
    fingerprint = models.CharField("huella del cuerpo", max_length=64)
    status = models.CharField(
        "estado", max_length=16, choices=[(IN_PROGRESS, "en curso"), (DONE, "completada")]
    )
    note = models.ForeignKey(
        Note, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="nota"
    )
    response_body = models.JSONField(
        "cuerpo de la respuesta", null=True, blank=True, encoder=DjangoJSONEncoder
    )
    # In progress: the lease's start and the holder's token (a takeover moves it); done: the TTL's start.
    created_at = models.DateTimeField("creada")

    class Meta:
        verbose_name = "clave de idempotencia"
        verbose_name_plural = "claves de idempotencia"
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_per_user")]
        indexes = [models.Index(fields=["created_at"], name="idempotency_key_created")]

    def __str__(self) -> str:
        return f"{self.key} ({self.user_id}, {self.status})"
