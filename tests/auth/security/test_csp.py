"""Content-Security-Policy: every HTML page carries a strict one, every JSON answer `default-src 'none'`.

Each page's own inline code (scripts, <style>, event handlers, style attributes) is checked against
its policy here, so an upgrade of DRF, the admin or drf-spectacular that adds inline code fails fast;
tests/e2e/test_browser.py checks the same pages in a real browser (no violation reported).
"""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.support.csp import assert_inline_code_allowed, assert_strict_policy, directives

pytestmark = pytest.mark.django_db

ANONYMOUS_PAGES = ["/admin/login/", "/api-auth/login/", "/api/docs", "/api/redoc"]


def page(client, path: str):
    response = client.get(path, HTTP_ACCEPT="text/html")
    assert response.status_code == 200, (path, response.status_code)
    assert response["Content-Type"].startswith("text/html"), path
    policy = response.get("Content-Security-Policy")
    found = assert_strict_policy(policy, path)
    inline = assert_inline_code_allowed(response.content.decode(), policy, path)
    return found, inline


@pytest.mark.parametrize("path", ANONYMOUS_PAGES)
def test_every_public_page_has_a_strict_policy_that_allows_its_own_inline_code(path):
    page(Client(), path)


def test_admin_and_browsable_api_pages_after_login(make_user):
    admin = make_user("admin")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client = Client()
    client.force_login(admin)
    for path in ("/admin/", "/admin/notes/note/", "/admin/accounts/user/", "/notas", "/me"):
        found, _ = page(client, path)
        assert "'unsafe-inline'" not in found["style-src"], path
    # The browsable API's "Cerrar sesión" is a plain form (the kit's base.html): no inline handler.
    _, inline = page(client, "/notas")
    assert inline.handlers == []


def test_inline_scripts_carry_this_responses_nonce_and_it_changes_per_response():
    nonces = set()
    for _ in range(2):
        found, inline = page(Client(), "/api/docs")
        assert inline.scripts, "Swagger UI's inline script is gone?"
        nonce = f"'nonce-{inline.scripts[0]}'"
        assert nonce in found["script-src"]
        nonces.add(nonce)
    assert len(nonces) == 2


def test_only_redoc_allows_inline_styles_and_a_blob_worker():
    found, _ = page(Client(), "/api/redoc")
    assert found["style-src"] == ["'self'", "'unsafe-inline'"]
    assert found["worker-src"] == ["'self'", "blob:"]
    for path in ("/api/docs", "/admin/login/", "/api-auth/login/"):
        found, _ = page(Client(), path)
        assert "'unsafe-inline'" not in found["style-src"] and "worker-src" not in found, path


def test_images_are_limited_to_this_server_data_uris_and_the_music_sources_cover_hosts():
    found, _ = page(Client(), "/admin/login/")
    # Spotify's, Deezer's and Apple's cover hosts; the offline catalog's covers are data: URIs.
    assert found["img-src"] == [
        "'self'", "data:", "https://i.scdn.co", "https://*.dzcdn.net", "https://*.mzstatic.com"
    ]


@pytest.mark.parametrize(
    ("method", "path"), [("get", "/health"), ("get", "/notas"), ("get", "/api/schema"), ("post", "/login")]
)
def test_json_and_other_non_html_answers_allow_nothing(make_user, method, path):
    client = APIClient()
    client.force_authenticate(make_user())
    response = getattr(client, method)(path, {}, format="json") if method == "post" else client.get(path)
    assert not response["Content-Type"].startswith("text/html")
    found = directives(response["Content-Security-Policy"])
    assert found == {
        "default-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'none'"],
    }


def test_json_errors_carry_the_strict_policy_too():
    response = Client().get("/no-such-page")
    assert response.status_code == 404
    assert directives(response["Content-Security-Policy"])["default-src"] == ["'none'"]
