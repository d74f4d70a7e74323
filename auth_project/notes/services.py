"""Writes on notes: create (with or without an Idempotency-Key), update, delete.

A new or changed song is looked up in music (notes.enrichment) before any transaction is
opened: a slow music service must never hold a database lock (on SQLite that would block every
other writer). The runner that retries pending notes is notes.enrichment too.
"""

import logging
import threading
from collections.abc import Callable
from contextlib import contextmanager, nullcontext

from django.conf import settings
from django.db import connection, transaction

from . import idempotency
from .enrichment import enrichment_fields, looked_up_fields, song_look_up
from .metrics import NOTES_CREATED
from .models import Enrichment, Note

logger = logging.getLogger(__name__)


def _resolve(cancion: str) -> tuple[dict, tuple[str, ...]]:
    """What to store for a new ``cancion`` now: looked up (sync) or left for the runner (async/off);
    and the providers music said failed when its answer was "incompleta"."""
    fields = {**enrichment_fields(Enrichment.PENDING, None), "enrich_attempts": 0}
    if settings.ENRICHMENT_MODE != "sync":
        return fields, ()
    result = song_look_up(cancion)
    return {**fields, **looked_up_fields(result, attempts=0, incomplete_since=None)}, result.failed or ()


_sqlite_writer = threading.Lock()


@contextmanager
def _write_transaction(*, atomic: bool = True):
    """An atomic block for a write; on SQLite a process's threads first queue for their turn.

    SQLite has one writer at a time, and a writer that finds the lock taken retries with sleeps
    growing to 100 ms, in no order: with 16 threads writing, some waited over a second
    (scripts/bench p99). Queued here they wait only for the write in front of them, and SQLite
    arbitrates just between processes.

    ``atomic=False`` is for a write of one statement (one INSERT), atomic by itself: no
    BEGIN/COMMIT around it, two statements fewer (docs/benchmarks.md).
    """
    block = transaction.atomic() if atomic else nullcontext()
    if connection.vendor == "sqlite":
        with _sqlite_writer, block:
            yield
    else:
        with block:
            yield


def note_create(
    *, user, cancion: str, texto: str = "", idempotency_claim: idempotency.Claim | None = None
) -> Note:
    fields, failed = _resolve(cancion)
    note = Note(user=user, cancion=cancion, texto=texto, **fields)
    note.failed_providers = failed
    # Without a key the note is one INSERT; with one, the note and its key are saved together.
    with _write_transaction(atomic=idempotency_claim is not None):
        note.save()
        if idempotency_claim is not None:
            # The same transaction: the note and its completed key are saved together or not at all.
            idempotency.idempotency_complete(claim=idempotency_claim, note=note)
    logger.info("note created", extra={"note_id": note.pk, "enrichment": note.enriquecimiento})
    NOTES_CREATED.labels(note.enriquecimiento).inc()
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
        changes.update(_resolve(cancion)[0])
    return _note_save_changes(note=note, fields=changes) if changes else note


def note_delete(*, note: Note) -> None:
    note.delete()
