"""The admin, the browsable API, the landing page and both services' API docs in Debian's headless
Chromium, DEBUG off, static files served by whitenoise as deployed. Requests to any host but 127.0.0.1
are blocked (a page that needs a CDN fails); every page is held to its Content-Security-Policy.
Screenshots go to test-artifacts/ (UPDATE_DOCS_SCREENSHOTS=1: the README's pictures in docs/img/ too)."""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
from urllib.parse import urlsplit

import pytest

from tests.e2e.helpers import PASSWORD, collected_auth, login
from tests.keyless_double.server import KeylessDouble, recorded
from tests.support.csp import assert_strict_policy
from tests.support.http import Api
from tests.support.processes import ROOT, music_process
from tests.support.tools import CHROMIUM_ARGS, find_chromium

ARTIFACTS = ROOT / "test-artifacts"
DEEZER_TRACK = recorded()["deezer"]["search"]["answer"]["data"][0]
ADMIN_USER, ADMIN_PASSWORD = "admin", "Admin-Canciones-2026"
SONGS = {
    "ana": ["Bohemian Rhapsody", "Corazón partío", "Smells Like Teen Spirit"],
    "bruno": ["Malamente", "La vida es un carnaval", "Billie Jean"],
    ADMIN_USER: ["Ojalá que llueva café", "Here Comes the Sun"],
}
ALL_NOTES = sum(len(songs) for songs in SONGS.values())
TRANSPARENT = {"rgba(0, 0, 0, 0)", "transparent", ""}
MUSIC_TOKEN = secrets.token_urlsafe(32)
# Injected before each document's own scripts (outside its CSP): every violation reaches Python.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => window.__reportCspViolation({
  page: document.location.href, directive: e.violatedDirective, blocked: e.blockedURI,
  sample: e.sample, source: e.sourceFile + ":" + e.lineNumber,
}));
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """auth + music (offline catalog: SVG covers, no network), with an admin, users and notes."""
    folder = tmp_path_factory.mktemp("browser")
    with music_process(folder, name="music-offline", DJANGO_DEBUG="0") as music:
        auth = collected_auth(folder, folder, music.url, "auth-browser", DJANGO_DEBUG="0")
        auth.env.update(DJANGO_SUPERUSER_USERNAME=ADMIN_USER, DJANGO_SUPERUSER_PASSWORD=ADMIN_PASSWORD)
        auth.manage("createsuperuser", "--noinput", "-v", "0")
        with auth:
            for username, songs in SONGS.items():
                if username == ADMIN_USER:
                    user = login(auth.url, ADMIN_USER, ADMIN_PASSWORD)
                else:
                    user = Api(auth.url).register_and_login(username)
                for song in songs:
                    created = user.post("/notas", json={"cancion": song, "texto": f"Nota sobre {song}"})
                    assert created.status_code == 201 and created.json()["nota"]["enriquecimiento"] == "ok"
            yield auth


