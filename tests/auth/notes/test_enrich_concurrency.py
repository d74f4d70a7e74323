"""The re-enrichment runner looks several notes up at once (ENRICH_CONCURRENCY).

These tests commit for real (transactional_db), on PostgreSQL in CI and on a file SQLite database
otherwise (tests/auth/settings.py), as a deployed runner does.
"""

import threading

import pytest

from notes import music_client
from notes.enrichment import notes_enrich_pending
from notes.models import Enrichment, Note

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def owner(django_user_model):
    return django_user_model.objects.create_user(username="runner-owner", password="Canciones-2026")


def _pending(owner, count: int) -> list[Note]:
    return [Note.objects.create(user=owner, cancion=f"Queen {i}") for i in range(count)]


def test_a_pass_looks_notes_up_concurrently_and_fills_them_all(owner, settings, music_up, monkeypatch):
    settings.ENRICH_CONCURRENCY = 3
    notes = _pending(owner, 7)
    # The first two lookups wait for each other: one at a time, the barrier would break (timeout).
    meet = threading.Barrier(2, timeout=10)
    calls, in_flight, most = [], [0], [0]
    lock = threading.Lock()
    real_find_song = music_client.find_song

    def find_song(query):
        with lock:
            calls.append(query)
            first_two = len(calls) <= 2
            in_flight[0] += 1
            most[0] = max(most[0], in_flight[0])
        try:
            if first_two:
                meet.wait()
            return real_find_song(query)
        finally:
            with lock:
                in_flight[0] -= 1

    monkeypatch.setattr(music_client, "find_song", find_song)

    counts = notes_enrich_pending()

    assert not meet.broken
    assert 2 <= most[0] <= 3  # concurrent, and never more than ENRICH_CONCURRENCY
    assert sorted(calls) == sorted(note.cancion for note in notes)  # each note looked up once
    assert counts["ok"] + counts["sin_resultados"] == 7
    assert counts["pendiente"] == counts["skipped"] == 0
    assert not Note.objects.filter(enriquecimiento=Enrichment.PENDING).exists()


def test_music_down_stops_a_concurrent_pass_after_the_lookups_in_flight(owner, settings):
    settings.ENRICH_CONCURRENCY = 3
    settings.MUSIC_SERVICE_URL = "http://127.0.0.1:9"  # nothing listens: every lookup fails
    _pending(owner, 10)

    counts = notes_enrich_pending()

    tried = Note.objects.filter(next_enrich_at__isnull=False)  # backed off
    assert 1 <= counts["pendiente"] <= 3  # at most one lookup per thread, then the pass stops
    assert tried.count() == counts["pendiente"]
    assert not Note.objects.exclude(enrich_attempts=0).exists()  # music down: no attempt counted
    untouched = Note.objects.filter(next_enrich_at__isnull=True)
    assert untouched.count() == 10 - counts["pendiente"]  # left for the next pass, as they were
    assert Note.objects.filter(enriquecimiento=Enrichment.PENDING).count() == 10
