"""Reads on notes. Every query is scoped to an owner (the admin is the only exception)."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import Enrichment, Note


def note_list(*, user) -> QuerySet[Note]:
    return Note.objects.filter(user=user).order_by("-creada", "-id")


def note_get(*, user, note_id: int) -> Note | None:
    return note_list(user=user).filter(pk=note_id).first()


def note_ids_due_for_enrichment(*, limit: int) -> list[int]:
    """Pending notes whose backoff (or another runner's lease) has run out, oldest first."""
    due = Q(next_enrich_at__isnull=True) | Q(next_enrich_at__lte=timezone.now())
    return list(
        Note.objects.filter(due, enriquecimiento=Enrichment.PENDING)
        .order_by("creada", "id")
        .values_list("pk", flat=True)[:limit]
    )
