"""SQL and script payloads in cancion/texto are rendered escaped in the browsable API and the admin
(stored verbatim: tests/e2e/test_security_hostile.py)."""

import json

import pytest
from django.conf import settings
from django.utils.html import escape

from notes.models import Note

pytestmark = pytest.mark.django_db

PAYLOADS = [
    ("Robert'); DROP TABLE notes_note;--", "' OR '1'='1' -- texto"),
    ("<script>alert('cancion')</script>", "<img src=x onerror=alert('texto')>"),
    ('"><svg/onload=alert(1)>', "</textarea><script>alert(2)</script>"),
    ("1; SELECT * FROM accounts_user", "{{ settings.SECRET_KEY }} {% debug %}"),
]


@pytest.mark.parametrize(("cancion", "texto"), PAYLOADS)
def test_the_browsable_api_and_the_admin_render_them_escaped(cancion, texto, client, django_user_model):
    admin = django_user_model.objects.create_superuser("admin", password="Admin-2026-ok")
    client.force_login(admin)
    note = Note.objects.create(user=admin, cancion=cancion, texto=texto)
    api_pages = [f"/notas/{note.pk}", "/notas"]
    admin_pages = [
        "/admin/notes/note/",
        f"/admin/notes/note/{note.pk}/change/",
        f"/admin/notes/note/?q={cancion}",
    ]
    for path in api_pages + admin_pages:
        response = client.get(path, HTTP_ACCEPT="text/html")
        assert response.status_code == 200 and response["Content-Type"].startswith("text/html"), path
        page = response.content.decode()
        for raw in (cancion, texto):
            if "<" in raw or ">" in raw:
                assert raw not in page, (path, raw)
            if path in api_pages:  # shown as data: JSON-encoded, then HTML-escaped
                assert escape(json.dumps(raw, ensure_ascii=False)[1:-1]) in page, (path, raw)
        assert settings.SECRET_KEY not in page  # "{{ settings.SECRET_KEY }}" is text, never evaluated
    assert escape(cancion) in client.get("/admin/notes/note/").content.decode()
