"""The notes admin in-process: owner, date order, filters, search, saving keeps the cover, Spanish titles
and permissions (covers, dates and the change page's preview in a browser: tests/e2e/test_browser.py)."""

import pytest
from django.contrib.auth.models import Permission

from notes.models import Note

pytestmark = pytest.mark.django_db

DATA_COVER = "data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4="


@pytest.fixture
def admin(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("admin", password="Admin-2026-ok"))
    return client


def test_the_list_shows_owner_sorts_filters_and_searches_under_spanish_titles_and_permissions(
    admin, make_user
):
    bruno = make_user("bruno")
    Note.objects.create(user=make_user("ana"), cancion="Despacito", fuente="offline")
    Note.objects.create(user=bruno, cancion="Macarena", fuente="deezer")
    listed = admin.get("/admin/notes/note/").content.decode()
    assert '<td class="field-user nowrap">bruno</td>' in listed and "column-fuente" in listed
    assert "sortable column-creada_corta sorted descending" in listed  # the short date sorts by the date
    for query in (f"user__id__exact={bruno.id}", "fuente__exact=deezer", "q=maca"):
        found = admin.get(f"/admin/notes/note/?{query}").content.decode()
        assert "Macarena" in found and "Despacito" not in found, query
    page = admin.get("/admin/").content.decode()  # the project's header and title
    assert "<title>Usuarios y notas | Música · administración</title>" in page
    assert '<div id="site-name"><a href="/admin/">Música · administración</a></div>' in page
    assert "Administración de Django" not in page and "Django administration" not in page
    permissions = Permission.objects.filter(codename__endswith="_note")  # accounts.signals, after migrate
    verbs = {"add": "añadir", "change": "cambiar", "delete": "borrar", "view": "ver"}
    names = {f"{code}_note": f"Puede {verb} nota" for code, verb in verbs.items()}
    assert dict(permissions.values_list("codename", "name")) == names


def test_the_change_page_shows_the_cover_only_as_an_image_and_saving_keeps_it(admin, make_user):
    note = Note.objects.create(user=make_user("ana"), cancion="Malamente", foto=DATA_COVER)
    page = admin.get(f"/admin/notes/note/{note.pk}/change/").content.decode()
    assert f'<img src="{DATA_COVER}" alt="" width="200" height="200">' in page
    assert 'name="foto"' not in page and page.count(DATA_COVER) == 1
    form = {"user": note.user_id, "cancion": "Malamente", "enriquecimiento": "ok", "enrich_attempts": 0}
    form |= dict.fromkeys(["texto", "titulo", "artista", "album"], "")
    response = admin.post(f"/admin/notes/note/{note.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    note.refresh_from_db()
    assert note.foto == DATA_COVER
