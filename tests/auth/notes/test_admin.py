import pytest

from notes.models import Enrichment, Note

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(client, django_user_model):
    admin = django_user_model.objects.create_superuser("admin", password="Admin-2026-ok")
    client.force_login(admin)
    return client


def test_changelist_shows_owner_song_cover_and_date(admin_client_, make_user):
    ana = make_user("ana")
    Note.objects.create(
        user=ana,
        cancion="Bohemian Rhapsody",
        foto="https://i.scdn.co/image/abc",
        enriquecimiento=Enrichment.OK,
    )
    Note.objects.create(user=ana, cancion="<script>alert(1)</script>")
    page = admin_client_.get("/admin/notes/note/").content.decode()
    assert "Bohemian Rhapsody" in page
    assert '<img src="https://i.scdn.co/image/abc"' in page
    assert "ana" in page
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_changelist_filters_by_user_and_searches(admin_client_, make_user):
    ana, bruno = make_user("ana"), make_user("bruno")
    Note.objects.create(user=ana, cancion="Despacito")
    Note.objects.create(user=bruno, cancion="Macarena")
    by_user = admin_client_.get(f"/admin/notes/note/?user__id__exact={bruno.id}").content.decode()
    assert "Macarena" in by_user and "Despacito" not in by_user
    searched = admin_client_.get("/admin/notes/note/?q=despa").content.decode()
    assert "Despacito" in searched and "Macarena" not in searched
