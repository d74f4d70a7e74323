"""Every error auth_service answers is Spanish, whatever Accept-Language asks for.

Each response is checked against a deny-list built from the English texts of DRF, SimpleJWT and
Django (tests/support/english.py), not only against the examples of issue 12. The HTML pages
(admin, browsable API, login) are checked on a live process in tests/e2e/test_spanish_pages.py.
"""

from __future__ import annotations

import gettext
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient
from rest_framework.views import APIView
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from notes.models import Note
from tests.support.english import english_in, response_text

pytestmark = pytest.mark.django_db

PASSWORD = "Canciones-2026"
LANGUAGES = ["en", "en-US,en;q=0.9", "es"]


@pytest.fixture(params=LANGUAGES)
def client(request):
    return APIClient(HTTP_ACCEPT_LANGUAGE=request.param, REMOTE_ADDR="127.0.0.40")


@pytest.fixture
def ana(make_user):
    return make_user("ana_es", PASSWORD)


def bearer(token) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def assert_spanish_error(response, status: int) -> dict:
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) == {"error", "detalle"}, body
    assert body["error"].strip(), body
    leaks = english_in(response_text(response))
    assert leaks == [], (response.request["PATH_INFO"], leaks, body)
    return body


BAD_JSON = '{"username": "ana", '  # cut short


@pytest.mark.parametrize("path", ["/register", "/login", "/token/refresh", "/logout", "/notas"])
def test_bad_json_is_a_spanish_400(client, ana, path):
    body = assert_spanish_error(
        client.post(path, BAD_JSON, content_type="application/json", **bearer(AccessToken.for_user(ana))),
        400,
    )
    assert body["error"].startswith("JSON no válido"), body


def test_a_broken_multipart_body_is_a_spanish_400(client, ana):
    response = client.post(
        "/notas", b"--x\r\nbroken", content_type="multipart/form-data", **bearer(AccessToken.for_user(ana))
    )
    assert assert_spanish_error(response, 400)["error"] == "Formulario multipart no válido."


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/register", {}),
        ("/register", {"username": "bea_es", "password": "123"}),  # Django's password validators
        ("/register", {"username": "ana_es", "password": PASSWORD}),  # taken
        ("/register", {"username": "a b", "password": PASSWORD}),
        ("/login", {}),
        ("/login", {"username": "", "password": ""}),
        ("/token/refresh", {}),
        ("/notas", {}),
        ("/notas", {"cancion": "", "texto": 5}),
        ("/notas", {"cancion": "x" * 201, "texto": "y" * 5001}),
        ("/notas", {"cancion": ["lista"], "foto": "no"}),
        ("/logout", {}),
        ("/logout", {"refresh": "no-es-un-token"}),
    ],
)
def test_invalid_bodies_are_spanish_400s(client, ana, path, body):
    assert_spanish_error(client.post(path, body, format="json", **bearer(AccessToken.for_user(ana))), 400)


def test_invalid_update_and_surrogates_are_spanish(client, ana):
    auth = bearer(AccessToken.for_user(ana))
    created = client.post("/notas", {"cancion": "Bésame mucho"}, format="json", **auth)
    assert created.status_code == 201, created.content
    note = created.json()["nota"]["id"]
    assert_spanish_error(client.patch(f"/notas/{note}", {"cancion": ""}, format="json", **auth), 400)
    assert_spanish_error(client.put(f"/notas/{note}", {}, format="json", **auth), 400)
    surrogate = '{"cancion": "\\ud800"}'
    assert_spanish_error(client.post("/notas", surrogate, content_type="application/json", **auth), 400)


def test_wrong_credentials_are_a_spanish_401(client, ana):
    response = client.post("/login", {"username": "ana_es", "password": "otra"}, format="json")
    assert assert_spanish_error(response, 401)["error"] == (
        "Usuario o contraseña incorrectos, o la cuenta está inactiva."
    )


def _expired_access(user) -> str:
    token = AccessToken.for_user(user)
    token.set_exp(lifetime=-timedelta(minutes=1))
    return str(token)


