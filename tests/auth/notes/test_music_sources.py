"""What auth keeps of music's provider chain: the source (fuente) and url, and "incomplete" misses."""

import socket

import pytest

from notes import music_client
from notes.models import Enrichment
from notes.serializers import NoteSerializer
from notes.services import note_create
from tests.support.processes import music_process


def test_a_note_keeps_the_source_and_the_url(make_user, music_up):
    note = note_create(user=make_user(), cancion="Bohemian Rhapsody")
    assert note.enriquecimiento == Enrichment.OK
    assert note.fuente == "offline"
    assert note.url is None  # the catalog has no page for its songs
    shown = NoteSerializer(note).data
    assert shown["fuente"] == "offline"
    assert "url" in shown["musica"] and "fuente" not in shown["musica"]


@pytest.mark.parametrize(
    ("cancion", "state"),
    [
        ("x", Enrichment.NO_RESULTS),  # was Fix You's cover
        ("a", Enrichment.NO_RESULTS),  # was Another One Bites the Dust's
        ("the", Enrichment.NO_RESULTS),  # was The Show Must Go On's
        ("love", Enrichment.NO_RESULTS),  # one word of a longer title
        ("9 to 5", Enrichment.OK),  # digits count as letters
    ],
)
def test_the_catalog_covers_only_a_song_the_title_names(make_user, music_up, cancion, state):
    note = note_create(user=make_user(), cancion=cancion)
    assert note.enriquecimiento == state
    assert (note.foto is None) == (state == Enrichment.NO_RESULTS)


@pytest.fixture(scope="module")
def music_with_deezer_down(tmp_path_factory):
    """music_service whose chain starts with a Deezer that refuses connections (nothing listens)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}"
    with music_process(
        tmp_path_factory.mktemp("music-deezer-down"),
        name="music-deezer-down",
        MUSIC_PROVIDERS="deezer,offline",
        DEEZER_API_URL=closed,
    ) as service:
        yield service


def test_a_miss_after_a_failed_provider_keeps_the_note_pending(
    make_user, music_with_deezer_down, settings, fresh_breaker
):
    settings.MUSIC_SERVICE_URL = music_with_deezer_down.url
    for attempt in range(settings.MUSIC_BREAKER_THRESHOLD + 1):
        note = note_create(user=make_user(), cancion=f"zzzz qqqq no existe {attempt}")
        assert note.enriquecimiento == Enrichment.PENDING  # not sin_resultados: Deezer was not asked
    # music itself answered every time: its breaker in auth stays closed.
    assert fresh_breaker.state == "closed"
    # A song the catalog has is still found, from the provider that answered.
    found = note_create(user=make_user(), cancion="Bohemian Rhapsody")
    assert (found.enriquecimiento, found.fuente) == (Enrichment.OK, "offline")


def test_an_unknown_source_is_not_stored(music_up):
    song = music_client._song_from({"titulo": "x", "url": "javascript:alert(1)"}, "napster")
    assert (song.fuente, song.url) == (None, None)


@pytest.mark.django_db
def test_the_admin_shows_and_filters_by_fuente(client, django_user_model, make_user):
    from notes.models import Note

    client.force_login(django_user_model.objects.create_superuser("admin", password="Admin-2026-ok"))
    ana = make_user("ana")
    Note.objects.create(user=ana, cancion="Too much", fuente="deezer", enriquecimiento=Enrichment.OK)
    Note.objects.create(user=ana, cancion="Despacito", fuente="offline", enriquecimiento=Enrichment.OK)
    page = client.get("/admin/notes/note/?fuente__exact=deezer").content.decode()
    assert "Too much" in page and "Despacito" not in page
    assert "column-fuente" in page
