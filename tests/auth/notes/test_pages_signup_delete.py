"""The landing page's sign-up form (POST /registro) and delete buttons (POST /borrar/<id>): the API's
serializer and services, /register's limit, a session after sign-up, CSRF, owner only, every error
shown in Spanish on the page."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from rest_framework.test import APIClient

from accounts import serializers as account_serializers
from accounts.models import USERNAME_TAKEN
from notes import pages
from notes.models import Note
from tests.support.csp import assert_strict_policy
from tests.support.english import english_in, visible_text

pytestmark = pytest.mark.django_db

User = get_user_model()
PASSWORD = "Canciones-2026"


def set_register_rate(settings, rate):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "register": rate}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}


def signup(client, username, password=PASSWORD, password2=None, **extra):
    repeated = password if password2 is None else password2
    data = {"username": username, "password": password, "password2": repeated}
    return client.post("/registro", {**data, **extra})


def spanish_page(response, status):
    """The landing page, as HTML under its policy, with nothing English a person would read."""
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("text/html")
    assert_strict_policy(response["Content-Security-Policy"], "/registro")
    page = response.content.decode()
    assert english_in(visible_text(page)) == []
    return page


def csrf_client(user=None) -> Client:
    """A browser-like client: CSRF checked, the token taken from the page's form."""
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    page = client.get("/").content.decode()
    client.csrf_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    return client


@pytest.fixture
def ana(make_user):
    return make_user("ana")


def test_anonymous_page_has_a_spanish_sign_up_form_with_a_csrf_token():
    page = spanish_page(Client().get("/"), 200)
    form = re.search(r'<form method="post" action="/registro".*?</form>', page, re.S).group(0)
    assert 'name="csrfmiddlewaretoken"' in form
    for field in ('name="username"', 'name="password" ', 'name="password2"'):
        assert field in form, field
    assert "Crear cuenta" in form and "Repite la contraseña" in form
    assert "POST /register" not in page  # a person signs up here, not in Swagger


def test_sign_up_creates_the_user_through_the_service_and_logs_in(monkeypatch):
    calls = []
    real = account_serializers.user_create

    def spy(**kwargs):
        calls.append(kwargs["username"])
        return real(**kwargs)

    monkeypatch.setattr(account_serializers, "user_create", spy)
    client = Client()
    response = signup(client, "ＬＵＣÍＡ")  # stored as /register stores it: NFKC
    assert response.status_code == 302 and response["Location"] == "/"
    assert calls == ["LUCÍA"]
    user = User.objects.get(username="LUCÍA")
    assert user.check_password(PASSWORD)
    assert client.session["_auth_user_id"] == str(user.pk)
    page = spanish_page(client.get("/"), 200)
    assert "Hola, <strong>LUCÍA</strong>" in page and pages.SIGNED_UP in page
    assert 'name="cancion"' in page  # the note form: a session, as after logging in


@pytest.mark.parametrize(
    ("username", "password", "password2", "field", "message"),
    [
        ("ANA", PASSWORD, None, "username", USERNAME_TAKEN),  # "ana" exists
        ("ana maría", PASSWORD, None, "username", "nombre de usuario válido"),
        ("аna", PASSWORD, None, "username", "mezcla alfabetos"),  # a Cyrillic "а"
        ("", PASSWORD, None, "username", "Este campo no puede estar en blanco."),
        ("nuria", "12345678", None, "password", "Esta contraseña es demasiado común."),
        ("nuria", "nuria123", None, "password", "demasiado similar a la de nombre de usuario."),
        ("nuria", "corta", None, "password", "La contraseña es demasiado corta."),
        ("nuria", PASSWORD, "Canciones-2027", "password2", pages.PASSWORDS_DIFFER),
    ],
)
def test_invalid_sign_up_is_a_spanish_400_on_the_page_and_creates_nothing(
    ana, username, password, password2, field, message
):
    client = Client()
    page = spanish_page(signup(client, username, password, password2), 400)
    error = re.search(rf'<p class="error-campo" id="error_{field}">(.*?)</p>', page, re.S)
    assert error and message in error.group(1).replace("&quot;", '"'), page
    assert f'aria-describedby="error_{field}"' in page
    assert f'value="{username}"' in page  # the name is kept
    assert f'value="{password}"' not in page  # a password is never sent back
    assert list(User.objects.values_list("username", flat=True)) == ["ana"]
    assert "_auth_user_id" not in client.session


