from datetime import timedelta

import pytest
from django.utils import timezone

from notes.models import Enrichment
from notes.serializers import NoteSerializer
from notes.services import note_create, note_update

pytestmark = pytest.mark.django_db


def test_note_create_with_music_down_is_pending_and_due_again_soon(make_user, settings):
    note = note_create(user=make_user(), cancion="Queen")
    assert (note.enriquecimiento, note.foto) == (Enrichment.PENDING, None)
    # Music unavailable: the lookup is not counted, the note is tried again after the first backoff.
    assert (note.enrich_attempts, note.incomplete_since) == (0, None)
    assert note.next_enrich_at <= timezone.now() + timedelta(seconds=settings.ENRICH_MAX_BACKOFF)


def test_note_create_with_music_up_keeps_the_song_its_cover_and_source(make_user, music_up):
    note = note_create(user=make_user(), cancion="Despacito")
    assert note.enriquecimiento == Enrichment.OK
    assert note.artista.startswith("Luis Fonsi")
    assert note.foto.startswith("data:image/svg+xml")
    assert (note.fuente, note.url) == ("offline", None)  # the catalog has no page for its songs
    shown = NoteSerializer(note).data
    assert shown["fuente"] == "offline"
    assert "url" in shown["musica"] and "fuente" not in shown["musica"]


def test_unknown_song_is_sin_resultados(make_user, music_up):
    note = note_create(user=make_user(), cancion="zzzz qqqq no existe")
    assert (note.enriquecimiento, note.foto) == (Enrichment.NO_RESULTS, None)


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
