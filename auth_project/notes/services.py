"""Writes on notes. Songs are looked up before any transaction opens: a slow music must hold no lock."""

import logging
import threading
from contextlib import contextmanager, nullcontext

from django.conf import settings
from django.db import connection, transaction

from .enrichment import enrichment_fields, looked_up_fields, song_look_up
from .metrics import NOTES_CREATED
from .models import Enrichment, Note

logger = logging.getLogger(__name__)
Resolved = tuple[dict, tuple[str, ...]]  # a song's columns, and the providers that failed its lookup


def note_song_resolve(*, cancion: str) -> Resolved:
    """The columns for a new ``cancion`` (pending unless ENRICHMENT_MODE is sync) and the failed providers."""
    fields = {**enrichment_fields(Enrichment.PENDING, None), "enrich_attempts": 0}
    if settings.ENRICHMENT_MODE != "sync":
        return fields, ()
    result = song_look_up(cancion)
    return {**fields, **looked_up_fields(result, attempts=0, incomplete_since=None)}, result.failed


_sqlite_writer = threading.RLock()


@contextmanager
def write_transaction(*, atomic: bool = True):
    """A write block; on SQLite threads queue here: its busy handler's growing sleeps cost >1 s at p99."""
    queue = _sqlite_writer if connection.vendor == "sqlite" else nullcontext()
    with queue, transaction.atomic() if atomic else nullcontext():
        yield


def note_create(*, user, cancion: str, texto: str = "", resolved: Resolved | None = None) -> Note:
    fields, failed = resolved or note_song_resolve(cancion=cancion)
    note = Note(user=user, cancion=cancion, texto=texto, **fields)
    note.failed_providers = failed
    with write_transaction(atomic=False):  # one INSERT, or inside the caller's transaction
        note.save()
    # After commit: the idempotent create may still roll it back.
    transaction.on_commit(lambda: NOTES_CREATED.labels(note.enriquecimiento).inc())
    logger.info("note created", extra={"note_id": note.pk, "enrichment": note.enriquecimiento})
    return note


def note_update(*, note: Note, cancion: str | None = None, texto: str | None = None) -> Note:
    changes = {} if texto is None else {"texto": texto}
    if cancion is not None and cancion != note.cancion:
        changes.update(cancion=cancion, **note_song_resolve(cancion=cancion)[0])
    if changes:
        for name, value in changes.items():
            setattr(note, name, value)
        with write_transaction():
            note.save()
    return note
