"""Writes on notes. A new or changed song is looked up in music before any transaction is opened:
a slow music service must never hold a database lock."""

import logging
import threading
from contextlib import contextmanager, nullcontext

from django.conf import settings
from django.db import connection, transaction

from .enrichment import enrichment_fields, looked_up_fields, song_look_up
from .metrics import NOTES_CREATED
from .models import Enrichment, Note

logger = logging.getLogger(__name__)


def note_song_resolve(*, cancion: str) -> tuple[dict, tuple[str, ...]]:
    """The columns to store for a new ``cancion`` (looked up in sync mode, else left pending for
    the runner), and the providers music named as failed on an "incompleta" answer."""
    fields = {**enrichment_fields(Enrichment.PENDING, None), "enrich_attempts": 0}
    if settings.ENRICHMENT_MODE != "sync":
        return fields, ()
    result = song_look_up(cancion)
    return {**fields, **looked_up_fields(result, attempts=0, incomplete_since=None)}, result.failed or ()


_sqlite_writer = threading.RLock()


@contextmanager
def write_transaction(*, atomic: bool = True):
    """An atomic block for a write; on SQLite a process's threads first queue for their turn.

    SQLite's busy handler retries with sleeps growing to 100 ms, in no order: with 16 threads
    writing some waited over a second (scripts/bench p99). Queued here they wait only for the write
    in front of them. ``atomic=False`` is for a single statement, atomic by itself.
    """
    block = transaction.atomic() if atomic else nullcontext()
    if connection.vendor == "sqlite":
        with _sqlite_writer, block:
            yield
    else:
        with block:
            yield


def note_create(
    *, user, cancion: str, texto: str = "", resolved: tuple[dict, tuple[str, ...]] | None = None
) -> Note:
    """A new note; its song is looked up here unless the caller did already (``resolved``)."""
    fields, failed = resolved or note_song_resolve(cancion=cancion)
    note = Note(user=user, cancion=cancion, texto=texto, **fields)
    note.failed_providers = failed
    with write_transaction(atomic=False):  # one INSERT, or inside the caller's transaction
        note.save()
    # Counted once committed: the idempotent create's transaction may still roll it back.
    transaction.on_commit(lambda: NOTES_CREATED.labels(note.enriquecimiento).inc())
    logger.info("note created", extra={"note_id": note.pk, "enrichment": note.enriquecimiento})
    return note


def note_update(*, note: Note, cancion: str | None = None, texto: str | None = None) -> Note:
    changes: dict = {}
    if texto is not None:
        changes["texto"] = texto
    if cancion is not None and cancion != note.cancion:
        # A different song: what was found for the old one no longer applies.
        changes["cancion"] = cancion
        changes.update(note_song_resolve(cancion=cancion)[0])
    if changes:
        for name, value in changes.items():
            setattr(note, name, value)
        with write_transaction():
            note.save()
    return note


def note_delete(*, note: Note) -> None:
    note.delete()
