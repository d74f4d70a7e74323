"""The landing page: Spanish, no CDN, strict CSP; its forms (note, /registro, /borrar/<id>) go the API's way,
under its limits and CSRF, errors in Spanish on the page (the happy paths in a browser: e2e test_browser)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import USERNAME_TAKEN
from notes import pages
from notes.models import Enrichment, Note
from tests.support.csp import assert_inline_code_allowed, assert_strict_policy
from tests.support.english import english_in, visible_text

pytestmark = pytest.mark.django_db

User = get_user_model()
PASSWORD = "Canciones-2026"


def html_page(response, status=200):
    """The page's HTML, under its strict policy, with nothing English a person would read."""
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("text/html")
    page, policy = response.content.decode(), response["Content-Security-Policy"]
    assert_strict_policy(policy, response.wsgi_request.path)
    assert_inline_code_allowed(page, policy, response.wsgi_request.path)
    assert english_in(visible_text(page)) == []
    return page


def browser(user=None, csrf=False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    if user is not None:
        client.force_login(user)
    if csrf:  # the token, taken from the page's form as a browser would
        page = client.get("/").content.decode()
        client.csrf_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    return client


def signup(client, username, password=PASSWORD, password2=None, **extra):
    body = {"username": username, "password": password, "password2": password2 or password}
    return client.post("/registro", {**body, **extra})


@pytest.fixture
def session(ana):
    return browser(ana)


def test_anonymous_page_is_spanish_html_with_a_sign_up_form_and_a_post_goes_to_the_login_page(client, ana):
    page = html_page(client.get("/"))  # its links, styles and sign-up in a browser: e2e test_browser
    assert '<html lang="es">' in page and "Qué es esto" in page
    assert "<script" not in page and "style=" not in page
    form = re.search(r'<form method="post" action="/registro".*?</form>', page, re.S).group(0)
    assert 'name="csrfmiddlewaretoken"' in form and "Crear cuenta" in form and "Repite la contraseña" in form
    statuses = [client.head("/").status_code, client.put("/").status_code, client.delete("/").status_code]
    assert statuses == [200, 405, 405]
    note = Note.objects.create(user=ana, cancion="Malamente")  # an anonymous post changes nothing
    for path in ("/", f"/borrar/{note.pk}"):
        response = client.post(path, {"cancion": "Queen"})
        assert response.status_code == 302 and response["Location"] == "/api-auth/login/?next=/", path
    assert list(Note.objects.values_list("cancion", flat=True)) == ["Malamente"]


def test_logged_in_page_lists_my_12_latest_notes_escaped_and_a_form(session, ana, make_user):
    Note.objects.create(user=make_user("bruno"), cancion="Macarena")
    for i in range(14):
        cover = f"data:image/svg+xml;base64,Q{i:03d}"
        Note.objects.create(user=ana, cancion=f"Canción {i}", foto=cover, enriquecimiento=Enrichment.OK)
    Note.objects.create(user=ana, cancion="<script>alert(1)</script>", texto="<b>hola</b>")  # pendiente
    page = html_page(session.get("/"))
    assert "Hola, <strong>ana</strong>" in page and "Las 12 más recientes de 15" in page
    assert 'name="cancion"' in page and '<textarea id="id_texto" name="texto"' in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "La portada llegará sola" in page
    assert "<script>alert(1)" not in page and "<b>hola</b>" not in page  # escaped
    assert '<img class="portada" src="data:image/svg+xml;base64,Q013"' in page
    assert "Canción 3" in page and "Canción 2<" not in page and "Macarena" not in page  # my 12 newest


@pytest.mark.parametrize(
    ("music", "said", "not_said"),
    [
        (None, "se añadirá automáticamente", "no está en las"),
        ("music_incomplete", "no está en las", "disponible"),
    ],
)
def test_a_pendiente_note_says_why(request, session, ana, music, said, not_said):  # music down, or a source
    if music:
        request.getfixturevalue(music)
    assert session.post("/", {"cancion": "zzzz qqqq no existe"}).status_code == 302
    assert Note.objects.get(user=ana).enriquecimiento == Enrichment.PENDING
    page = html_page(session.get("/"))
    assert "Guardado con éxito" in page and said in page and not_said not in page
    assert ("(deezer)" in page) is bool(music)


def test_every_form_needs_the_csrf_token(ana):
    note = Note.objects.create(user=ana, cancion="Malamente")
    client, anonymous = browser(ana, csrf=True), browser(csrf=True)
    refused = [client.post("/", {"cancion": "Queen"}), client.post(f"/borrar/{note.pk}")]
    assert [response.status_code for response in [*refused, signup(anonymous, "nuria")]] == [403] * 3
    assert Note.objects.get() == note and not User.objects.filter(username="nuria").exists()
    assert client.post("/", {"cancion": "Queen", "csrfmiddlewaretoken": client.csrf_token}).status_code == 302
    assert signup(anonymous, "nuria", csrfmiddlewaretoken=anonymous.csrf_token).status_code == 302
    assert Note.objects.count() == 2 and User.objects.filter(username="nuria").exists()


def test_the_note_form_counts_in_the_api_s_write_window(session, ana, client_for, rates):
    rates(notes_write="2/min")
    api = client_for(ana)
    assert api.post("/notas", {"cancion": "Uno"}, format="json").status_code == 201
    assert session.post("/", {"cancion": "Dos"}).status_code == 302
    assert api.post("/notas", {"cancion": "Tres"}, format="json").status_code == 429
    refused = session.post("/", {"cancion": "Cuatro", "texto": "se conserva"})
    page = html_page(refused, 429)
    assert 1 <= int(refused["Retry-After"]) <= 60 and "Demasiadas notas guardadas seguidas" in page
    assert 'value="Cuatro"' in page and ">se conserva</textarea>" in page  # what was typed is kept
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
    assert browser(ana).generic("POST", "/", body, content_type=content_type).status_code == 400
    assert Note.objects.count() == 0


@pytest.mark.parametrize(
    ("path", "data", "field", "message"),
    [
        ("/", {"cancion": "   "}, "cancion", "Este campo no puede estar en blanco."),
        ("/", {"cancion": "Queen", "texto": "y" * 5001}, "texto", "no tenga más de 5000 caracteres."),
        ("/registro", {"username": "ANA"}, "username", USERNAME_TAKEN),  # "ana" exists
        ("/registro", {"username": "аna"}, "username", "mezcla alfabetos"),  # a Cyrillic "а"
        ("/registro", {"password": "nuria123"}, "password", "demasiado similar a la de nombre de usuario."),
        ("/registro", {"password2": "Canciones-2027"}, "password2", pages.PASSWORDS_DIFFER),
    ],
)
def test_an_invalid_form_is_a_spanish_400_on_the_page_and_saves_nothing(ana, path, data, field, message):
    client = browser(ana if path == "/" else None)
    if path == "/":
        page = html_page(client.post(path, data), 400)
    else:
        data = {"username": "nuria", "password": PASSWORD, **data}
        page = html_page(signup(client, **data), 400)
        assert f'value="{data["username"]}"' in page  # the name is kept, a password is never sent back
        assert f'value="{data["password"]}"' not in page and "_auth_user_id" not in client.session
    error = re.search(rf'<p class="error-campo" id="error_{field}">(.*?)</p>', page, re.S)
    assert error and message in error.group(1).replace("&quot;", '"'), page
    assert f'aria-describedby="error_{field}"' in page
    assert Note.objects.count() == 0 and list(User.objects.values_list("username", flat=True)) == ["ana"]


def test_a_name_taken_between_the_check_and_the_insert_is_the_same_400(monkeypatch, make_user):
    monkeypatch.setattr(User, "clean", lambda user: None)
    make_user("rosa")
    assert USERNAME_TAKEN in html_page(signup(Client(), "Rosa"), 400)
    assert User.objects.count() == 1


def test_page_and_api_sign_ups_share_one_register_window_invalid_ones_included(rates):
    rates(register="3/hour")
    api = APIClient()
    assert signup(Client(), "nuria", "12345678").status_code == 400
    assert api.post("/register", {"username": "uno", "password": PASSWORD}, format="json").status_code == 201
    assert signup(Client(), "dos").status_code == 302
    assert api.post("/register", {"username": "tres", "password": PASSWORD}, format="json").status_code == 429
    refused = signup(Client(), "cuatro")
    page, seconds = html_page(refused, 429), int(refused["Retry-After"])
    assert 1 <= seconds <= 3600 and 'value="cuatro"' in page
    assert f"{pages.SIGNUPS_THROTTLED} Vuelve a intentarlo en {seconds} segundos." in page
    assert sorted(User.objects.values_list("username", flat=True)) == ["dos", "uno"]


def test_someone_elses_note_is_the_same_404_as_a_missing_one_and_a_get_goes_back(session, ana, make_user):
    mine = Note.objects.create(user=ana, cancion="Malamente")
    his = Note.objects.create(user=make_user(), cancion="x")
    paths = [f"/borrar/{note_id}" for note_id in (his.pk, his.pk + 1000)]
    answers = [(r.status_code, r.json()) for p in paths for r in (session.post(p), session.get(p))]  # JSON
    assert answers == [(404, {"error": "Recurso no encontrado.", "detalle": {}})] * 4
    assert session.get("/registro")["Location"] == session.get(f"/borrar/{mine.pk}")["Location"] == "/"
    assert Note.objects.count() == 2