def test_a_name_taken_between_the_check_and_the_insert_is_the_same_400(monkeypatch, make_user):
    monkeypatch.setattr(account_serializers, "username_taken", lambda **kwargs: False)
    make_user("rosa")
    page = spanish_page(signup(Client(), "Rosa"), 400)
    assert USERNAME_TAKEN in page
    assert User.objects.count() == 1


def test_sign_up_needs_the_csrf_token():
    client = csrf_client()
    assert signup(client, "nuria").status_code == 403
    assert not User.objects.exists()
    assert signup(client, "nuria", csrfmiddlewaretoken=client.csrf_token).status_code == 302
    assert User.objects.filter(username="nuria").exists()


def test_page_and_api_sign_ups_share_one_register_window(settings):
    set_register_rate(settings, "2/hour")
    api, browser = APIClient(), Client()
    body = {"username": "uno", "password": PASSWORD}
    assert api.post("/register", body, format="json").status_code == 201
    assert signup(browser, "dos").status_code == 302
    assert api.post("/register", {**body, "username": "tres"}, format="json").status_code == 429
    refused = signup(Client(), "cuatro")
    page = spanish_page(refused, 429)
    seconds = int(refused["Retry-After"])
    assert 1 <= seconds <= 3600
    assert f"{pages.SIGNUPS_THROTTLED} Vuelve a intentarlo en {seconds} segundos." in page
    assert 'value="cuatro"' in page
    assert sorted(User.objects.values_list("username", flat=True)) == ["dos", "uno"]


def test_an_invalid_page_sign_up_counts_in_the_window_too(settings):
    set_register_rate(settings, "1/hour")
    assert signup(Client(), "nuria", "12345678").status_code == 400
    api = APIClient().post("/register", {"username": "uno", "password": PASSWORD}, format="json")
    assert api.status_code == 429


def test_get_of_either_form_url_goes_back_to_the_page(ana):
    note = Note.objects.create(user=ana, cancion="Malamente")
    client = Client()
    client.force_login(ana)
    assert client.get("/registro")["Location"] == "/"
    assert client.get(f"/borrar/{note.pk}")["Location"] == "/"
    assert Note.objects.filter(pk=note.pk).exists()


def test_delete_button_removes_my_note_through_the_service(ana, monkeypatch):
    mine = Note.objects.create(user=ana, cancion="Malamente")
    kept = Note.objects.create(user=ana, cancion="Billie Jean")
    calls = []
    real = pages.note_delete
    monkeypatch.setattr(pages, "note_delete", lambda *, note: (calls.append(note.pk), real(note=note)))
    client = csrf_client(ana)
    page = client.get("/").content.decode()
    assert f'<form method="post" action="/borrar/{mine.pk}" class="borrar">' in page
    assert "Borrar la nota «Malamente»" in page

    response = client.post(f"/borrar/{mine.pk}", {"csrfmiddlewaretoken": client.csrf_token})
    assert response.status_code == 302 and response["Location"] == "/"
    assert calls == [mine.pk]
    assert list(Note.objects.values_list("pk", flat=True)) == [kept.pk]
    page = spanish_page(client.get("/"), 200)
    assert pages.DELETED in page and "Malamente" not in page and "Billie Jean" in page


def test_delete_needs_the_csrf_token(ana):
    note = Note.objects.create(user=ana, cancion="Malamente")
    client = csrf_client(ana)
    assert client.post(f"/borrar/{note.pk}").status_code == 403
    assert Note.objects.filter(pk=note.pk).exists()


def test_someone_elses_note_is_the_same_spanish_404_as_a_missing_one_and_stays(ana, make_user):
    bruno = make_user("bruno")
    his = Note.objects.create(user=bruno, cancion="Macarena")
    client = Client()
    client.force_login(ana)
    answers = []
    for note_id in (his.pk, his.pk + 1000):
        for method in (client.post, client.get):
            response = method(f"/borrar/{note_id}")
            assert response.status_code == 404
            answers.append((response["Content-Type"], response.json()))
    assert answers == [("application/json", {"error": "Recurso no encontrado.", "detalle": {}})] * 4
    assert Note.objects.filter(pk=his.pk).exists()
    mine = Note.objects.create(user=ana, cancion="Malamente")  # the same route deletes ana's own
    assert client.post(f"/borrar/{mine.pk}").status_code == 302
    assert not Note.objects.filter(pk=mine.pk).exists()


def test_anonymous_delete_goes_to_the_login_page(ana):
    note = Note.objects.create(user=ana, cancion="Malamente")
    response = Client().post(f"/borrar/{note.pk}")
    assert response["Location"] == "/api-auth/login/?next=/"
    assert Note.objects.filter(pk=note.pk).exists()
