"""The admin, the browsable API and Swagger UI in a real headless Chromium (Debian's package).

auth_service runs under gunicorn with DEBUG off, static files collected into a temporary
STATIC_ROOT and served by whitenoise, exactly as deployed; music_service answers from its offline
catalog, so the covers are SVG images that load with no network at all. Every request the pages
make to a host other than 127.0.0.1 is blocked and recorded: a page that needs a CDN fails.

Every page is also held to its Content-Security-Policy: each HTML response must carry one with no
'unsafe-eval' and no inline script allowed without a nonce or hash, and the browser must report no
violation of it (``securitypolicyviolation`` events, CSP console messages, uncaught errors such as a
blocked eval) while the page loads and renders. music_service's Swagger UI, ReDoc and browsable API
are checked the same way (with its service token set, as deployed).

Screenshots go to test-artifacts/ (git-ignored). With UPDATE_DOCS_SCREENSHOTS=1 the admin list, the
landing page, its sign-up form and a note whose cover came from Deezer (the keyless double) are also
written to docs/img/admin-notas.png, docs/img/inicio.png, docs/img/registro.png and
docs/img/nota-deezer.png, the pictures the README shows.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
from urllib.parse import urlsplit

import pytest

from tests.keyless_double.server import KeylessDouble, recorded
from tests.support.csp import assert_strict_policy
from tests.support.http import Api
from tests.support.processes import ROOT, auth_process, music_process
from tests.support.tools import CHROMIUM_ARGS, find_chromium

ARTIFACTS = ROOT / "test-artifacts"
DOCS_SCREENSHOT = ROOT / "docs" / "img" / "admin-notas.png"
LANDING_SCREENSHOT = ROOT / "docs" / "img" / "inicio.png"
SIGNUP_SCREENSHOT = ROOT / "docs" / "img" / "registro.png"
DEEZER_SCREENSHOT = ROOT / "docs" / "img" / "nota-deezer.png"
DEEZER_TRACK = recorded()["deezer"]["search"]["answer"]["data"][0]
ADMIN_USER, ADMIN_PASSWORD = "admin", "Admin-Canciones-2026"
SONGS = {
    "ana": ["Bohemian Rhapsody", "Corazón partío", "Smells Like Teen Spirit"],
    "bruno": ["Malamente", "La vida es un carnaval", "Billie Jean"],
    ADMIN_USER: ["Ojalá que llueva café", "Here Comes the Sun"],
}
TRANSPARENT = {"rgba(0, 0, 0, 0)", "transparent", ""}
MUSIC_TOKEN = secrets.token_urlsafe(32)

# Runs in every document before its own scripts (Playwright injects it outside the page's CSP) and
# hands each violation to Python, so none is lost when a form submission loads the next page.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => window.__reportCspViolation({
  page: document.location.href, directive: e.violatedDirective, blocked: e.blockedURI,
  sample: e.sample, source: e.sourceFile + ":" + e.lineNumber,
}));
"""


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
def music_site(tmp_path_factory):
    """music_service as deployed for its docs pages: DEBUG off, static files collected, a service token."""
    logs = tmp_path_factory.mktemp("browser-music-logs")
    static_root = tmp_path_factory.mktemp("music-static")
    music = music_process(
        logs,
        name="music-docs",
        DJANGO_DEBUG="0",
        DJANGO_STATIC_ROOT=str(static_root),
        MUSIC_SERVICE_TOKEN=MUSIC_TOKEN,
    )
    music.manage("collectstatic", "--noinput", "-v", "0")
    with music:
        yield music


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    chromium = find_chromium()  # Debian's package, installed by scripts/test; Playwright downloads none
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Page:
    """A fresh browser context whose requests are watched: anything not for 127.0.0.1 is aborted."""

    def __init__(self, browser, base_url: str, *, headers: dict[str, str] | None = None):
        self.context = browser.new_context(
            viewport={"width": 1440, "height": 900}, locale="es-ES", extra_http_headers=headers
        )
        self.base_url = base_url
        self.elsewhere: list[str] = []
        self.responses: dict[str, int] = {}
        self.violations: list[dict] = []
        self.console: list[str] = []
        self.errors: list[str] = []
        self.documents: list[tuple[str, str | None]] = []  # every page loaded, with its policy
        self.context.expose_function(
            "__reportCspViolation", lambda violation: self.violations.append(violation)
        )
        self.context.add_init_script(REPORT_CSP_VIOLATIONS)
        self.page = self.context.new_page()
        self.context.route("**/*", self._route)
        self.page.on("response", self._response)
        self.page.on("console", lambda message: self.console.append(f"{message.type}: {message.text}"))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _route(self, route):
        url = route.request.url
        if url.startswith("data:") or urlsplit(url).hostname == "127.0.0.1":
            route.continue_()
        else:
            self.elsewhere.append(url)
            route.abort()

    def _response(self, response):
        self.responses[response.url] = response.status
        if response.request.resource_type == "document" and response.status == 200:
            self.documents.append((response.url, response.headers.get("content-security-policy")))

    def goto(self, path: str):
        response = self.page.goto(self.base_url + path, wait_until="load")
        assert response is not None and response.status == 200, (path, response and response.status)
        assert_strict_policy(response.headers.get("content-security-policy"), path)
        return response

    def assert_no_csp_violation(self):
        """Nothing the policy blocked, said so in the console, or broke (a refused eval throws)."""
        self.page.wait_for_timeout(300)  # violation events are queued tasks: let the last ones land
        assert self.documents, "no page loaded"
        for url, policy in self.documents:
            assert_strict_policy(policy, url)
        assert self.violations == [], "\n".join(map(str, self.violations))
        assert [m for m in self.console if "Content Security Policy" in m] == [], self.console
        assert self.errors == [], self.errors

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


