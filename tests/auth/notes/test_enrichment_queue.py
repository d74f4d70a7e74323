"""The runner's queue always drains (notes.enrichment): due notes are taken never-tried first, then by
their next attempt; only music being unavailable stops a pass; a song that keeps getting music's
"incompleta" answer ends sin_resultados after ENRICH_GIVE_UP_AFTER and 5 such attempts.

``music_incomplete`` is a real music_service whose better provider (Deezer) is unreachable;
without it, MUSIC_SERVICE_URL points where nothing listens (music unavailable).
"""

import io
import json
import logging
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from musica_kit.request_context import JsonFormatter
from notes.enrichment import notes_enrich_pending
from notes.models import Enrichment, Note
from notes.selectors import notes_due_for_enrichment
from notes.services import note_update

pytestmark = pytest.mark.django_db

UNKNOWN = [f"zzzz qqqq desconocida {i}" for i in range(6)]  # in no catalog


def _pending(user, *songs, **bookkeeping) -> list[Note]:
    return [Note.objects.create(user=user, cancion=song, **bookkeeping) for song in songs]


def _fresh(note: Note) -> Note:
    note.refresh_from_db()
    return note


def test_due_notes_come_never_tried_first_then_by_their_next_attempt(make_user, music_up):
    user, now = make_user(), timezone.now()
    # Created oldest first: creation order is not the queue's order.
    _pending(user, "zzzz late", next_enrich_at=now - timedelta(seconds=5))
    _pending(user, "zzzz early", next_enrich_at=now - timedelta(minutes=5))
    _pending(user, "zzzz fresh 1", "zzzz fresh 2")
    _pending(user, "zzzz backing off", next_enrich_at=now + timedelta(minutes=1))
    _pending(user, "zzzz done", enriquecimiento=Enrichment.NO_RESULTS)
    due = ["zzzz fresh 1", "zzzz fresh 2", "zzzz early", "zzzz late"]
    assert [note.cancion for note in notes_due_for_enrichment()] == due

    notes_enrich_pending(limit=3)  # a pass takes the first three of the queue, in its order
    still_pending = Note.objects.filter(enriquecimiento=Enrichment.PENDING).values_list("cancion", flat=True)
    assert sorted(still_pending) == ["zzzz backing off", "zzzz late"]


def test_an_incompleta_miss_never_stops_a_pass(make_user, settings, music_incomplete):
    settings.ENRICH_CONCURRENCY = 1  # one lookup at a time: any stop would show at once
    user = make_user()
    unknown = _pending(user, *UNKNOWN)  # first in the queue
    known = _pending(user, "Bohemian Rhapsody", "Despacito")

    counts = notes_enrich_pending()

    assert counts == {"ok": 2, "sin_resultados": 0, "pendiente": len(UNKNOWN), "skipped": 0}
    assert {_fresh(note).enriquecimiento for note in known} == {Enrichment.OK}
    for note in map(_fresh, unknown):
        assert note.enriquecimiento == Enrichment.PENDING
        assert note.enrich_attempts == 1 and note.incomplete_since is not None  # the clock started
        assert note.next_enrich_at is not None


def test_a_song_nobody_has_ends_sin_resultados_after_the_give_up_time_and_5_attempts(
    make_user, settings, music_incomplete
):
    settings.ENRICH_GIVE_UP_AFTER = 3600
    user, now = make_user(), timezone.now()
    long_ago, lately = now - timedelta(hours=2), now - timedelta(minutes=10)
    (enough,) = _pending(user, UNKNOWN[0], enrich_attempts=4, incomplete_since=long_ago)
    (too_few,) = _pending(user, UNKNOWN[1], enrich_attempts=3, incomplete_since=long_ago)
    (too_soon,) = _pending(user, UNKNOWN[2], enrich_attempts=30, incomplete_since=lately)
    (first,) = _pending(user, UNKNOWN[3])

    counts = notes_enrich_pending()

    assert counts == {"ok": 0, "sin_resultados": 1, "pendiente": 3, "skipped": 0}
    assert _fresh(enough).enriquecimiento == Enrichment.NO_RESULTS  # 5th attempt, 2 h after the first
    assert (enough.enrich_attempts, enough.next_enrich_at, enough.incomplete_since) == (5, None, None)
    for note, attempts, since in [(too_few, 4, long_ago), (too_soon, 31, lately)]:
        note = _fresh(note)
        assert note.enriquecimiento == Enrichment.PENDING
        assert (note.enrich_attempts, note.incomplete_since) == (attempts, since)  # the clock kept
    first = _fresh(first)
    assert first.enrich_attempts == 1 and first.incomplete_since >= now


