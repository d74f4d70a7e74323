from datetime import timedelta

import pytest
from django.utils import timezone

from notes.enrichment import note_enrich, notes_enrich_pending
from notes.models import Enrichment, Note
from notes.services import note_create, note_update

pytestmark = pytest.mark.django_db


def test_note_create_with_music_down_is_pending_and_due_again_soon(make_user, settings):
    note = note_create(user=make_user(), cancion="Queen")
    assert note.enriquecimiento == Enrichment.PENDING
    assert note.foto is None
    # Music unavailable: the lookup is not counted, the note is tried again after the first backoff.
    assert (note.enrich_attempts, note.incomplete_since) == (0, None)
    assert note.next_enrich_at <= timezone.now() + timedelta(seconds=settings.ENRICH_MAX_BACKOFF)


def test_note_create_with_music_up_is_enriched(make_user, music_up):
    note = note_create(user=make_user(), cancion="Despacito")
    assert note.enriquecimiento == Enrichment.OK
    assert note.artista.startswith("Luis Fonsi")
    assert note.foto.startswith("data:image/svg+xml")


def test_unknown_song_is_sin_resultados(make_user, music_up):
    note = note_create(user=make_user(), cancion="zzzz qqqq no existe")
    assert note.enriquecimiento == Enrichment.NO_RESULTS
    assert note.foto is None


@pytest.mark.parametrize("mode", ["async", "off"])
def test_async_and_off_modes_never_call_music(make_user, music_up, settings, mode):
    settings.ENRICHMENT_MODE = mode
    before = music_up.logs().count('"path": "/search"')
    note = note_create(user=make_user(), cancion="Queen")
    assert note.enriquecimiento == Enrichment.PENDING
    assert music_up.logs().count('"path": "/search"') == before


def test_changing_the_song_drops_the_old_enrichment(make_user, music_up):
    note = note_create(user=make_user(), cancion="Despacito")
    note = note_update(note=note, cancion="zzzz qqqq no existe")
    assert note.enriquecimiento == Enrichment.NO_RESULTS
    assert (note.foto, note.artista, note.spotify_url) == (None, "", None)
    note = note_update(note=note, texto="solo texto")
    assert note.enriquecimiento == Enrichment.NO_RESULTS


def test_runner_enriches_pending_notes_once_music_is_back(make_user, settings, live_music):
    user = make_user()
    settings.ENRICHMENT_MODE = "async"  # saved pending, as while music was away
    pending = [note_create(user=user, cancion=song) for song in ("Queen", "Despacito", "zzzz no existe")]
    assert {n.enriquecimiento for n in pending} == {Enrichment.PENDING}

    settings.ENRICHMENT_MODE = "sync"
    settings.MUSIC_SERVICE_URL = live_music.url
    counts = notes_enrich_pending()
    assert counts == {"ok": 2, "sin_resultados": 1, "pendiente": 0, "skipped": 0}
    statuses = dict(Note.objects.values_list("cancion", "enriquecimiento"))
    assert statuses == {"Queen": "ok", "Despacito": "ok", "zzzz no existe": "sin_resultados"}
    # Idempotent: nothing is pending, a second pass does nothing.
    assert notes_enrich_pending() == {"ok": 0, "sin_resultados": 0, "pendiente": 0, "skipped": 0}


def test_runner_backs_off_while_music_is_down_and_stops_the_batch(make_user, settings):
    settings.ENRICH_CONCURRENCY = 1  # one lookup at a time: the pass stops at the first failure
    settings.ENRICHMENT_MODE = "async"  # saved pending, never tried
    user = make_user()
    first, second = note_create(user=user, cancion="a"), note_create(user=user, cancion="b")
    counts = notes_enrich_pending()
    assert counts["pendiente"] == 1  # the first failure ends the pass; the rest is untouched
    first.refresh_from_db()
    second.refresh_from_db()
    # Backed off, but not counted: music was unavailable, the song was not looked at.
    assert first.enrich_attempts == 0 and first.next_enrich_at > timezone.now()
    assert second.enrich_attempts == 0 and second.next_enrich_at is None
    # The backed-off note is not due again until its time comes.
    assert note_enrich(note_id=first.id) is None


def test_a_leased_note_is_not_taken_by_a_second_runner(make_user, music_up):
    note = note_create(user=make_user(), cancion="Queen", texto="")
    Note.objects.filter(pk=note.pk).update(
        enriquecimiento=Enrichment.PENDING, next_enrich_at=timezone.now() + timedelta(seconds=30)
    )
    assert note_enrich(note_id=note.pk) is None  # another runner holds the lease
    Note.objects.filter(pk=note.pk).update(next_enrich_at=timezone.now() - timedelta(seconds=1))
    assert note_enrich(note_id=note.pk) == Enrichment.OK
    assert note_enrich(note_id=note.pk) is None  # already done: never enriched twice


def test_an_edit_during_enrichment_wins(make_user, music_up, monkeypatch):
    from notes import enrichment

    note = note_create(user=make_user(), cancion="Queen")
    Note.objects.filter(pk=note.pk).update(enriquecimiento=Enrichment.PENDING)
    real_look_up = enrichment.song_look_up

    def look_up_then_user_edits(cancion):
        result = real_look_up(cancion)
        Note.objects.filter(pk=note.pk).update(cancion="Despacito")  # the owner edits meanwhile
        return result

    monkeypatch.setattr(enrichment, "song_look_up", look_up_then_user_edits)
    note_enrich(note_id=note.pk)
    note.refresh_from_db()
    assert note.cancion == "Despacito"
    assert note.enriquecimiento == Enrichment.PENDING  # Queen's photo was not written on Despacito