@pytest.mark.parametrize("path", ["/notas", "/me", "/logout", "/notas/1"])
def test_every_kind_of_bad_access_token_is_a_spanish_401(client, ana, path, django_user_model):
    inactive = django_user_model.objects.create_user(username="ines_es", password=PASSWORD, is_active=False)
    gone = django_user_model.objects.create_user(username="gonzalo_es", password=PASSWORD)
    gone_token = AccessToken.for_user(gone)
    gone.delete()
    headers = [
        {},  # no token
        bearer("no-es-un-jwt"),
        bearer(_expired_access(ana)),
        bearer(RefreshToken.for_user(ana)),  # a refresh token where an access token goes
        bearer(AccessToken.for_user(inactive)),
        bearer(gone_token),
        {"HTTP_AUTHORIZATION": "Bearer"},  # one part
        {"HTTP_AUTHORIZATION": "Bearer a b"},  # three parts
    ]
    method = client.post if path == "/logout" else client.get
    for header in headers:
        assert_spanish_error(method(path, **header), 401)


def test_refresh_tokens_expired_blacklisted_or_of_a_missing_user_are_spanish_401s(client, ana, make_user):
    used = RefreshToken.for_user(ana)
    rotated = client.post("/token/refresh", {"refresh": str(used)}, format="json")
    assert rotated.status_code == 200, rotated.content
    blacklisted = assert_spanish_error(
        client.post("/token/refresh", {"refresh": str(used)}, format="json"), 401
    )
    assert "lista negra" in blacklisted["error"], blacklisted

    expired = RefreshToken.for_user(ana)
    expired.set_exp(lifetime=-timedelta(minutes=1))
    assert_spanish_error(client.post("/token/refresh", {"refresh": str(expired)}, format="json"), 401)
    assert_spanish_error(
        client.post("/token/refresh", {"refresh": str(AccessToken.for_user(ana))}, format="json"), 401
    )
    assert_spanish_error(client.post("/token/refresh", {"refresh": "x.y.z"}, format="json"), 401)
    gone = make_user("gone_refresh")
    gone_refresh = RefreshToken.for_user(gone)
    gone.delete()
    assert_spanish_error(client.post("/token/refresh", {"refresh": str(gone_refresh)}, format="json"), 401)