@pytest.fixture
def music_page(browser, music_site):
    watched = Page(browser, music_site.url, headers={"Authorization": f"Bearer {MUSIC_TOKEN}"})
    yield watched
    watched.close()


def _css(page, selector: str, prop: str) -> str:
    return page.page.eval_on_selector(selector, f"e => getComputedStyle(e).getPropertyValue('{prop}')")


def test_admin_notes_list_shows_loaded_covers_with_the_admin_css(page):
    page.goto("/admin/")
    page.assert_no_csp_violation()  # the login form
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
    page.assert_no_csp_violation()

    shot = page.screenshot("admin-notas.png", full_page=False)
    assert shot.stat().st_size > 10_000
    if os.environ.get("UPDATE_DOCS_SCREENSHOTS") == "1":
        DOCS_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, DOCS_SCREENSHOT)


def test_browsable_api_lists_my_notes_with_its_css(page):
    page.goto("/api-auth/login/?next=/notas")
    page.assert_no_csp_violation()  # DRF's login page
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
    page.assert_no_csp_violation()
    page.screenshot("api-notas.png")

    # "Cerrar sesión" is a plain form (the kit's base.html, no inline handler): it must still work.
    with page.page.expect_navigation(timeout=10_000):
        page.page.click(".navbar button:has-text('Cerrar sesión')")
    assert page.page.locator(".navbar").get_by_text("Iniciar sesión").count() == 1
    page.assert_no_csp_violation()


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
    page.assert_no_csp_violation()
    page.screenshot("swagger-ui.png")


def test_redoc_renders_offline_from_the_sidecar(page):
    page.goto("/api/redoc")
    page.page.wait_for_selector(".api-content h1", timeout=30_000)
    assert "Música" in page.page.locator(".api-content h1").first.inner_text()
    sidecar = page.static_statuses("/static/drf_spectacular_sidecar/redoc/")
    assert sidecar and set(sidecar.values()) == {200}, sidecar
    assert page.elsewhere == [], page.elsewhere
    page.assert_no_csp_violation()
    page.screenshot("redoc.png", full_page=False)


def test_music_swagger_ui_renders_under_its_policy(music_page):
    music_page.goto("/api/docs")
    music_page.page.wait_for_selector(".swagger-ui .info .title", timeout=20_000)
    music_page.page.wait_for_selector(".opblock", timeout=20_000)
    assert "music_service" in music_page.page.locator(".swagger-ui .info .title").inner_text()
    paths = music_page.page.eval_on_selector_all(".opblock-summary-path", "es => es.map(e => e.dataset.path)")
    assert "/search" in paths
    music_page.page.click(".opblock-summary-path[data-path='/search']")  # expand it: more to render
    music_page.page.wait_for_selector(".opblock-body", timeout=10_000)
    assert music_page.elsewhere == [], music_page.elsewhere
    music_page.assert_no_csp_violation()
    music_page.screenshot("music-swagger-ui.png")


def test_music_redoc_renders_under_its_policy(music_page):
    music_page.goto("/api/redoc")
    music_page.page.wait_for_selector(".api-content h1", timeout=30_000)
    assert "music_service" in music_page.page.locator(".api-content h1").first.inner_text()
    assert music_page.elsewhere == [], music_page.elsewhere
    music_page.assert_no_csp_violation()
    music_page.screenshot("music-redoc.png", full_page=False)