def test_attempts_while_music_is_unavailable_neither_count_nor_move_the_clock(make_user, settings):
    settings.ENRICH_GIVE_UP_AFTER = 3600
    long_ago = timezone.now() - timedelta(hours=2)
    (note,) = _pending(make_user(), UNKNOWN[0], enrich_attempts=4, incomplete_since=long_ago)
    for _ in range(3):  # music down (nothing listens at MUSIC_SERVICE_URL)
        Note.objects.filter(pk=note.pk).update(next_enrich_at=None)  # due again at once
        assert notes_enrich_pending()["pendiente"] == 1
    note = _fresh(note)
    assert note.enriquecimiento == Enrichment.PENDING
    assert (note.enrich_attempts, note.incomplete_since) == (4, long_ago)


def test_editing_the_song_starts_the_clock_over(make_user, settings, music_incomplete):
    settings.ENRICH_GIVE_UP_AFTER = 3600
    long_ago = timezone.now() - timedelta(hours=2)
    (note,) = _pending(make_user(), UNKNOWN[0], enrich_attempts=9, incomplete_since=long_ago)
    note = note_update(note=note, cancion=UNKNOWN[1])  # looked up at once: incompleta again
    note = _fresh(note)
    assert note.enriquecimiento == Enrichment.PENDING
    assert note.enrich_attempts == 1 and note.incomplete_since > long_ago  # a new clock for the new song

    settings.ENRICHMENT_MODE = "async"  # not looked up: the bookkeeping just starts from nothing
    note = _fresh(note_update(note=note, cancion=UNKNOWN[2]))
    assert (note.enrich_attempts, note.incomplete_since, note.next_enrich_at) == (0, None, None)


@pytest.fixture
def json_lines():
    """What the service would print: every line of the root logger, through the project's formatter."""
    stream, root = io.StringIO(), logging.getLogger()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter(service="auth"))
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def test_every_line_of_an_attempt_carries_its_request_id_and_the_pass_line_none(
    make_user, settings, music_incomplete, json_lines
):
    settings.ENRICH_CONCURRENCY = 2
    unknown = _pending(make_user(), *UNKNOWN[:3])
    (known,) = _pending(unknown[0].user, "Despacito")

    call_command("enrich_pending", stdout=io.StringIO())

    lines = json_lines()
    attempts = [line for line in lines if line["logger"] in ("notes.enrichment", "notes.music_client")]
    ids = {line["note_id"]: line["request_id"] for line in attempts if line["message"] == "note enrichment"}
    assert sorted(ids) == sorted(note.pk for note in [*unknown, known])
    assert all(request_id.startswith(f"enrich-{pk}-") for pk, request_id in ids.items())
    # music_client's lines (one per incompleta answer) are under the id of the attempt they belong to.
    incomplete = [line for line in attempts if line["message"] == "music answer incomplete"]
    assert sorted(line["request_id"] for line in incomplete) == sorted(ids[note.pk] for note in unknown)
    assert all(line["failed"] == ["deezer"] for line in incomplete)
    # The pass's own summary belongs to no request: no request_id key at all (not null).
    (summary,) = [line for line in lines if line["message"] == "enrich pass"]
    assert "request_id" not in summary
    assert (summary["ok"], summary["pendiente"]) == (1, 3)