def test_a_session_post_without_csrf_is_a_spanish_403(ana):
    client = APIClient(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(ana)
    body = assert_spanish_error(client.post("/notas", {"cancion": "Imagine"}, format="json"), 403)
    assert body["error"].startswith("Comprobación CSRF fallida"), body


def test_not_found_method_media_type_accept_and_size_errors_are_spanish(client, ana):
    auth = bearer(AccessToken.for_user(ana))
    assert_spanish_error(client.get("/notas/999999", **auth), 404)
    assert_spanish_error(client.get("/no-existe", **auth), 404)
    assert_spanish_error(client.get("/notas/abc", **auth), 404)
    for method, path in [("delete", "/login"), ("put", "/register"), ("post", "/me"), ("patch", "/health"),
                         ("delete", "/notas"), ("post", "/notas/1"), ("get", "/logout")]:  # fmt: skip
        assert_spanish_error(getattr(client, method)(path, **auth), 405)
    assert_spanish_error(client.post("/login", "ana", content_type="text/plain"), 415)
    assert_spanish_error(client.post("/notas", "<a/>", content_type="application/xml", **auth), 415)
    assert_spanish_error(client.get("/me", HTTP_ACCEPT="application/xml", **auth), 406)
    assert_spanish_error(client.get("/notas", HTTP_ACCEPT="text/csv", **auth), 406)
    too_big = settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1
    assert_spanish_error(
        client.post("/notas", "{}", content_type="application/json", CONTENT_LENGTH=str(too_big)), 413
    )


MISSING_ID = "999999"


def _missing_path(route: str) -> str:
    """A path under ``route`` that names nothing: a missing id for each parameter, or an unknown
    segment after a route that takes none."""
    path = re.sub(r"<[^>]+>|\(\?P<\w+>[^)]*\)", MISSING_ID, route)
    path = path.replace("^", "").replace("$", "").replace("/?", "/")
    return "/" + (path if MISSING_ID in path else path + "no-existe/")


def assert_spanish_404(client, response) -> None:
    """A Spanish JSON 404, or the admin's own answer to a missing object: back to a Spanish page
    that says it does not exist."""
    if response.status_code == 302:
        page = client.get(response["Location"], follow=True)
        text = response_text(page)
        assert page.status_code == 200 and "text/html" in page["Content-Type"], page.status_code
        assert "no existe" in text and english_in(text) == [], (response.request["PATH_INFO"], text[:500])
        return
    body = assert_spanish_error(response, 404)
    assert body["error"] in ("No encontrado.", "Recurso no encontrado."), body


def test_every_route_answers_a_missing_object_or_path_with_a_spanish_404(client, django_user_model):
    """Each route of the URLconf (the API, the landing page, the admin, the API's login pages), with a
    missing id or an unknown segment, asked by a staff member (the admin only shows staff its 404s)."""
    staff = django_user_model.objects.create_superuser("admin_es", "admin@example.com", PASSWORD)
    client.force_login(staff)
    paths = sorted({_missing_path(route) for route, _ in _views(get_resolver())})
    assert {"/notas/999999/", "/admin/notes/note/999999/change/", "/admin/no-existe/"} <= set(paths)
    assert len(paths) >= 40
    for path in paths:
        response = client.get(path)
        if path == "/admin/token_blacklist/outstandingtoken/999999/delete/":
            assert_spanish_error(response, 403)  # SimpleJWT never deletes these: refused before a lookup
        else:
            assert_spanish_404(client, response)


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_a_missing_note_and_someone_elses_are_the_same_spanish_404(client, ana, make_user, method):
    """No leak: another user's note answers exactly as a note that does not exist, whatever the body."""
    others = Note.objects.create(user=make_user("otro_es"), cancion="Bésame mucho", texto="mía")
    missing = Note.objects.order_by("-id").values_list("id", flat=True).first() + 1000
    auth = bearer(AccessToken.for_user(ana))
    for body in ({"cancion": "Imagine", "texto": "cambio"}, {"cancion": 5}):
        answers = []
        for note_id in (missing, others.id):
            response = getattr(client, method)(f"/notas/{note_id}", body, format="json", **auth)
            assert_spanish_404(client, response)
            answers.append((response.status_code, response.content, response["Content-Type"]))
        assert answers[0] == answers[1], answers
    others.refresh_from_db()
    assert (others.cancion, others.texto) == ("Bésame mucho", "mía")


def test_throttled_logins_and_registrations_are_spanish_429s(client, settings):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "login": "1/min", "register": "1/min"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    client.post("/login", {"username": "x", "password": "y"}, format="json")
    assert_spanish_error(client.post("/login", {"username": "x", "password": "y"}, format="json"), 429)
    client.post("/register", {}, format="json")
    assert_spanish_error(client.post("/register", {}, format="json"), 429)


def test_options_answers_name_and_describe_views_in_spanish(client, ana):
    response = client.options("/notas", **bearer(AccessToken.for_user(ana)))
    assert response.status_code == 200
    assert response.json()["name"] == "Tus notas"
    assert english_in(response_text(response)) == []


def test_the_openapi_schema_shows_no_english(client):
    """Its examples are what clients see in /api/docs: the errors as the API answers them."""
    schema = client.get("/api/schema", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200 and english_in(response_text(schema)) == []


def _views(resolver: URLResolver, prefix: str = ""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _views(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def test_every_api_view_has_a_spanish_name():
    """DRF would name a view after its class ("Note List"): each one says its own name."""
    from musica_kit.views import view_name

    checked = 0
    for route, callback in _views(get_resolver()):
        cls = getattr(callback, "cls", None)
        if cls is None or not issubclass(cls, APIView) or cls.__module__.startswith("drf_spectacular"):
            continue
        view = cls(**getattr(callback, "initkwargs", {}))
        view.suffix = (getattr(callback, "initkwargs", None) or {}).get("suffix")
        name = view_name(view)
        assert name != "API de Música", f"{route}: {cls.__name__} has no Spanish name"
        assert re.search(r"[a-záéíóúñ]", name), name
        checked += 1
    assert checked >= 8


def test_the_kit_catalogue_is_compiled_from_its_po():
    """The committed .mo says what the .po says (compile with msgfmt after editing it)."""
    from tests.support.english import po_msgids

    locale = settings.LOCALE_PATHS[0] / "es" / "LC_MESSAGES"
    with (locale / "django.mo").open("rb") as fh:
        catalog = gettext.GNUTranslations(fh)
    for msgid in po_msgids(locale / "django.po"):
        translated = catalog.gettext(msgid)
        assert translated and (translated != msgid or msgid == "jti"), msgid
        assert english_in(translated) == [], (msgid, translated)
