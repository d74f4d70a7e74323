from datetime import UTC, datetime

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


def test_changelist_filters_by_user_and_source_and_searches(admin_client_, make_user):
    ana, bruno = make_user("ana"), make_user("bruno")
    Note.objects.create(user=ana, cancion="Despacito", fuente="offline", enriquecimiento=Enrichment.OK)
    Note.objects.create(user=bruno, cancion="Macarena", fuente="deezer", enriquecimiento=Enrichment.OK)
    by_user = admin_client_.get(f"/admin/notes/note/?user__id__exact={bruno.id}").content.decode()
    assert "Macarena" in by_user and "Despacito" not in by_user
    by_source = admin_client_.get("/admin/notes/note/?fuente__exact=deezer").content.decode()
    assert "Macarena" in by_source and "Despacito" not in by_source
    assert "column-fuente" in by_source
    searched = admin_client_.get("/admin/notes/note/?q=despa").content.decode()
    assert "Despacito" in searched and "Macarena" not in searched


DATA_COVER = "data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4="


def test_change_page_shows_the_cover_as_an_image_never_its_raw_value_in_a_box(admin_client_, make_user):
    note = Note.objects.create(user=make_user("ana"), cancion="Malamente", foto=DATA_COVER)
    page = admin_client_.get(f"/admin/notes/note/{note.pk}/change/").content.decode()
    assert f'<img src="{DATA_COVER}" alt="" width="200" height="200">' in page
    assert 'name="foto"' not in page
    assert page.count(DATA_COVER) == 1  # the image only
    # Saving the form keeps the cover (the field is not part of it).
    response = admin_client_.post(
        f"/admin/notes/note/{note.pk}/change/",
        {
            "user": note.user_id,
            "cancion": "Malamente",
            "texto": "",
            "titulo": "",
            "artista": "",
            "album": "",
            "enriquecimiento": "ok",
            "enrich_attempts": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    note.refresh_from_db()
    assert note.foto == DATA_COVER


def test_changelist_dates_use_a_short_format_that_fits(admin_client_, make_user):
    note = Note.objects.create(user=make_user("ana"), cancion="Despacito")
    Note.objects.filter(pk=note.pk).update(creada=datetime(2026, 11, 28, 10, 5, tzinfo=UTC))
    page = admin_client_.get("/admin/notes/note/").content.decode()
    assert '<td class="field-creada_corta">28/11/2026 10:05</td>' in page
    assert "noviembre de 2026" not in page
    assert 'class="sortable column-creada_corta sorted descending"' in page  # still sorted by the date


def test_admin_carries_the_projects_header_and_title(admin_client_):
    page = admin_client_.get("/admin/").content.decode()
    assert "<title>Usuarios y notas | Música · administración</title>" in page
    assert '<div id="site-name"><a href="/admin/">Música · administración</a></div>' in page
    assert "Administración de Django" not in page and "Django administration" not in page