def test_music_browsable_api_renders_under_its_policy(music_page):
    music_page.goto("/search?q=Malamente")
    assert "API de Música" in music_page.page.title()
    assert "Malamente" in music_page.page.locator(".response-info pre").inner_text()
    assert _css(music_page, ".navbar", "background-color") not in TRANSPARENT
    assert music_page.elsewhere == [], music_page.elsewhere
    music_page.assert_no_csp_violation()


def _images_loaded(page, selector: str) -> list:
    return page.page.eval_on_selector_all(
        selector, "imgs => imgs.map(i => [i.complete, i.naturalWidth, i.naturalHeight])"
    )


def test_browsable_api_shows_each_cover_as_an_image_and_texto_as_a_textarea(page, site):
    page.goto("/api-auth/login/?next=/notas")
    page.page.fill("#id_username", "bruno")
    page.page.fill("#id_password", "Canciones-2026")
    page.page.click("[type=submit]")
    page.page.wait_for_url("**/notas")

    covers = _images_loaded(page, ".response-info pre .portada img")
    assert len(covers) == len(SONGS["bruno"])
    assert all(complete and width > 0 and height > 0 for complete, width, height in covers), covers
    # Nothing runs off the page: the response panel has no horizontal scroll.
    scroll, client = page.page.eval_on_selector(".response-info pre", "p => [p.scrollWidth, p.clientWidth]")
    assert scroll <= client, (scroll, client)
    # The JSON is still highlighted and still whole (each data: URI only cut on screen).
    assert page.page.locator(".response-info pre span.str").count() > 0
    text = page.page.eval_on_selector(".response-info pre", "p => p.textContent")
    shown = json.loads(text.split("\n\n", 1)[1])
    tokens = Api(site.url).post("/login", json={"username": "bruno", "password": "Canciones-2026"}).json()
    listed = Api(site.url, token=tokens["access"]).get("/notas").json()
    assert [n["foto"] for n in shown["results"]] == [n["foto"] for n in listed["results"]]
    assert all(n["foto"].startswith("data:image/svg+xml;base64,") for n in shown["results"])

    assert page.page.locator("#post-object-form textarea[name=texto]").count() == 1
    assert page.page.locator("#post-object-form [name=foto]").count() == 0
    statuses = page.static_statuses("/static/musica_kit/")
    assert len(statuses) == 2 and set(statuses.values()) == {200}, statuses
    assert page.elsewhere == []
    page.assert_no_csp_violation()
    page.screenshot("api-notas-portadas.png")


