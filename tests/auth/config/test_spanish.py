"""Every error auth answers is Spanish JSON whatever Accept-Language asks (English deny-list:
tests/support/english.py; HTML pages live: tests/e2e/test_spanish_pages.py)."""

import json
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.admindocs.views import extract_views_from_urlpatterns
from django.urls import get_resolver
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from notes.models import Note
from tests.support.english import assert_spanish_error, english_in, response_text

pytestmark = pytest.mark.django_db

PASSWORD = "Canciones-2026"
MISSING_ID = "999999"
BAD_JSON = [
    (path, '{"cancion": ', None) for path in ("/register", "/login", "/token/refresh", "/logout", "/notas")
]
NOT_FOUND = ("No encontrado.", "Recurso no encontrado.")
VIEWS = ["/register", "/login", "/token/refresh", "/logout", "/me", "/notas", "/notas/1", "/health", "/ready"]


@pytest.fixture(params=["en", "en-US,en;q=0.9", "es"])
def client(request):
    return APIClient(HTTP_ACCEPT_LANGUAGE=request.param, REMOTE_ADDR="127.0.0.40")


@pytest.fixture
def auth(make_user) -> dict:
    return bearer(AccessToken.for_user(make_user("ana_es", PASSWORD)))


def bearer(token) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def expired(token):
    token.set_exp(lifetime=-timedelta(minutes=1))
    return token


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/register", {}, "username"),
        ("/register", {"username": "bea_es", "password": "123"}, "password"),  # Django's validators
        ("/register", {"username": "ana_es", "password": PASSWORD}, "username"),  # taken
        ("/register", {"username": "a b", "password": PASSWORD}, "username"),
        ("/login", {"username": "", "password": ""}, "username"),
        ("/token/refresh", {}, "refresh"),
        ("/logout", {"refresh": "no-es-un-token"}, None),
        ("/notas", {}, "cancion"),
        ("/notas", {"cancion": "   ", "texto": 5}, "cancion"),
        ("/notas", {"cancion": "x" * 201}, "cancion"),
        ("/notas", {"cancion": "Queen", "texto": "y" * 5001}, "texto"),
        ("/notas", {"cancion": ["lista"], "foto": "no"}, "cancion"),
        *BAD_JSON,
    ],
)
def test_bad_json_and_invalid_bodies_are_spanish_400s_naming_the_field(client, auth, path, body, field):
    raw = body if isinstance(body, str) else json.dumps(body)
    error = assert_spanish_error(client.post(path, raw, content_type="application/json", **auth), 400)
    assert field is None or field in error["detalle"], error
    assert isinstance(body, dict) or error["error"].startswith("JSON no válido")
    assert not Note.objects.exists()


def test_invalid_updates_surrogates_and_broken_multipart_are_spanish_400s(client, auth):
    created = client.post("/notas", {"cancion": "Bésame mucho"}, format="json", **auth)
    note = created.json()["nota"]["id"]
    assert_spanish_error(client.patch(f"/notas/{note}", {"cancion": ""}, format="json", **auth), 400)
    assert_spanish_error(client.put(f"/notas/{note}", {}, format="json", **auth), 400)
    surrogate = '{"cancion": "\\ud800"}'
    assert_spanish_error(client.post("/notas", surrogate, content_type="application/json", **auth), 400)
    broken = client.post("/notas", b"--x\r\nbroken", content_type="multipart/form-data", **auth)
    assert assert_spanish_error(broken, 400)["error"] == "Formulario multipart no válido."


def test_wrong_credentials_and_every_kind_of_bad_token_are_spanish_401s(client, make_user, django_user_model):
    ana = make_user("ana_es", PASSWORD)
    wrong = client.post("/login", {"username": "ana_es", "password": "x"}, format="json")
    wrong = assert_spanish_error(wrong, 401)
    assert wrong["error"] == "Usuario o contraseña incorrectos, o la cuenta está inactiva."
    inactive = django_user_model.objects.create_user(username="ines_es", password=PASSWORD, is_active=False)
    gone = make_user("gonzalo_es")
    gone_access, gone_refresh = AccessToken.for_user(gone), RefreshToken.for_user(gone)
    gone.delete()
    headers = [
        {},
        bearer("no-es-un-jwt"),
        bearer(expired(AccessToken.for_user(ana))),
        bearer(RefreshToken.for_user(ana)),  # a refresh token where an access token goes
        bearer(AccessToken.for_user(inactive)),
        bearer(gone_access),
        {"HTTP_AUTHORIZATION": "Bearer"},
        {"HTTP_AUTHORIZATION": "Bearer a b"},
    ]
    for header in headers:
        for method, path in (("get", "/notas"), ("get", "/me"), ("post", "/logout"), ("get", "/notas/1")):
            assert_spanish_error(getattr(client, method)(path, **header), 401)

    used = RefreshToken.for_user(ana)
    assert client.post("/token/refresh", {"refresh": str(used)}, format="json").status_code == 200
    refused = [used, expired(RefreshToken.for_user(ana)), AccessToken.for_user(ana), "x.y.z", gone_refresh]
    for refresh in refused:
        body = client.post("/token/refresh", {"refresh": str(refresh)}, format="json")
        body = assert_spanish_error(body, 401)
        assert refresh is not used or "lista negra" in body["error"], body


