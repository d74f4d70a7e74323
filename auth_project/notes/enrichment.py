"""Looking a note's song up in music_service, and the runner that retries the pending ones.

A note is looked up when it is saved (notes.services, in sync mode) and, while it stays
"pendiente", again by the runner (``manage.py enrich_pending``). One pass of the runner:

1. **claim** — one short transaction leases up to ``limit`` due notes to this pass and commits
   (PostgreSQL: ``SELECT … FOR UPDATE SKIP LOCKED``, so concurrent runners take disjoint rows;
   SQLite: one conditional UPDATE, under the database's single writer lock);
2. **look up** — with no transaction open, up to ENRICH_CONCURRENCY lookups at once (they wait on
   music, not on the CPU, and touch no database); once music is unavailable, lookups not yet
   started are cancelled and their leases released;
3. **write back** — each result with a conditional UPDATE that applies only while the lease is
   still this pass's and the song unchanged: an edit in between wins, a lease taken over by
   another runner after it expired is not overwritten.

Any number of runner processes can run side by side.
"""

import logging
import uuid
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet, Subquery
from django.utils import timezone

from musica_kit.request_context import request_id_scope

from . import music_client
from .models import Enrichment, Note
from .selectors import notes_due_for_enrichment
from .track import SONG_TEXT_FIELDS, STORED_FIELDS, Song

logger = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)


def song_look_up(cancion: str) -> tuple[str, Song | None]:
    """What music says of ``cancion``: (ok, song), (sin_resultados, None) or (pendiente, None)."""
    try:
        song = music_client.find_song(cancion)
    except music_client.MusicUnavailable:
        return Enrichment.PENDING, None
    return (Enrichment.OK, song) if song else (Enrichment.NO_RESULTS, None)


def enrichment_fields(status: str, song: Song | None) -> dict:
    """The note's columns for a lookup's result (a new song clears what the old one had)."""
    fields = {name: getattr(song, name) if song else None for name in STORED_FIELDS}
    for name in SONG_TEXT_FIELDS:
        fields[name] = fields[name] or ""
    fields["enriquecimiento"] = status
    fields["next_enrich_at"] = None
    return fields


@dataclass(frozen=True)
class _Claim:
    pk: int
    cancion: str
    enrich_attempts: int
    lease: datetime
    # One id per note's attempt, forwarded to music and on the runner's lines: the attempt can be
    # grepped in both services' logs.
    request_id: str

    def still_mine(self) -> QuerySet[Note]:
        return Note.objects.filter(
            pk=self.pk, enriquecimiento=Enrichment.PENDING, cancion=self.cancion, next_enrich_at=self.lease
        )


def _notes_claim(due: QuerySet[Note], *, limit: int) -> list[_Claim]:
    lease = timezone.now() + LEASE
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            ids = list(due.select_for_update(skip_locked=True).values_list("pk", flat=True)[:limit])
            Note.objects.filter(pk__in=ids).update(next_enrich_at=lease)
            mine = Note.objects.filter(pk__in=ids)
        else:
            Note.objects.filter(pk__in=Subquery(due.values("pk")[:limit])).update(next_enrich_at=lease)
            mine = Note.objects.filter(enriquecimiento=Enrichment.PENDING, next_enrich_at=lease)
        rows = mine.order_by("creada", "id").values_list("pk", "cancion", "enrich_attempts")
        return [
            _Claim(pk, cancion, attempts, lease, request_id=f"enrich-{pk}-{uuid.uuid4().hex[:12]}")
            for pk, cancion, attempts in rows
        ]


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(2 ** max(attempts - 1, 0) * 2, settings.ENRICH_MAX_BACKOFF))


def _write_back(claim: _Claim, status: str, song: Song | None) -> str | None:
    """Stores a lookup's result; None when the note changed meanwhile (nothing written)."""
    now = timezone.now()
    if status == Enrichment.PENDING:
        attempts = claim.enrich_attempts + 1
        written = claim.still_mine().update(enrich_attempts=attempts, next_enrich_at=now + _backoff(attempts))
    else:
        written = claim.still_mine().update(**enrichment_fields(status, song), actualizada=now)
    if not written:
        return None
    with request_id_scope("enrich", request_id=claim.request_id):
        logger.info("note enrichment", extra={"note_id": claim.pk, "enrichment": status})
    return status


def _look_up(claim: _Claim) -> tuple[str, Song | None]:
    with request_id_scope("enrich", request_id=claim.request_id):
        return song_look_up(claim.cancion)


def note_enrich(*, note_id: int) -> str | None:
    """Enrich one note if it is due. Its new status, or None when it is not pending, not due
    (backing off, or another runner holds it) or changed while music was asked."""
    claims = _notes_claim(notes_due_for_enrichment().filter(pk=note_id), limit=1)
    return _write_back(claims[0], *_look_up(claims[0])) if claims else None


def notes_enrich_pending(*, limit: int | None = None) -> dict:
    """One pass of the runner (see the module's docstring). Stops early while music is unavailable:
    no lookup starts after one found music down, so at most ENRICH_CONCURRENCY are spent on it."""
    counts = {Enrichment.OK: 0, Enrichment.NO_RESULTS: 0, Enrichment.PENDING: 0, "skipped": 0}
    claims = _notes_claim(notes_due_for_enrichment(), limit=limit or settings.ENRICH_BATCH_SIZE)
    workers = max(1, settings.ENRICH_CONCURRENCY)
    waiting, in_flight, music_down = iter(claims), {}, False
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="enrich") as pool:
        while True:
            while not music_down and len(in_flight) < workers:
                claim = next(waiting, None)
                if claim is None:
                    break
                in_flight[pool.submit(_look_up, claim)] = claim
            if not in_flight:
                break
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in done:
                status = _write_back(in_flight.pop(future), *future.result())
                counts[status or "skipped"] += 1
                music_down = music_down or status == Enrichment.PENDING
    if untried := [claim.pk for claim in waiting]:  # left for the next pass as they were: due, untried
        Note.objects.filter(pk__in=untried, next_enrich_at=claims[0].lease).update(next_enrich_at=None)
    return {str(key): value for key, value in counts.items()}