def test_admin_change_page_previews_the_cover_and_dates_fit_on_one_line(page):
    page.goto("/admin/login/?next=/admin/notes/note/")
    page.page.fill("#id_username", ADMIN_USER)
    page.page.fill("#id_password", ADMIN_PASSWORD)
    page.page.click("input[type=submit]")
    page.page.wait_for_url("**/admin/notes/note/")
    assert page.page.locator("#site-name").inner_text() == "Música · administración"

    dates = page.page.eval_on_selector_all(
        "td.field-creada_corta",
        """cells => cells.map(c => {
            const range = document.createRange();
            range.selectNodeContents(c);
            return [c.textContent, range.getClientRects().length, c.scrollWidth <= c.clientWidth];
        })""",
    )
    assert len(dates) == sum(len(songs) for songs in SONGS.values())
    for text, lines, fits in dates:
        assert re.fullmatch(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", text), text
        assert lines == 1 and fits, (text, lines, fits)

    page.page.locator("#result_list tbody tr th a").first.click()
    page.page.wait_for_url("**/change/")
    preview = _images_loaded(page, ".field-portada_grande img")
    assert len(preview) == 1 and preview[0][0] and preview[0][1] > 0, preview
    assert page.page.locator("[name=foto]").count() == 0  # no raw data: URI in a text box
    assert page.elsewhere == []
    page.assert_no_csp_violation()
    page.screenshot("admin-nota.png")


def test_landing_page_logs_in_adds_a_note_through_the_form_and_shows_its_cover(page, site):
    carla = Api(site.url).register_and_login("carla")
    try:
        for song in ("Bohemian Rhapsody", "Malamente"):
            created = carla.post("/notas", json={"cancion": song, "texto": f"Nota sobre {song}"})
            assert created.status_code == 201, created.text
        _check_landing_page(page, site)
    finally:  # the other tests count every note of the site
        for note in carla.get("/notas").json()["results"]:
            carla.request("DELETE", f"/notas/{note['id']}")


def _check_landing_page(page, site):
    page.goto("/")
    assert page.page.title() == "Música · notas sobre canciones"
    links = page.page.eval_on_selector_all(".enlaces a", "links => links.map(a => a.getAttribute('href'))")
    assert links == ["/notas", "/api/docs", "/api/redoc", "/admin/"]
    assert _css(page, ".cabecera", "display") == "flex"  # its own stylesheet is applied
    assert page.page.locator("#id_cancion").count() == 0
    page.assert_no_csp_violation()

    page.page.click(".sesion a")  # "Iniciar sesión": DRF's session login, back to /
    page.page.wait_for_url("**/api-auth/login/?next=/")
    page.page.fill("#id_username", "carla")
    page.page.fill("#id_password", "Canciones-2026")
    page.page.click("[type=submit]")
    page.page.wait_for_url(site.url + "/")
    assert "Hola, carla" in page.page.locator(".sesion").inner_text()
    assert page.page.locator(".lista-notas .nota").count() == 2

    page.page.fill("#id_cancion", "La Bamba")
    page.page.fill("#id_texto", "Para bailar la bamba se necesita una poca de gracia.")
    with page.page.expect_navigation(timeout=15_000):
        page.page.click(".formulario button[type=submit]")
    assert page.page.url == site.url + "/"
    assert page.page.locator(".aviso-success").inner_text() == "Guardado con éxito"
    notes = page.page.locator(".lista-notas .nota")
    assert notes.count() == 3
    newest = notes.first
    assert newest.locator("h3").inner_text() == "La Bamba"
    assert "Ritchie Valens" in newest.locator(".encontrada").inner_text()
    covers = _images_loaded(page, ".lista-notas img.portada")
    assert len(covers) == 3
    assert all(complete and width > 0 and height > 0 for complete, width, height in covers), covers
    statuses = page.static_statuses("/static/notes/")
    assert statuses and set(statuses.values()) == {200}, statuses
    assert page.elsewhere == []
    page.assert_no_csp_violation()
    assert [m for m in page.console if m.startswith("error")] == [], page.console

    shot = page.screenshot("inicio.png")
    assert shot.stat().st_size > 10_000
    if os.environ.get("UPDATE_DOCS_SCREENSHOTS") == "1":
        LANDING_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, LANDING_SCREENSHOT)

    with page.page.expect_navigation(timeout=10_000):
        page.page.click(".sesion button")  # "Cerrar sesión": a POST with the CSRF token
    assert page.page.url == site.url + "/"
    assert page.page.locator(".sesion a").inner_text() == "Iniciar sesión"
    page.assert_no_csp_violation()


def test_a_person_signs_up_on_the_landing_page_adds_a_note_with_its_cover_and_deletes_it(page, site):
    page.goto("/")
    form = page.page.locator(".invitacion form")
    assert form.get_attribute("action") == "/registro"
    page.page.fill("#id_username", "elena")
    page.page.fill("#id_password", "Canciones-2026")
    page.page.fill("#id_password2", "Canciones-2026")
    page.page.locator("#id_password2").blur()  # no focus ring in the picture
    page.assert_no_csp_violation()
    shot = ARTIFACTS / "registro.png"
    ARTIFACTS.mkdir(exist_ok=True)
    page.page.locator(".invitacion").screenshot(path=str(shot))
    assert shot.stat().st_size > 5_000
    if os.environ.get("UPDATE_DOCS_SCREENSHOTS") == "1":
        SIGNUP_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, SIGNUP_SCREENSHOT)

    # A weak password first: the page says why in Spanish and keeps the name.
    page.page.fill("#id_password", "12345678")
    page.page.fill("#id_password2", "12345678")
    with page.page.expect_navigation(timeout=15_000):
        page.page.click(".invitacion button[type=submit]")
    assert "Esta contraseña es demasiado común." in page.page.locator("#error_password").inner_text()
    assert page.page.input_value("#id_username") == "elena"
    page.page.fill("#id_password", "Canciones-2026")
    page.page.fill("#id_password2", "Canciones-2026")
    with page.page.expect_navigation(timeout=15_000):
        page.page.click(".invitacion button[type=submit]")

    assert page.page.url == site.url + "/"
    assert "Hola, elena" in page.page.locator(".sesion").inner_text()  # logged in: a session
    assert "Cuenta creada" in page.page.locator(".aviso-success").inner_text()
    assert page.page.locator(".lista-notas .nota").count() == 0
    tokens = Api(site.url).post("/login", json={"username": "elena", "password": "Canciones-2026"})
    assert tokens.status_code == 200, tokens.text  # the same account the API knows

    page.page.fill("#id_cancion", "Bésame mucho")
    with page.page.expect_navigation(timeout=15_000):
        page.page.click(".nueva button[type=submit]")
    note = page.page.locator(".lista-notas .nota")
    assert note.count() == 1 and note.locator("h3").inner_text() == "Bésame mucho"
    covers = _images_loaded(page, ".lista-notas img.portada")
    assert len(covers) == 1 and covers[0][0] and covers[0][1] > 0, covers

    with page.page.expect_navigation(timeout=15_000):
        note.get_by_role("button", name="Borrar la nota «Bésame mucho»").click()
    assert page.page.locator(".aviso-success").inner_text() == "Nota borrada."
    assert page.page.locator(".lista-notas .nota").count() == 0
    listed = Api(site.url, token=tokens.json()["access"]).get("/notas").json()
    assert listed["count"] == 0
    assert page.elsewhere == []
    page.assert_no_csp_violation()


