"""SQL and script payloads in cancion/texto are data: stored verbatim, rendered escaped."""

import json

import pytest
from django.conf import settings
from django.utils.html import escape
from rest_framework.test import APIClient

from notes.models import Note

pytestmark = pytest.mark.django_db

PAYLOADS = [
    ("Robert'); DROP TABLE notes_note;--", "' OR '1'='1' -- texto"),
    ("<script>alert('cancion')</script>", "<img src=x onerror=alert('texto')>"),
    ('"><svg/onload=alert(1)>', "</textarea><script>alert(2)</script>"),
    ("1; SELECT * FROM accounts_user", "{{ settings.SECRET_KEY }} {% debug %}"),
]


@pytest.fixture
def owner_client(make_user):
    user = make_user("ana")
    client = APIClient()
    client.force_authenticate(user=user)
    return user, client


@pytest.mark.parametrize(("cancion", "texto"), PAYLOADS)
def test_payloads_are_stored_verbatim(cancion, texto, owner_client):
    user, client = owner_client
    response = client.post("/notas", {"cancion": cancion, "texto": texto}, format="json")
    assert response.status_code == 201, response.content
    note = Note.objects.get(pk=response.json()["nota"]["id"])
    assert (note.cancion, note.texto, note.user_id) == (cancion, texto, user.pk)
    assert response.json()["nota"]["cancion"] == cancion
    assert Note.objects.count() == 1  # nothing was dropped, nothing else was written


@pytest.mark.parametrize(("cancion", "texto"), PAYLOADS)
def test_the_browsable_api_renders_them_escaped(cancion, texto, owner_client):
    user, client = owner_client
    note = Note.objects.create(user=user, cancion=cancion, texto=texto)
    for path in (f"/notas/{note.pk}", "/notas"):
        response = client.get(path, HTTP_ACCEPT="text/html")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/html")
        page = response.content.decode()
        for raw in (cancion, texto):
            if "<" in raw or ">" in raw:
                assert raw not in page, (path, raw)
            # Shown as data: JSON-encoded, then HTML-escaped.
            assert escape(json.dumps(raw, ensure_ascii=False)[1:-1]) in page, (path, raw)
        assert settings.SECRET_KEY not in page  # "{{ settings.SECRET_KEY }}" is text, never evaluated


@pytest.mark.parametrize(("cancion", "texto"), PAYLOADS)
def test_the_admin_changelist_and_change_form_render_them_escaped(
    cancion, texto, client, django_user_model, make_user
):
    admin = django_user_model.objects.create_superuser("admin", password="Admin-2026-ok")
    client.force_login(admin)
    note = Note.objects.create(user=make_user("ana"), cancion=cancion, texto=texto)
    for path in (
        "/admin/notes/note/",
        f"/admin/notes/note/{note.pk}/change/",
        f"/admin/notes/note/?q={cancion}",
    ):
        page = client.get(path).content.decode()
        for raw in (cancion, texto):
            if "<" in raw or ">" in raw:
                assert raw not in page, (path, raw)
    changelist = client.get("/admin/notes/note/").content.decode()
    assert escape(cancion) in changelist
    assert settings.SECRET_KEY not in changelist