@pytest.fixture(scope="module")
def music_site(tmp_path_factory):
    """music_service as deployed for its docs pages: DEBUG off, static files collected, a service token."""
    folder = tmp_path_factory.mktemp("browser-music")
    deployed = {
        "DJANGO_DEBUG": "0",
        "DJANGO_STATIC_ROOT": str(folder / "static"),
        "MUSIC_SERVICE_TOKEN": MUSIC_TOKEN,
    }
    music = music_process(folder, name="music-docs", **deployed)
    music.manage("collectstatic", "--noinput", "-v", "0")
    with music:
        yield music


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:  # Debian's chromium: Playwright downloads none
        browser = playwright.chromium.launch(
            executable_path=find_chromium(), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


class Page:
    """A fresh browser context whose requests are watched: anything not for 127.0.0.1 is aborted."""

    def __init__(self, browser, base_url: str, *, headers: dict[str, str] | None = None):
        self.context = browser.new_context(
            viewport={"width": 1440, "height": 900}, locale="es-ES", extra_http_headers=headers
        )
        self.base_url = base_url
        self.elsewhere, self.violations, self.console, self.errors = [], [], [], []
        self.responses: dict[str, int] = {}
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

    def fill(self, **fields: str):
        for name, value in fields.items():
            self.page.fill(f"#id_{name}", value)

    def login(self, path: str, username: str, password: str, then: str):
        self.goto(path)
        self.fill(username=username, password=password)
        self.page.click("[type=submit]")
        self.page.wait_for_url(then)

    def submit(self, selector: str):
        with self.page.expect_navigation(timeout=15_000):
            self.page.click(selector)

    def css(self, selector: str, prop: str) -> str:
        return self.page.eval_on_selector(selector, f"e => getComputedStyle(e).getPropertyValue('{prop}')")

    def images(self, selector: str) -> list:
        """[complete, naturalWidth, naturalHeight] of each image; every one must have loaded."""
        found = self.page.eval_on_selector_all(
            selector, "imgs => imgs.map(i => [i.complete, i.naturalWidth, i.naturalHeight])"
        )
        assert all(complete and width > 0 and height > 0 for complete, width, height in found), found
        return found

    def assert_clean(self):
        """Nothing from another host, nothing the policy blocked or said, no error (a refused eval throws)."""
        self.page.wait_for_timeout(300)  # violation events are queued tasks: let the last ones land
        assert self.elsewhere == [], self.elsewhere
        assert self.documents, "no page loaded"
        for url, policy in self.documents:
            assert_strict_policy(policy, url)
        assert self.violations == [], "\n".join(map(str, self.violations))
        assert [m for m in self.console if "Content Security Policy" in m] == [], self.console
        assert self.errors == [], self.errors

    def static_ok(self, prefix: str) -> dict[str, int]:
        """The files under ``prefix`` the page loaded: at least one, each a 200."""
        statuses = {url: s for url, s in self.responses.items() if urlsplit(url).path.startswith(prefix)}
        assert statuses and set(statuses.values()) == {200}, statuses
        return statuses

    def screenshot(self, name: str, *, docs=False, locator=None, full_page=True, min_size=5_000):
        """To test-artifacts/ (and docs/img/ with UPDATE_DOCS_SCREENSHOTS=1)."""
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / name
        (locator or self.page).screenshot(path=str(path), **({} if locator else {"full_page": full_page}))
        assert path.stat().st_size > min_size
        if docs and os.environ.get("UPDATE_DOCS_SCREENSHOTS") == "1":
            shutil.copyfile(path, ROOT / "docs" / "img" / name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.context.close()


@pytest.fixture
def page(browser, site):
    with Page(browser, site.url) as watched:
        yield watched


def test_admin_lists_every_note_with_its_cover_and_css_and_previews_one(page):
    page.login("/admin/login/?next=/admin/notes/note/", ADMIN_USER, ADMIN_PASSWORD, "**/admin/notes/note/")
    assert page.page.locator("#site-name").inner_text() == "Música · administración"
    rows = page.page.locator("#result_list tbody tr").count()
    assert len(page.images("img.cover-thumb")) == rows == ALL_NOTES
    for song in (song for songs in SONGS.values() for song in songs):
        assert page.page.locator("#result_list").get_by_text(song, exact=True).count() == 1, song
    # The admin's own stylesheet is applied: a coloured header and the changelist layout.
    assert page.css("#header", "background-color") not in TRANSPARENT
    assert page.css("#header", "display") == "flex"
    assert page.css("#changelist-filter", "background-color") not in TRANSPARENT
    dates = page.page.eval_on_selector_all(
        "td.field-creada_corta",
        """cells => cells.map(c => {
            const range = document.createRange();
            range.selectNodeContents(c);
            return [c.textContent, range.getClientRects().length, c.scrollWidth <= c.clientWidth];
        })""",
    )
    assert len(dates) == ALL_NOTES
    for text, lines, fits in dates:  # each date on one line
        assert re.fullmatch(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", text) and lines == 1 and fits, (text, lines)
    page.static_ok("/static/admin/css/")
    page.assert_clean()  # the login form too
    page.screenshot("admin-notas.png", docs=True, full_page=False, min_size=10_000)

    page.page.locator("#result_list tbody tr th a").first.click()
    page.page.wait_for_url("**/change/")
    assert len(page.images(".field-portada_grande img")) == 1
    assert page.page.locator("[name=foto]").count() == 0  # no raw data: URI in a text box
    page.assert_clean()
    page.screenshot("admin-nota.png")


def test_browsable_api_lists_my_notes_with_their_covers_and_css_and_logs_out(page, site):
    page.login("/api-auth/login/?next=/notas", "bruno", PASSWORD, "**/notas")
    assert page.page.title() == "Tus notas – API de Música"
    body = page.page.locator(".response-info pre").inner_text()
    assert all(song in body for song in SONGS["bruno"]) and '"count": 3' in body
    assert not any(song in body for song in SONGS["ana"])  # only the owner's notes
    assert len(page.images(".response-info pre .portada img")) == len(SONGS["bruno"])
    # Nothing runs off the page: the response panel has no horizontal scroll.
    scroll, client = page.page.eval_on_selector(".response-info pre", "p => [p.scrollWidth, p.clientWidth]")
    assert scroll <= client, (scroll, client)
    # The JSON is still highlighted and still whole (each data: URI only cut on screen).
    assert page.page.locator(".response-info pre span.str").count() > 0
    shown = page.page.eval_on_selector(".response-info pre", "p => p.textContent").split("\n\n", 1)[1]
    listed = login(site.url, "bruno").get("/notas").json()
    assert [n["foto"] for n in json.loads(shown)["results"]] == [n["foto"] for n in listed["results"]]
    assert all(n["foto"].startswith("data:image/svg+xml;base64,") for n in listed["results"])
    assert page.page.locator("#post-object-form textarea[name=texto]").count() == 1
    assert page.page.locator("#post-object-form [name=foto]").count() == 0
    # Bootstrap (DRF's static files, served by whitenoise) is applied: a dark navbar, styled buttons.
    assert page.css(".navbar", "background-color") not in TRANSPARENT
    assert page.page.locator("form button.btn-primary").count() >= 1
    page.static_ok("/static/rest_framework/")
    assert len(page.static_ok("/static/musica_kit/")) == 2
    page.assert_clean()
    page.screenshot("api-notas.png")
    # "Cerrar sesión" is a plain form (the kit's base.html, no inline handler): it must still work.
    page.submit(".navbar button:has-text('Cerrar sesión')")
    assert page.page.locator(".navbar").get_by_text("Iniciar sesión").count() == 1
    page.assert_clean()


AUTH_PATHS = {"/notas", "/notas/{id}", "/login", "/register", "/token/refresh"}
DOCS = [  # (service, path, title selector, title, paths the page must list)
    ("auth", "/api/docs", ".swagger-ui .info .title", "Música", AUTH_PATHS),
    ("auth", "/api/redoc", ".api-content h1", "Música", None),
    ("music", "/api/docs", ".swagger-ui .info .title", "music_service", {"/search"}),
    ("music", "/api/redoc", ".api-content h1", "music_service", None),
]


@pytest.mark.parametrize(
    ("service", "path", "title", "expected", "paths"), DOCS, ids=[f"{d[0]}{d[1]}" for d in DOCS]
)
def test_api_docs_render_offline_from_the_sidecar_under_their_policy(
    request, browser, service, path, title, expected, paths
):
    headers = {"Authorization": f"Bearer {MUSIC_TOKEN}"} if service == "music" else None
    site = request.getfixturevalue("site" if service == "auth" else "music_site")
    with Page(browser, site.url, headers=headers) as watched:
        watched.goto(path)
        watched.page.wait_for_selector(title, timeout=30_000)
        assert expected in watched.page.locator(title).first.inner_text()
        if paths:
            watched.page.wait_for_selector(".opblock", timeout=20_000)
            shown = watched.page.eval_on_selector_all(
                ".opblock-summary-path", "es => es.map(e => e.dataset.path)"
            )
            assert paths <= set(shown), shown
            watched.page.click(f".opblock-summary-path[data-path='{sorted(paths)[-1]}']")  # expand one
            watched.page.wait_for_selector(".opblock-body", timeout=10_000)
        sidecar = watched.static_ok("/static/drf_spectacular_sidecar/")
        assert any(url.endswith(".js") for url in sidecar), sidecar
        assert not paths or any(url.endswith(".css") for url in sidecar), sidecar
        watched.assert_clean()  # nothing from a CDN, no validator badge
        watched.screenshot(f"{service}-{path.rsplit('/', 1)[1]}.png", full_page=bool(paths), min_size=0)


def test_music_browsable_api_renders_under_its_policy(browser, music_site):
    with Page(browser, music_site.url, headers={"Authorization": f"Bearer {MUSIC_TOKEN}"}) as watched:
        watched.goto("/search?q=Malamente")
        assert "API de Música" in watched.page.title()
        assert "Malamente" in watched.page.locator(".response-info pre").inner_text()
        assert watched.css(".navbar", "background-color") not in TRANSPARENT
        watched.assert_clean()


def test_a_person_signs_up_on_the_landing_page_adds_and_deletes_notes_logs_out_and_in_again(page, site):
    page.goto("/")
    assert page.page.title() == "Música · notas sobre canciones"
    links = page.page.eval_on_selector_all(".enlaces a", "links => links.map(a => a.getAttribute('href'))")
    assert links == ["/notas", "/api/docs", "/api/redoc", "/admin/"]
    assert page.css(".cabecera", "display") == "flex"  # its own stylesheet is applied
    assert page.page.locator("#id_cancion").count() == 0
    assert page.page.locator(".invitacion form").get_attribute("action") == "/registro"
    page.fill(username="elena", password=PASSWORD, password2=PASSWORD)
    page.page.locator("#id_password2").blur()  # no focus ring in the picture
    page.assert_clean()
    page.screenshot("registro.png", docs=True, locator=page.page.locator(".invitacion"))
    page.submit(".invitacion button[type=submit]")  # refused forms: tests/auth/notes/test_pages.py
    assert page.page.url == site.url + "/"
    assert "Hola, elena" in page.page.locator(".sesion").inner_text()  # logged in: a session
    assert "Cuenta creada" in page.page.locator(".aviso-success").inner_text()
    assert page.page.locator(".lista-notas .nota").count() == 0
    elena = login(site.url, "elena")  # the same account the API knows
    try:
        for song in ("Bohemian Rhapsody", "Malamente"):
            created = elena.post("/notas", json={"cancion": song, "texto": f"Nota sobre {song}"})
            assert created.status_code == 201

        page.fill(cancion="La Bamba", texto="Para bailar la bamba se necesita una poca de gracia.")
        page.submit(".formulario button[type=submit]")
        assert page.page.url == site.url + "/"
        assert page.page.locator(".aviso-success").inner_text() == "Guardado con éxito"
        notes = page.page.locator(".lista-notas .nota")
        assert notes.count() == 3 and notes.first.locator("h3").inner_text() == "La Bamba"
        assert "Ritchie Valens" in notes.first.locator(".encontrada").inner_text()
        assert len(page.images(".lista-notas img.portada")) == 3
        page.static_ok("/static/notes/")
        page.assert_clean()
        assert [m for m in page.console if m.startswith("error")] == [], page.console
        page.screenshot("inicio.png", docs=True, min_size=10_000)

        with page.page.expect_navigation(timeout=15_000):
            notes.first.get_by_role("button", name="Borrar la nota «La Bamba»").click()
        assert page.page.locator(".aviso-success").inner_text() == "Nota borrada."
        assert page.page.locator(".lista-notas .nota").count() == elena.get("/notas").json()["count"] == 2

        page.submit(".sesion button")  # "Cerrar sesión": a POST with the CSRF token
        assert page.page.url == site.url + "/"
        assert page.page.locator(".sesion a").inner_text() == "Iniciar sesión"
        page.page.click(".sesion a")  # "Iniciar sesión": DRF's session login, back to /
        page.page.wait_for_url("**/api-auth/login/?next=/")
        page.fill(username="elena", password=PASSWORD)
        page.page.click("[type=submit]")
        page.page.wait_for_url(site.url + "/")
        assert "Hola, elena" in page.page.locator(".sesion").inner_text()
        assert page.page.locator(".lista-notas .nota").count() == 2
        page.assert_clean()
    finally:  # the other tests count every note of the site
        for note in elena.get("/notas").json()["results"]:
            elena.request("DELETE", f"/notas/{note['id']}")


# Deezer's CDN is out of reach here: the browser gets this picture for the cover's very URL instead.
STAND_IN_COVER = """<svg xmlns="http://www.w3.org/2000/svg" width="500" height="500" viewBox="0 0 500 500">
<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#a23b72"/>
<stop offset="1" stop-color="#2e86ab"/></linearGradient></defs><rect width="500" height="500" fill="url(#g)"/>
<circle cx="250" cy="230" r="120" fill="none" stroke="#fff" stroke-width="14" opacity=".8"/>
<text x="250" y="440" font-family="Helvetica,Arial,sans-serif" font-size="40" fill="#fff"
text-anchor="middle">Lou Doillon</text></svg>"""


def test_a_cover_from_deezer_shows_on_the_landing_page(browser, tmp_path):
    """No Spotify keys: music's chain is deezer,itunes,offline, Deezer and iTunes played by doubles."""
    with KeylessDouble().start() as doubles:
        chain = {"MUSIC_PROVIDERS": "deezer,itunes,offline", "DEEZER_API_URL": doubles.deezer_url}
        with (
            music_process(
                tmp_path, name="music-keyless-browser", ITUNES_API_URL=doubles.itunes_url, **chain
            ) as music,
            collected_auth(tmp_path, tmp_path, music.url, "auth-keyless-browser") as auth,
        ):
            Api(auth.url).register_and_login("dora")
            covers_asked: list[str] = []

            def deezer_cdn(route):
                covers_asked.append(route.request.url)
                route.fulfill(status=200, content_type="image/svg+xml", body=STAND_IN_COVER)

            with Page(browser, auth.url) as page:
                page.context.route("https://*.dzcdn.net/**", deezer_cdn)  # before the catch-all (newer first)
                page.login("/api-auth/login/?next=/", "dora", PASSWORD, auth.url + "/")
                page.fill(
                    cancion="Too much Lou Doillon", texto="Sin claves de Spotify: la portada llega de Deezer."
                )
                page.submit(".formulario button[type=submit]")
                newest = page.page.locator(".lista-notas .nota").first
                assert newest.locator("img.portada").get_attribute("src") == DEEZER_TRACK["album"]["cover_xl"]
                assert newest.locator(".fuente").inner_text() == "deezer"
                assert DEEZER_TRACK["artist"]["name"] in newest.locator(".encontrada").inner_text()
                assert page.images(".lista-notas img.portada") == [[True, 500, 500]]
                assert covers_asked == [DEEZER_TRACK["album"]["cover_xl"]]  # the policy let the browser ask
                page.assert_clean()
                panel = page.page.locator(".lista-notas").first.locator("xpath=..")
                page.screenshot("nota-deezer.png", docs=True, locator=panel, min_size=0)
