"""Every HTML page a person reaches is Spanish, even when the browser asks for English (DEBUG off):
checked against the English of DRF, SimpleJWT and Django (tests/support/english.py) and the project's
former English. Swagger UI and ReDoc only as served (what their JavaScript draws may stay English)."""

from __future__ import annotations

import re

import pytest
import requests

from tests.e2e.helpers import csrf_token, sqlite_auth
from tests.support.english import english_in, visible_text
from tests.support.http import Api
from tests.support.processes import music_process

ADMIN, ADMIN_PASSWORD = "admin_es", "Admin-Canciones-2026"
ENGLISH = {"Accept-Language": "en-US,en;q=0.9", "Accept": "text/html"}
# The project's own English, before issue 12: not in any library catalogue.
PROJECT_ENGLISH = re.compile(
    r"Note List|Note Instance|Enrich attempts|Next enrich at|Idempotency key|Response body|"
    r"Created at|Expires at|Blacklisted at|Can add|Can change|Can delete|Can view|"
    r"Administración de Django|Sitio de administración de Django|\bUSER\b|Django REST framework",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    logs = tmp_path_factory.mktemp("spanish-logs")
    with music_process(logs, name="music-es", DJANGO_DEBUG="0") as music:
        auth = sqlite_auth(logs, logs, music.url, "auth-es", DJANGO_DEBUG="0")
        superuser = {"USERNAME": ADMIN, "PASSWORD": ADMIN_PASSWORD, "EMAIL": "admin@example.com"}
        auth.env.update({f"DJANGO_SUPERUSER_{key}": value for key, value in superuser.items()})
        auth.manage("createsuperuser", "--noinput", "-v", "0")
        with auth:
            user = Api(auth.url).register_and_login("lola_es")
            note = user.post("/notas", json={"cancion": "Bésame mucho", "texto": "La de siempre"})
            assert note.status_code == 201, note.text
            # A used refresh token: the blacklist has a row to list.
            assert user.post("/logout", json={"refresh": user.refresh_token}).status_code == 204
            auth.note_id = note.json()["nota"]["id"]
            auth.music = music
            yield auth


def assert_spanish_page(response: requests.Response, status: int = 200) -> str:
    assert response.status_code == status, (response.url, response.status_code, response.text[:300])
    assert "text/html" in response.headers["Content-Type"], (response.url, response.headers["Content-Type"])
    text = visible_text(response.text)
    assert english_in(text) == [], (response.url, english_in(text))
    assert PROJECT_ENGLISH.findall(text) == [], (response.url, PROJECT_ENGLISH.findall(text))
    return text


class English(requests.Session):
    """A browser asking for English."""

    def __init__(self, site):
        super().__init__()
        self.headers.update(ENGLISH)
        self.site = site

    def page(self, path: str, status: int = 200, **headers) -> str:
        return assert_spanish_page(self.get(self.site.url + path, headers=headers, timeout=10), status)

    def login(self, path: str, username: str, password: str, **extra) -> requests.Response:
        url = self.site.url + path
        token = csrf_token(self.get(url, timeout=10).text)
        data = {"csrfmiddlewaretoken": token, "username": username, "password": password, **extra}
        return self.post(url, data=data, timeout=10, headers={"Referer": url})


def test_admin_pages_are_spanish(site):
    browser = English(site)
    assert "Música · administración" in browser.page("/admin/login/")
    wrong = browser.login("/admin/login/", ADMIN, "mala")
    assert "contraseña" in assert_spanish_page(wrong).lower()
    assert browser.login("/admin/login/", ADMIN, ADMIN_PASSWORD, next="/admin/").url.endswith("/admin/")

    index = browser.page("/admin/")
    assert "Música · administración" in index and "Lista negra de tokens" in index
    for path in [
        "/admin/notes/note/", f"/admin/notes/note/{site.note_id}/change/", "/admin/notes/note/add/",
        "/admin/accounts/user/", "/admin/accounts/user/add/", "/admin/auth/group/", "/admin/auth/group/add/",
        *(f"/admin/token_blacklist/{model}/{page}" for model in ("outstandingtoken", "blacklistedtoken")
          for page in ("", "1/change/")),
        "/admin/password_change/", "/admin/notes/note/999999/change/",  # a missing note: the index, saying so
    ]:  # fmt: skip
        browser.page(path)
    without_csrf = English(site).post(
        site.url + "/admin/login/", data={"username": ADMIN, "password": "x"}, timeout=10
    )
    assert_spanish_page(without_csrf, 403)
    notes = browser.get(site.url + "/admin/notes/note/", timeout=10).text
    headers = [visible_text(th) for th in re.findall(r"<th[^>]*scope=\"col\".*?</th>", notes, re.DOTALL)]
    assert any(h.strip().lower() == "usuario" for h in headers), headers


def test_browsable_api_pages_are_spanish(site):
    browser = English(site)
    assert "Iniciar sesión" in browser.page("/notas", 401)
    assert "Iniciar sesión" in browser.page("/api-auth/login/?next=/notas")
    assert_spanish_page(browser.login("/api-auth/login/", "lola_es", "mala", next="/notas"))
    done = browser.login("/api-auth/login/", "lola_es", "Canciones-2026", next="/notas")
    assert done.url.endswith("/notas"), done.url

    notes = browser.get(site.url + "/notas", timeout=10)
    text = assert_spanish_page(notes)
    assert re.search(r"<title>\s*Tus notas – API de Música\s*</title>", notes.text), notes.text[:500]
    assert '<html lang="es">' in notes.text
    for phrase in ("Tus notas", "Formulario HTML", "Datos en bruto", "Cerrar sesión", "HTTP 200 Correcto"):
        assert phrase in text, phrase
    note = browser.page(f"/notas/{site.note_id}")
    assert "Nota" in note and "Borrar" in note
    pages = {"/me": 200, "/logout": 405, "/register": 405, "/login": 405, "/token/refresh": 405,
             "/notas?page=9": 404, "/notas/999999": 404}  # fmt: skip
    for path, status in pages.items():
        browser.page(path, status)
    form = {"texto": "sin canción", "csrfmiddlewaretoken": csrf_token(notes.text)}
    refused = browser.post(
        site.url + "/notas", data=form, headers={"Referer": site.url + "/notas"}, timeout=10
    )
    assert "Canción" in assert_spanish_page(refused, 400)


def test_docs_pages_and_music_pages_are_spanish(site):
    browser, music = English(site), English(site.music)
    token = site.music.service_auth  # music is internal: every page but /health needs the service token
    for path in ("/api/docs", "/api/redoc"):
        browser.page(path)
        music.page(path, **token)
    assert "Buscar canciones" in music.page("/search?q=Imagine", **token)
    music.page("/search", 400, **token)
    music.page("/health")
