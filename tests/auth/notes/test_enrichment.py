"""The runner of pending notes: its queue drains, only music down stops a pass, "incompleta" gives up
in time. Without a music fixture nothing listens at MUSIC_SERVICE_URL (music unavailable)."""

import io
import json
import logging
import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from musica_kit.request_context import JsonFormatter
from notes import enrichment, music_client
from notes.enrichment import notes_enrich_pending
from notes.models import Enrichment, Note
from notes.selectors import notes_due_for_enrichment
from notes.services import note_update

pytestmark = pytest.mark.django_db

UNKNOWN = [f"zzzz qqqq desconocida {i}" for i in range(6)]  # in no catalog
NOTHING = {"ok": 0, "sin_resultados": 0, "pendiente": 0, "skipped": 0}


def pending(user, *songs, **bookkeeping) -> list[Note]:
    return [Note.objects.create(user=user, cancion=song, **bookkeeping) for song in songs]


def reloaded(note: Note) -> Note:
    note.refresh_from_db()
    return note


@pytest.mark.django_db(transaction=True)  # real commits, as a deployed runner's
def test_a_pass_looks_notes_up_concurrently_and_fills_them_all(make_user, settings, music_up, monkeypatch):
    settings.ENRICH_CONCURRENCY = 3
    notes = pending(make_user(), *(f"Queen {i}" for i in range(7)))
    meet = threading.Barrier(2, timeout=10)  # the first two lookups wait for each other
    calls, in_flight, most, lock = [], [0], [0], threading.Lock()
    real_find_song = music_client.find_song

    def find_song(query):
        with lock:
            calls.append(query)
            in_flight[0] += 1
            most[0], first_two = max(most[0], in_flight[0]), len(calls) <= 2
        if first_two:
            meet.wait()
        try:
            return real_find_song(query)
        finally:
            with lock:
                in_flight[0] -= 1

    monkeypatch.setattr(music_client, "find_song", find_song)

    counts = notes_enrich_pending()

    assert not meet.broken
    assert 2 <= most[0] <= 3  # concurrent, and never more than ENRICH_CONCURRENCY
    assert sorted(calls) == sorted(note.cancion for note in notes)  # each note looked up once
    assert (counts["ok"] + counts["sin_resultados"], counts["pendiente"], counts["skipped"]) == (7, 0, 0)
    assert not Note.objects.filter(enriquecimiento=Enrichment.PENDING).exists()
    assert notes_enrich_pending() == NOTHING  # nothing left: a second pass does nothing


@pytest.mark.django_db(transaction=True)
def test_music_down_stops_a_pass_and_its_attempts_neither_count_nor_move_the_clock(make_user, settings):
    settings.ENRICH_CONCURRENCY = 3
    long_ago = timezone.now() - timedelta(hours=2)
    (first,) = pending(make_user(), UNKNOWN[0], enrich_attempts=4, incomplete_since=long_ago)
    pending(first.user, *(f"Queen {i}" for i in range(9)))

    counts = notes_enrich_pending()

    assert 1 <= counts["pendiente"] <= 3  # at most one lookup per thread, then the pass stops
    tried = Note.objects.filter(next_enrich_at__gt=timezone.now())  # backed off
    assert tried.count() == counts["pendiente"] and first in tried
    assert (reloaded(first).enrich_attempts, first.incomplete_since) == (4, long_ago)
    assert not Note.objects.exclude(pk=first.pk).exclude(enrich_attempts=0).exists()
    assert notes_due_for_enrichment().count() == 10 - counts["pendiente"]  # the rest: due as it was
    assert Note.objects.filter(enriquecimiento=Enrichment.PENDING).count() == 10


def test_due_notes_come_never_tried_first_then_by_next_attempt_and_leased_ones_wait(make_user, music_up):
    user, now = make_user(), timezone.now()  # created oldest first: creation order is not the queue's
    pending(user, "zzzz late", next_enrich_at=now - timedelta(seconds=5))
    pending(user, "zzzz early", next_enrich_at=now - timedelta(minutes=5))
    pending(user, "zzzz fresh 1", "zzzz fresh 2")
    pending(user, "zzzz backing off", next_enrich_at=now + timedelta(minutes=1))  # or leased by a runner
    pending(user, "zzzz done", enriquecimiento=Enrichment.NO_RESULTS)
    due = ["zzzz fresh 1", "zzzz fresh 2", "zzzz early", "zzzz late"]
    assert [note.cancion for note in notes_due_for_enrichment()] == due

    notes_enrich_pending(limit=3)  # a pass takes the first three of the queue, in its order
    still_pending = Note.objects.filter(enriquecimiento=Enrichment.PENDING).values_list("cancion", flat=True)
    assert sorted(still_pending) == ["zzzz backing off", "zzzz late"]


