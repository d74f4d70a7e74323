"""The landing page (GET /, notes/pages.py): Spanish, no CDN, strict CSP; for a session user their
latest notes with covers and a form that saves through the API's serializer and service, under the
same per-user write throttle and with CSRF protection."""

import re

import pytest
from django.test import Client

from notes import serializers as note_serializers
from notes.models import Enrichment, Note
from tests.support.csp import assert_inline_code_allowed, assert_strict_policy

pytestmark = pytest.mark.django_db

LINKS = ["/notas", "/admin/", "/api/docs", "/api/redoc"]


def set_rate(settings, rate):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "notes_write": rate}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}


def html_page(client, path="/", status=200):
    response = client.get(path)
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("text/html")
    policy = response["Content-Security-Policy"]
    assert_strict_policy(policy, path)
    assert_inline_code_allowed(response.content.decode(), policy, path)
    return response.content.decode()


@pytest.fixture
def ana(make_user):
    return make_user("ana")


@pytest.fixture
def session(ana):
    client = Client()
    client.force_login(ana)
    return client


@pytest.fixture
def csrf_session(ana):
    """A browser-like client: CSRF checked, the token taken from the page's form."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(ana)
    page = client.get("/").content.decode()
    client.csrf_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    return client


def test_anonymous_landing_page_is_spanish_html_with_links_and_a_login_link():
    page = html_page(Client())
    assert '<html lang="es">' in page
    assert "Qué es esto" in page and "Iniciar sesión" in page
    for link in LINKS:
        assert f'href="{link}"' in page, link
    assert 'href="/api-auth/login/?next=/"' in page
    assert 'name="cancion"' not in page  # no form without a session
    assert "<script" not in page and "style=" not in page
    assert re.search(r'<link rel="stylesheet" href="/static/notes/inicio[^"]*\.css">', page)
    assert "http://" not in page and "https://" not in page  # nothing from elsewhere


def test_head_works_and_other_methods_are_405(client):
    assert client.head("/").status_code == 200
    assert client.put("/").status_code == 405
    assert client.delete("/").status_code == 405


def test_the_landing_css_file_is_served():
    response = Client().get("/static/notes/inicio.css")
    assert response.status_code == 200
    assert b".lista-notas" in b"".join(response.streaming_content)


def test_logged_in_page_lists_my_latest_notes_with_covers_and_a_form(session, ana, make_user):
    bruno = make_user("bruno")
    Note.objects.create(user=bruno, cancion="Macarena", foto="data:image/svg+xml;base64,QlJVTk8=")
    for i in range(14):
        Note.objects.create(
            user=ana,
            cancion=f"Canción {i}",
            texto=f"nota {i}",
            foto=f"data:image/svg+xml;base64,Q{i:03d}",
            enriquecimiento=Enrichment.OK,
            titulo=f"Título {i}",
            artista="Queen",
        )
    Note.objects.create(user=ana, cancion="Sin portada aún")  # pendiente, no foto
    page = html_page(session)
    assert "Hola, <strong>ana</strong>" in page and "Cerrar sesión" in page
    assert 'name="cancion"' in page and '<textarea id="id_texto" name="texto"' in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert "Las 12 más recientes de 15" in page
    assert "Sin portada aún" in page and "La portada llegará sola" in page
    assert '<img class="portada" src="data:image/svg+xml;base64,Q013"' in page
    assert "Canción 13" in page and "Canción 3" in page and "Canción 2<" not in page  # 12 newest
    assert "Macarena" not in page and "QlJVTk8=" not in page  # only mine


def test_form_post_creates_the_note_through_the_serializer_and_service(session, ana, music_up, monkeypatch):
    calls = []
    real = note_serializers.note_create

    def spy(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(note_serializers, "note_create", spy)
    response = session.post("/", {"cancion": "  Bohemian Rhapsody ", "texto": "En el coche"})
    assert response.status_code == 302 and response["Location"] == "/"
    saved = [(c["user"], c["cancion"], c["texto"]) for c in calls]
    assert saved == [(ana, "Bohemian Rhapsody", "En el coche")]
    note = Note.objects.get(user=ana)
    assert note.enriquecimiento == Enrichment.OK and note.foto.startswith("data:image/svg+xml")
    page = html_page(session)
    assert "Guardado con éxito" in page
    assert f'<img class="portada" src="{note.foto}" alt="Portada de Bohemian Rhapsody"' in page


def test_music_down_saves_pendiente_and_says_so(session, ana):
    assert session.post("/", {"cancion": "Queen"}).status_code == 302
    assert Note.objects.get(user=ana).enriquecimiento == Enrichment.PENDING
    page = html_page(session)
    assert "Guardado con éxito" in page and "la foto se añadirá automáticamente" in page


def test_a_song_missing_while_a_provider_fails_is_not_called_music_down(session, ana, music_incomplete):
    assert session.post("/", {"cancion": "zzzz qqqq no existe"}).status_code == 302
    page = html_page(session)
    assert "no está en las fuentes que respondieron" in page and "(deezer)" in page
    assert "no está disponible" not in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "cancion", "Este campo es requerido."),
        ({"cancion": "   "}, "cancion", "Este campo no puede estar en blanco."),
        ({"cancion": "x" * 201}, "cancion", "Asegúrese de que este campo no tenga más de 200 caracteres."),
        ({"cancion": "Queen", "texto": "y" * 5001}, "texto", "no tenga más de 5000 caracteres."),
    ],
)
def test_invalid_form_is_400_with_the_spanish_error_and_nothing_is_saved(session, data, field, message):
    response = session.post("/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="error_{field}"' in page and message in page
    assert Note.objects.count() == 0


def test_html_in_a_note_is_escaped(session, ana):
    Note.objects.create(user=ana, cancion="<script>alert(1)</script>", texto="<b>hola</b>")
    page = html_page(session)
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>hola</b>" not in page


def test_csrf_token_is_required(csrf_session, ana):
    refused = csrf_session.post("/", {"cancion": "Queen"})
    assert refused.status_code == 403
    assert Note.objects.count() == 0
    accepted = csrf_session.post("/", {"cancion": "Queen", "csrfmiddlewaretoken": csrf_session.csrf_token})
    assert accepted.status_code == 302
    assert Note.objects.filter(user=ana).count() == 1


def test_anonymous_post_goes_to_the_login_page_and_saves_nothing():
    response = Client().post("/", {"cancion": "Queen"})
    assert response.status_code == 302
    assert response["Location"] == "/api-auth/login/?next=/"
    assert Note.objects.count() == 0


def test_the_notes_write_throttle_applies_to_the_form(session, ana, settings):
    set_rate(settings, "2/min")
    for song in ("Uno", "Dos"):
        assert session.post("/", {"cancion": song}).status_code == 302
    refused = session.post("/", {"cancion": "Tres", "texto": "se conserva"})
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    page = refused.content.decode()
    assert "Demasiadas notas guardadas seguidas" in page and "segundos" in page
    assert 'value="Tres"' in page and ">se conserva</textarea>" in page  # what was typed is kept
    assert Note.objects.filter(user=ana).count() == 2


def test_form_and_api_share_one_write_window(session, ana, client_for, settings):
    set_rate(settings, "2/min")
    api = client_for(ana)
    assert api.post("/notas", {"cancion": "Uno"}, format="json").status_code == 201
    assert session.post("/", {"cancion": "Dos"}).status_code == 302
    assert api.post("/notas", {"cancion": "Tres"}, format="json").status_code == 429
    assert session.post("/", {"cancion": "Cuatro"}).status_code == 429
    assert Note.objects.filter(user=ana).count() == 2


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("multipart/form-data; boundary=x", b"--x\r\nbroken"),
        ("multipart/form-data", b"zzz"),
        ("application/json", b'{"cancion": "Queen"}'),
        ("text/plain", b"\xff\xfe"),
    ],
)
def test_odd_bodies_are_400_never_500_and_save_nothing(ana, content_type, body):
    client = Client(raise_request_exception=False)
    client.force_login(ana)
    response = client.generic("POST", "/", body, content_type=content_type)
    assert response.status_code == 400
    assert Note.objects.count() == 0
