"""Song lookups and the runner retrying pending notes: leased in a short transaction, looked up with
none open, written back only while the lease is still its own and the song unchanged."""

import logging
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import islice

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from musica_kit.request_context import request_id_scope

from . import music_client
from .models import Enrichment, Note
from .selectors import notes_due_for_enrichment
from .track import STORED_FIELDS, TEXT_FIELDS, Song

logger = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)
GIVE_UP_MIN_ATTEMPTS = 5  # "incompleta" answers, besides ENRICH_GIVE_UP_AFTER, before sin_resultados


@dataclass(frozen=True)
class LookUp:
    status: str
    song: Song | None = None
    failed: tuple[str, ...] = ()  # pendiente: the providers that failed an "incompleta" miss
    music_unavailable: bool = False  # pendiente, and music itself did not answer


def song_look_up(cancion: str) -> LookUp:
    try:
        song = music_client.find_song(cancion)
    except music_client.MusicIncomplete as exc:
        return LookUp(Enrichment.PENDING, failed=exc.failed)
    except music_client.MusicUnavailable:
        return LookUp(Enrichment.PENDING, music_unavailable=True)
    return LookUp(Enrichment.OK, song) if song else LookUp(Enrichment.NO_RESULTS)


def enrichment_fields(status: str, song: Song | None) -> dict:
    fields = {name: getattr(song, name) if song else None for name in STORED_FIELDS}
    fields.update({name: fields[name] or "" for name in TEXT_FIELDS})
    return {**fields, "enriquecimiento": status, "incomplete_since": None, "next_enrich_at": None}


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(2**attempts, settings.ENRICH_MAX_BACKOFF))  # 2 s, 4 s, … from attempt 1


def looked_up_fields(result: LookUp, *, attempts: int, incomplete_since: datetime | None) -> dict:
    now = timezone.now()
    if result.status != Enrichment.PENDING:
        return enrichment_fields(result.status, result.song)
    if result.music_unavailable:
        return {"next_enrich_at": now + _backoff(attempts + 1)}
    attempts, since = attempts + 1, incomplete_since or now
    if attempts >= GIVE_UP_MIN_ATTEMPTS and now - since >= timedelta(seconds=settings.ENRICH_GIVE_UP_AFTER):
        return {**enrichment_fields(Enrichment.NO_RESULTS, None), "enrich_attempts": attempts}
    next_at = now + _backoff(attempts)
    return {"enrich_attempts": attempts, "incomplete_since": since, "next_enrich_at": next_at}


def _notes_lease(*, limit: int) -> tuple[datetime, list[Note]]:
    """Due notes and the lease time they now carry in ``next_enrich_at`` (theirs before stays on them)."""
    lease = timezone.now() + LEASE
    with transaction.atomic():
        # SKIP LOCKED keeps PostgreSQL runners apart; on SQLite the IMMEDIATE transaction does.
        due = notes_due_for_enrichment().select_for_update(skip_locked=True)
        notes = list(due.only("cancion", "enrich_attempts", "incomplete_since", "next_enrich_at")[:limit])
        Note.objects.filter(pk__in=[note.pk for note in notes]).update(next_enrich_at=lease)
    return lease, notes


def _still_leased(note: Note, lease: datetime) -> QuerySet[Note]:
    return Note.objects.filter(
        pk=note.pk, enriquecimiento=Enrichment.PENDING, cancion=note.cancion, next_enrich_at=lease
    )


def _look_up(note: Note) -> tuple[str, LookUp]:
    with request_id_scope(f"enrich-{note.pk}") as request_id:  # one attempt followed in both services' logs
        return request_id, song_look_up(note.cancion)


def _write_back(note: Note, lease: datetime, request_id: str, result: LookUp) -> str | None:
    """The note's new status; None when it changed meanwhile."""
    fields = looked_up_fields(result, attempts=note.enrich_attempts, incomplete_since=note.incomplete_since)
    if "enriquecimiento" in fields:  # final: the note changed for its reader
        fields["actualizada"] = timezone.now()
    with request_id_scope("enrich", request_id=request_id):
        if not _still_leased(note, lease).update(**fields):
            return None
        status = fields.get("enriquecimiento", Enrichment.PENDING)
        logger.info(
            "note enrichment", extra={"note_id": note.pk, "enrichment": status, "failed": result.failed}
        )
    return status


def notes_enrich_pending(*, limit: int | None = None) -> dict:
    """One pass; once music is found unavailable no new lookup starts (an incompleta never stops it)."""
    counts = dict.fromkeys([*Enrichment.values, "skipped"], 0)
    lease, notes = _notes_lease(limit=limit or settings.ENRICH_BATCH_SIZE)
    workers = max(1, settings.ENRICH_CONCURRENCY)
    waiting, in_flight, music_down = iter(notes), {}, False
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="enrich") as pool:
        while True:
            for note in islice(waiting, 0 if music_down else workers - len(in_flight)):
                in_flight[pool.submit(_look_up, note)] = note
            if not in_flight:
                break
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in done:
                request_id, result = future.result()
                counts[_write_back(in_flight.pop(future), lease, request_id, result) or "skipped"] += 1
                music_down = music_down or result.music_unavailable
    for note in waiting:  # not tried: due again, in their place in the queue
        _still_leased(note, lease).update(next_enrich_at=note.next_enrich_at)
    return counts
