"""The admin, the browsable API and Swagger UI in a real headless Chromium (Debian's package).

auth_service runs under gunicorn with DEBUG off, static files collected into a temporary
STATIC_ROOT and served by whitenoise, exactly as deployed; music_service answers from its offline
catalog, so the covers are SVG images that load with no network at all. Every request the pages
make to a host other than 127.0.0.1 is blocked and recorded: a page that needs a CDN fails.

Screenshots go to test-artifacts/ (git-ignored). With UPDATE_DOCS_SCREENSHOTS=1 the admin list is
also written to docs/img/admin-notas.png, the picture the README shows.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from urllib.parse import urlsplit

import pytest

from tests.support.http import Api
from tests.support.processes import ROOT, auth_process, music_process
from tests.support.tools import CHROMIUM_ARGS, ensure_chromium

ARTIFACTS = ROOT / "test-artifacts"
DOCS_SCREENSHOT = ROOT / "docs" / "img" / "admin-notas.png"
ADMIN_USER, ADMIN_PASSWORD = "admin", "Admin-Canciones-2026"
SONGS = {
    "ana": ["Bohemian Rhapsody", "Corazón partío", "Smells Like Teen Spirit"],
    "bruno": ["Malamente", "La vida es un carnaval", "Billie Jean"],
    ADMIN_USER: ["Ojalá que llueva café", "Here Comes the Sun"],
}
TRANSPARENT = {"rgba(0, 0, 0, 0)", "transparent", ""}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """auth (DEBUG off, collectstatic, whitenoise) + music (offline catalog), with users and notes."""
    logs = tmp_path_factory.mktemp("browser-logs")
    static_root = tmp_path_factory.mktemp("static")
    database = tmp_path_factory.mktemp("browser-db") / "notas.db"
    music = music_process(logs, name="music-offline", DJANGO_DEBUG="0")
    with music:
        auth = auth_process(
            logs,
            name="auth-browser",
            database_url=f"sqlite:///{database}",
            music_url=music.url,
            DJANGO_DEBUG="0",
            DJANGO_STATIC_ROOT=str(static_root),
        )
        auth.manage("collectstatic", "--noinput", "-v", "0")
        subprocess.run(
            [sys.executable, "manage.py", "createsuperuser", "--noinput", "-v", "0"],
            cwd=auth.cwd,
            env={
                **auth.env,
                "DJANGO_SUPERUSER_USERNAME": ADMIN_USER,
                "DJANGO_SUPERUSER_PASSWORD": ADMIN_PASSWORD,
                "DJANGO_SUPERUSER_EMAIL": "admin@example.com",
            },
            check=True,
            capture_output=True,
            timeout=120,
        )
        with auth:
            api = Api(auth.url)
            for username, songs in SONGS.items():
                if username == ADMIN_USER:
                    tokens = api.post("/login", json={"username": ADMIN_USER, "password": ADMIN_PASSWORD})
                    user = Api(auth.url, token=tokens.json()["access"])
                else:
                    user = api.register_and_login(username)
                for song in songs:
                    created = user.post("/notas", json={"cancion": song, "texto": f"Nota sobre {song}"})
                    assert created.status_code == 201, created.text
                    assert created.json()["nota"]["enriquecimiento"] == "ok", created.text
            yield auth


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    chromium = ensure_chromium()  # Debian's package; Playwright never downloads a browser here
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Page:
    """A fresh browser context whose requests are watched: anything not for 127.0.0.1 is aborted."""

    def __init__(self, browser, base_url: str):
        self.context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="es-ES")
        self.page = self.context.new_page()
        self.base_url = base_url
        self.elsewhere: list[str] = []
        self.responses: dict[str, int] = {}
        self.context.route("**/*", self._route)
        self.page.on("response", lambda response: self.responses.__setitem__(response.url, response.status))

    def _route(self, route):
        url = route.request.url
        if url.startswith("data:") or urlsplit(url).hostname == "127.0.0.1":
            route.continue_()
        else:
            self.elsewhere.append(url)
            route.abort()

    def goto(self, path: str):
        response = self.page.goto(self.base_url + path, wait_until="load")
        assert response is not None and response.status == 200, (path, response and response.status)
        return response

    def static_statuses(self, prefix: str = "/static/") -> dict[str, int]:
        return {
            url: status for url, status in self.responses.items() if urlsplit(url).path.startswith(prefix)
        }

    def screenshot(self, name: str, *, full_page: bool = True):
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / name
        self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def close(self):
        self.context.close()


@pytest.fixture
def page(browser, site):
    watched = Page(browser, site.url)
    yield watched
    watched.close()


def _css(page, selector: str, prop: str) -> str:
    return page.page.eval_on_selector(selector, f"e => getComputedStyle(e).getPropertyValue('{prop}')")


def test_admin_notes_list_shows_loaded_covers_with_the_admin_css(page):
    page.goto("/admin/")
    page.page.fill("#id_username", ADMIN_USER)
    page.page.fill("#id_password", ADMIN_PASSWORD)
    page.page.click("input[type=submit]")
    page.page.wait_for_url("**/admin/")
    page.goto("/admin/notes/note/")

    covers = page.page.locator("img.cover-thumb")
    expected = sum(len(songs) for songs in SONGS.values())
    assert covers.count() == expected
    widths = page.page.eval_on_selector_all(
        "img.cover-thumb", "imgs => imgs.map(i => [i.complete, i.naturalWidth, i.naturalHeight])"
    )
    assert all(complete and width > 0 and height > 0 for complete, width, height in widths), widths
    assert page.page.locator("#result_list tbody tr").count() == expected
    for songs in SONGS.values():
        for song in songs:
            assert page.page.locator("#result_list").get_by_text(song, exact=True).count() == 1, song

    # The admin's own stylesheet is applied: a coloured header and the changelist layout.
    assert _css(page, "#header", "background-color") not in TRANSPARENT
    assert _css(page, "#header", "display") == "flex"
    assert _css(page, "#changelist-filter", "background-color") not in TRANSPARENT
    css = page.static_statuses("/static/admin/css/")
    assert css and set(css.values()) == {200}, css
    assert page.elsewhere == []

    shot = page.screenshot("admin-notas.png", full_page=False)
    assert shot.stat().st_size > 10_000
    if os.environ.get("UPDATE_DOCS_SCREENSHOTS") == "1":
        DOCS_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, DOCS_SCREENSHOT)


def test_browsable_api_lists_my_notes_with_its_css(page):
    page.goto("/api-auth/login/?next=/notas")
    page.page.fill("#id_username", "ana")
    page.page.fill("#id_password", "Canciones-2026")
    page.page.click("[type=submit]")
    page.page.wait_for_url("**/notas")

    assert page.page.title() == "Tus notas – API de Música"
    body = page.page.locator(".response-info pre").inner_text()
    for song in SONGS["ana"]:
        assert song in body
    for song in SONGS["bruno"]:
        assert song not in body  # only the owner's notes
    assert '"count": 3' in body
    # Bootstrap (DRF's static files, served by whitenoise) is applied: a dark navbar, styled buttons.
    assert _css(page, ".navbar", "background-color") not in TRANSPARENT
    assert page.page.locator("form button.btn-primary").count() >= 1
    statuses = page.static_statuses("/static/rest_framework/")
    assert statuses and set(statuses.values()) == {200}, statuses
    assert page.elsewhere == []
    page.screenshot("api-notas.png")


def test_swagger_ui_renders_offline_from_the_sidecar(page):
    page.goto("/api/docs")
    page.page.wait_for_selector(".swagger-ui .info .title", timeout=20_000)
    page.page.wait_for_selector(".opblock", timeout=20_000)

    assert "Música" in page.page.locator(".swagger-ui .info .title").inner_text()
    paths = page.page.eval_on_selector_all(".opblock-summary-path", "els => els.map(e => e.dataset.path)")
    assert {"/notas", "/notas/{id}", "/login", "/register", "/token/refresh"} <= set(paths)
    sidecar = page.static_statuses("/static/drf_spectacular_sidecar/swagger-ui-dist/")
    assert any(url.endswith(".js") for url in sidecar), sidecar
    assert any(url.endswith(".css") for url in sidecar), sidecar
    assert set(sidecar.values()) == {200}, sidecar
    assert page.elsewhere == [], page.elsewhere  # nothing from a CDN, no validator badge
    page.screenshot("swagger-ui.png")


def test_redoc_renders_offline_from_the_sidecar(page):
    page.goto("/api/redoc")
    page.page.wait_for_selector(".api-content h1", timeout=30_000)
    assert "Música" in page.page.locator(".api-content h1").first.inner_text()
    sidecar = page.static_statuses("/static/drf_spectacular_sidecar/redoc/")
    assert sidecar and set(sidecar.values()) == {200}, sidecar
    assert page.elsewhere == [], page.elsewhere
    page.screenshot("redoc.png", full_page=False)
