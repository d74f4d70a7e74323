"""Writes on notes. The only code that asks music_service for a song (via music_client).

The call to music happens before any transaction is opened: a slow music service must
never hold a database lock (on SQLite that would block every other writer).
"""

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from musica_kit.request_context import request_id_scope

from . import idempotency, music_client
from .models import Enrichment, Note
from .selectors import note_ids_due_for_enrichment

logger = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)
_MUSIC_FIELDS = ("foto", "spotify_id", "titulo", "artista", "album", "spotify_url", "preview_url")


def _look_up(cancion: str) -> tuple[str, music_client.Song | None]:
    try:
        song = music_client.find_song(cancion)
    except music_client.MusicUnavailable:
        return Enrichment.PENDING, None
    return (Enrichment.OK, song) if song else (Enrichment.NO_RESULTS, None)


def _enrichment_fields(status: str, song: music_client.Song | None) -> dict:
    fields = {name: getattr(song, name) if song else None for name in _MUSIC_FIELDS}
    for text_field in ("titulo", "artista", "album"):
        fields[text_field] = fields[text_field] or ""
    fields["enriquecimiento"] = status
    fields["next_enrich_at"] = None
    return fields


def _resolve(cancion: str) -> dict:
    """What to store for ``cancion`` now: looked up (sync) or left for the runner (async/off)."""
    if settings.ENRICHMENT_MODE == "sync":
        fields = _enrichment_fields(*_look_up(cancion))
    else:
        fields = _enrichment_fields(Enrichment.PENDING, None)
    fields["enrich_attempts"] = 0
    return fields


_sqlite_writer = threading.Lock()


@contextmanager
def _write_transaction():
    """An atomic block for a write; on SQLite a process's threads first queue for their turn.

    SQLite has one writer at a time, and a writer that finds the lock taken retries with sleeps
    growing to 100 ms, in no order: with 16 threads writing, some waited over a second
    (scripts/bench p99). Queued here they wait only for the write in front of them, and SQLite
    arbitrates just between processes.
    """
    if connection.vendor == "sqlite":
        with _sqlite_writer, transaction.atomic():
            yield
    else:
        with transaction.atomic():
            yield


def note_create(
    *, user, cancion: str, texto: str = "", idempotency_claim: idempotency.Claim | None = None
) -> Note:
    note = Note(user=user, cancion=cancion, texto=texto, **_resolve(cancion))
    with _write_transaction():
        note.save()
        if idempotency_claim is not None:
            # The same transaction: the note and its completed key are saved together or not at all.
            idempotency.idempotency_complete(claim=idempotency_claim, note=note)
    logger.info("note created", extra={"note_id": note.pk, "enrichment": note.enriquecimiento})
    return note


def note_create_idempotent(
    *,
    user,
    key_header: str | None,
    data,
    save: Callable[[idempotency.Claim | None], Note],
    render: Callable[[Note], dict],
) -> idempotency.Outcome:
    """POST /notas with an optional Idempotency-Key (design: notes/idempotency.py).

    ``save(claim)`` creates the note through note_create (passing ``claim`` on); ``render(note)``
    is the 201 body, stored with the key to be replayed. Without a key, it just saves.
    """
    key = idempotency.idempotency_key_parse(key_header)
    if key is None:
        return idempotency.Outcome(status=201, body=render(save(None)))
    fingerprint = idempotency.request_fingerprint(data)
    with _write_transaction():
        claim = idempotency.idempotency_claim(user=user, key=key, fingerprint=fingerprint)
    if isinstance(claim, idempotency.Outcome):
        logger.info("idempotent replay", extra={"note_id": (claim.body.get("nota") or {}).get("id")})
        return claim
    claim.render = render
    try:
        save(claim)
    except idempotency.KeyInUse:
        raise  # the claim was lost to another request: nothing of ours to release
    except BaseException:
        idempotency.idempotency_release(claim=claim)
        raise
    return idempotency.Outcome(status=claim.response_status, body=claim.response_body)


def _note_save_changes(*, note: Note, fields: dict) -> Note:
    for name, value in fields.items():
        setattr(note, name, value)
    with _write_transaction():
        note.save()
    return note