def test_csrf_not_found_method_media_type_size_and_throttle_errors_and_the_schema_are_spanish(
    client, auth, rates, django_user_model
):
    language = client.defaults["HTTP_ACCEPT_LANGUAGE"]
    session = APIClient(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE=language)
    session.force_login(django_user_model.objects.get(username="ana_es"))  # a session post without CSRF
    body = assert_spanish_error(session.post("/notas", {"cancion": "Imagine"}, format="json"), 403)
    assert body["error"].startswith("Comprobación CSRF fallida"), body
    for path in ("/notas/999999", "/no-existe", "/notas/abc", "/notas/1.5", "/notas/-1"):
        assert_spanish_error(client.get(path, **auth), 404)
    for method, path in [("delete", "/login"), ("put", "/register"), ("post", "/me"), ("patch", "/health"),
                         ("delete", "/notas"), ("post", "/notas/1"), ("get", "/logout")]:  # fmt: skip
        assert_spanish_error(getattr(client, method)(path, **auth), 405)
    assert_spanish_error(client.post("/login", "ana", content_type="text/plain"), 415)
    assert_spanish_error(client.post("/notas", "<a/>", content_type="application/xml", **auth), 415)
    assert_spanish_error(client.get("/me", HTTP_ACCEPT="application/xml", **auth), 406)
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    too_big = client.post("/notas", "{}", content_type="application/json", CONTENT_LENGTH=str(limit + 1))
    assert assert_spanish_error(too_big, 413)["detalle"] == {"max_bytes": limit}
    rates(login="1/min", register="1/min")
    for path in ("/login", "/register"):
        client.post(path, {}, format="json")
        assert_spanish_error(client.post(path, {}, format="json"), 429)
    schema = client.get("/api/schema", HTTP_ACCEPT="application/json")  # examples as /api/docs shows them
    assert schema.status_code == 200 and english_in(response_text(schema)) == []


def missing_path(route: str) -> str:
    """A path under ``route`` naming nothing: a missing id per parameter, or an unknown segment."""
    path = re.sub(r"<[^>]+>|\(\?P<\w+>[^)]*\)", MISSING_ID, route).replace("^", "").replace("$", "")
    path = path.replace("/?", "/")
    return "/" + (path if MISSING_ID in path else path + "no-existe/")


def test_every_route_answers_a_missing_object_or_path_with_a_spanish_404(client, django_user_model):
    """Asked by staff: the admin shows only staff its 404s (or redirects to a Spanish page saying so)."""
    client.force_login(django_user_model.objects.create_superuser("admin_es", "admin@example.com", PASSWORD))
    routes = [route for _, route, _, _ in extract_views_from_urlpatterns(get_resolver().url_patterns)]
    paths = sorted({missing_path(route) for route in routes})
    assert {"/notas/999999/", "/admin/notes/note/999999/change/", "/admin/no-existe/"} <= set(paths)
    assert len(paths) >= 40
    for path in paths:
        response = client.get(path)
        if path == "/admin/token_blacklist/outstandingtoken/999999/delete/":
            assert_spanish_error(response, 403)  # SimpleJWT never deletes these: refused before a lookup
        elif response.status_code == 302:
            page = client.get(response["Location"], follow=True)
            text = response_text(page)
            assert page.status_code == 200 and "no existe" in text and english_in(text) == [], path
        else:
            assert assert_spanish_error(response, 404)["error"] in NOT_FOUND


@pytest.mark.parametrize("path", VIEWS)
def test_every_api_view_is_named_in_spanish(client, auth, path):
    """DRF would name a view after its class ("Note List")."""
    options = client.options(path, **auth)
    assert options.status_code == 200 and english_in(response_text(options)) == []
    assert options.json()["name"] != "API de Música" and re.search(r"[a-záéíóúñ]", options.json()["name"])
