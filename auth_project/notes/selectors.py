"""Reads on notes, scoped to an owner (the admin aside)."""

from django.db.models import Count, F, Min, Q, QuerySet
from django.utils import timezone

from .models import Enrichment, Note


def note_list(*, user) -> QuerySet[Note]:
    return Note.objects.filter(user=user)


def notes_due_for_enrichment() -> QuerySet[Note]:
    """Never-tried first, then by due time: notes that keep failing wait behind the rest."""
    due = Q(next_enrich_at__isnull=True) | Q(next_enrich_at__lte=timezone.now())
    return Note.objects.filter(due, enriquecimiento=Enrichment.PENDING).order_by(
        F("next_enrich_at").asc(nulls_first=True), "id"
    )


def pending_notes_summary() -> tuple[int, object]:
    pending = Note.objects.filter(enriquecimiento=Enrichment.PENDING)
    found = pending.aggregate(n=Count("id"), oldest=Min("creada"))
    return found["n"], found["oldest"]