@pytest.mark.django_db(transaction=True)  # the owner's edit comes from the runner's lookup thread
def test_an_edit_during_enrichment_wins(make_user, music_up, monkeypatch):
    (note,) = pending(make_user(), "Queen")
    real_look_up = enrichment.song_look_up

    def look_up_then_user_edits(cancion):
        result = real_look_up(cancion)
        Note.objects.filter(pk=note.pk).update(cancion="Despacito")  # the owner edits meanwhile
        return result

    monkeypatch.setattr(enrichment, "song_look_up", look_up_then_user_edits)
    assert notes_enrich_pending() == {**NOTHING, "skipped": 1}
    note = reloaded(note)  # Queen's photo was not written on Despacito
    assert (note.cancion, note.enriquecimiento) == ("Despacito", Enrichment.PENDING)


def test_incompleta_never_stops_a_pass_gives_up_after_a_time_and_5_attempts_and_an_edit_starts_over(
    make_user, settings, music_incomplete
):
    settings.ENRICH_GIVE_UP_AFTER, settings.ENRICH_CONCURRENCY = 3600, 1  # one at a time: a stop would show
    user, now = make_user(), timezone.now()
    long_ago, lately = now - timedelta(hours=2), now - timedelta(minutes=10)
    (enough,) = pending(user, UNKNOWN[0], enrich_attempts=4, incomplete_since=long_ago)
    (too_few,) = pending(user, UNKNOWN[1], enrich_attempts=3, incomplete_since=long_ago)
    (too_soon,) = pending(user, UNKNOWN[2], enrich_attempts=30, incomplete_since=lately)
    (first,) = pending(user, UNKNOWN[3])
    known = pending(user, "Bohemian Rhapsody", "Despacito")  # behind the misses in the queue

    counts = notes_enrich_pending()

    assert counts == {"ok": 2, "sin_resultados": 1, "pendiente": 3, "skipped": 0}
    assert {reloaded(note).enriquecimiento for note in known} == {Enrichment.OK}
    assert reloaded(enough).enriquecimiento == Enrichment.NO_RESULTS  # 5th attempt, 2 h after the first
    assert (enough.enrich_attempts, enough.next_enrich_at, enough.incomplete_since) == (5, None, None)
    for note, attempts, since in [(too_few, 4, long_ago), (too_soon, 31, lately)]:  # the clock kept
        note = reloaded(note)
        assert (note.enriquecimiento, note.enrich_attempts) == (Enrichment.PENDING, attempts)
        assert note.incomplete_since == since
    first = reloaded(first)  # its first incompleta: counted, the clock started
    assert first.enrich_attempts == 1 and first.incomplete_since >= now and first.next_enrich_at is not None

    # Editing the song starts the clock over (else this 5th attempt gives up): looked up, incompleta again.
    note = reloaded(note_update(note=too_few, cancion=UNKNOWN[4]))
    assert (note.enriquecimiento, note.enrich_attempts) == (Enrichment.PENDING, 1)
    assert note.incomplete_since > long_ago  # a new clock for the new song

    settings.ENRICHMENT_MODE = "async"  # not looked up: the bookkeeping just starts from nothing
    note = reloaded(note_update(note=note, cancion=UNKNOWN[2]))
    assert (note.enrich_attempts, note.incomplete_since, note.next_enrich_at) == (0, None, None)


def test_every_line_of_an_attempt_carries_its_request_id_and_the_pass_line_none(
    settings, music_incomplete, caplog
):
    settings.ENRICH_CONCURRENCY = 2
    unknown = pending(User.objects.create_user("ana"), *UNKNOWN[:3])
    (known,) = pending(unknown[0].user, "Despacito")
    caplog.handler.setFormatter(JsonFormatter(service="auth"))  # each line as the service prints it

    with caplog.at_level(logging.INFO):
        call_command("enrich_pending", stdout=io.StringIO())

    lines = [json.loads(line) for line in caplog.text.splitlines()]
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