@pytest.fixture(scope="module")
def keyless_site(tmp_path_factory):
    """No Spotify keys: music's chain is deezer,itunes,offline, with Deezer and iTunes played by doubles."""
    logs = tmp_path_factory.mktemp("browser-keyless-logs")
    static_root = tmp_path_factory.mktemp("keyless-static")
    database = tmp_path_factory.mktemp("browser-keyless-db") / "notas.db"
    with KeylessDouble().start() as doubles:
        music = music_process(
            logs,
            name="music-keyless-browser",
            MUSIC_PROVIDERS="deezer,itunes,offline",
            DEEZER_API_URL=doubles.deezer_url,
            ITUNES_API_URL=doubles.itunes_url,
        )
        with music:
            auth = auth_process(
                logs,
                name="auth-keyless-browser",
                database_url=f"sqlite:///{database}",
                music_url=music.url,
                DJANGO_STATIC_ROOT=str(static_root),
            )
            auth.manage("collectstatic", "--noinput", "-v", "0")
            with auth:
                yield auth


# What the browser gets for a cover on Deezer's CDN, which this machine cannot reach: a picture of our
# own, answered for that very URL, so the page is checked (and photographed) as it is with the real one.
STAND_IN_COVER = """<svg xmlns="http://www.w3.org/2000/svg" width="500" height="500" viewBox="0 0 500 500">
<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#a23b72"/>
<stop offset="1" stop-color="#2e86ab"/></linearGradient></defs><rect width="500" height="500" fill="url(#g)"/>
<circle cx="250" cy="230" r="120" fill="none" stroke="#fff" stroke-width="14" opacity=".8"/>
<text x="250" y="440" font-family="Helvetica,Arial,sans-serif" font-size="40" fill="#fff"
text-anchor="middle">Lou Doillon</text></svg>"""


def test_a_cover_from_deezer_shows_on_the_landing_page(browser, keyless_site):
    Api(keyless_site.url).register_and_login("dora")
    page = Page(browser, keyless_site.url)
    covers_asked: list[str] = []

    def deezer_cdn(route):
        covers_asked.append(route.request.url)
        route.fulfill(status=200, content_type="image/svg+xml", body=STAND_IN_COVER)

    page.context.route("https://*.dzcdn.net/**", deezer_cdn)  # runs before the catch-all (newer first)
    try:
        page.goto("/api-auth/login/?next=/")
        page.page.fill("#id_username", "dora")
        page.page.fill("#id_password", "Canciones-2026")
        page.page.click("[type=submit]")
        page.page.wait_for_url(keyless_site.url + "/")
        page.page.fill("#id_cancion", "Too much Lou Doillon")
        page.page.fill("#id_texto", "Sin claves de Spotify: la portada llega de Deezer.")
        with page.page.expect_navigation(timeout=15_000):
            page.page.click(".formulario button[type=submit]")

        newest = page.page.locator(".lista-notas .nota").first
        assert newest.locator("img.portada").get_attribute("src") == DEEZER_TRACK["album"]["cover_xl"]
        assert newest.locator(".fuente").inner_text() == "deezer"
        assert DEEZER_TRACK["artist"]["name"] in newest.locator(".encontrada").inner_text()
        loaded = _images_loaded(page, ".lista-notas img.portada")
        assert loaded == [[True, 500, 500]], loaded
        assert covers_asked == [DEEZER_TRACK["album"]["cover_xl"]]  # the policy let the browser ask for it
        assert page.elsewhere == []
        page.assert_no_csp_violation()

        ARTIFACTS.mkdir(exist_ok=True)
        shot = ARTIFACTS / "nota-deezer.png"
        page.page.locator(".lista-notas").first.locator("xpath=..").screenshot(path=str(shot))
        if os.environ.get("UPDATE_DOCS_SCREENSHOTS") == "1":
            DEEZER_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(shot, DEEZER_SCREENSHOT)
    finally:
        page.close()