def note_update(*, note: Note, cancion: str | None = None, texto: str | None = None) -> Note:
    changes: dict = {}
    if texto is not None:
        changes["texto"] = texto
    if cancion is not None and cancion != note.cancion:
        # A different song: what was found for the old one no longer applies.
        changes["cancion"] = cancion
        changes.update(_resolve(cancion))
    return _note_save_changes(note=note, fields=changes) if changes else note


def note_delete(*, note: Note) -> None:
    note.delete()


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(2 ** max(attempts - 1, 0) * 2, settings.ENRICH_MAX_BACKOFF))


def note_enrich(*, note_id: int) -> str | None:
    """Enrich one pending note. Returns its new status, or None when another runner has it.

    Safe with any number of runners: a runner first takes a short lease with a conditional
    UPDATE (only one can win it), and writes the result only if the note is still pending
    for the same song (an edit in between wins).
    """
    now = timezone.now()
    note = (
        Note.objects.filter(pk=note_id, enriquecimiento=Enrichment.PENDING)
        .only("cancion", "enrich_attempts")
        .first()
    )
    if note is None:
        return None
    claimed = (
        Note.objects.filter(pk=note_id, enriquecimiento=Enrichment.PENDING, cancion=note.cancion)
        .filter(next_enrich_at__isnull=True)
        .update(next_enrich_at=now + LEASE)
    ) or (
        Note.objects.filter(
            pk=note_id, enriquecimiento=Enrichment.PENDING, cancion=note.cancion, next_enrich_at__lte=now
        ).update(next_enrich_at=now + LEASE)
    )
    if not claimed:
        return None
    status, song = _look_up(note.cancion)
    still_mine = Note.objects.filter(pk=note_id, enriquecimiento=Enrichment.PENDING, cancion=note.cancion)
    if status == Enrichment.PENDING:
        attempts = note.enrich_attempts + 1
        still_mine.update(enrich_attempts=attempts, next_enrich_at=timezone.now() + _backoff(attempts))
        return Enrichment.PENDING
    still_mine.update(**_enrichment_fields(status, song), actualizada=timezone.now())
    return status


def _enrich_one(note_id: int) -> str | None:
    # One id per note's attempt, forwarded to music: the attempt can be grepped in both logs.
    with request_id_scope(f"enrich-{note_id}"):
        status = note_enrich(note_id=note_id)
        if status is not None:
            logger.info("note enrichment", extra={"note_id": note_id, "enrichment": status})
    return status


_UNTRIED = object()


def notes_enrich_pending(*, limit: int | None = None) -> dict:
    """One pass of the re-enrichment runner. Stops early while music is unavailable.

    A lookup mostly waits on music (and on Spotify behind it), so up to ENRICH_CONCURRENCY notes
    are looked up at once: one at a time, an 80 ms Spotify held the runner to ~12 notes/s while
    async mode saves notes many times faster (docs/benchmarks.md). Inside the caller's transaction
    other threads could not see its rows, so there the notes go one at a time.
    """
    counts = {Enrichment.OK: 0, Enrichment.NO_RESULTS: 0, Enrichment.PENDING: 0, "skipped": 0}
    note_ids = note_ids_due_for_enrichment(limit=limit or settings.ENRICH_BATCH_SIZE)
    workers = min(settings.ENRICH_CONCURRENCY, len(note_ids))
    if workers <= 1 or transaction.get_connection().in_atomic_block:
        for note_id in note_ids:
            status = _enrich_one(note_id)
            counts[status or "skipped"] += 1
            if status == Enrichment.PENDING:
                break  # music is down: leave the rest for the next pass, untouched
        return {str(key): value for key, value in counts.items()}

    music_down = threading.Event()

    def attempt(note_id: int):
        if music_down.is_set():
            return _UNTRIED  # music is down: leave it for the next pass, untouched
        try:
            status = _enrich_one(note_id)
        finally:
            connection.close()  # this pool thread's own connection
        if status == Enrichment.PENDING:
            music_down.set()  # lookups already in flight finish; no new one starts
        return status

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="enrich") as pool:
        for status in pool.map(attempt, note_ids):
            if status is not _UNTRIED:
                counts[status or "skipped"] += 1
    return {str(key): value for key, value in counts.items()}
