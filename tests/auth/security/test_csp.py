"""Content-Security-Policy: every HTML page carries a strict one that allows its own inline code
(so an upgrade of DRF, the admin or drf-spectacular that adds inline code fails here), every other
answer `default-src 'none'` (in a real browser: tests/e2e/test_browser.py)."""

import pytest
from django.test import Client

from tests.support.csp import assert_inline_code_allowed, assert_strict_policy, directives

pytestmark = pytest.mark.django_db

COVER_HOSTS = ["https://i.scdn.co", "https://*.dzcdn.net", "https://*.mzstatic.com"]


def page(client, path: str):
    response = client.get(path, HTTP_ACCEPT="text/html")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html"), path
    policy = response.get("Content-Security-Policy")
    return assert_strict_policy(policy, path), assert_inline_code_allowed(
        response.content.decode(), policy, path
    )


@pytest.mark.parametrize("path", ["/admin/login/", "/api-auth/login/", "/api/docs"])
def test_public_pages_have_a_strict_policy_without_inline_styles_and_images_from_known_hosts(path):
    found, _ = page(Client(), path)
    assert "'unsafe-inline'" not in found["style-src"] and "worker-src" not in found
    assert found["img-src"] == ["'self'", "data:", *COVER_HOSTS]  # data: for the offline catalog's covers


def test_only_redoc_allows_inline_styles_and_a_blob_worker():
    found, _ = page(Client(), "/api/redoc")
    assert found["style-src"] == ["'self'", "'unsafe-inline'"]
    assert found["worker-src"] == ["'self'", "blob:"]


def test_admin_and_browsable_api_pages_after_login(django_user_model):
    client = Client()
    client.force_login(django_user_model.objects.create_superuser("admin", password="Admin-2026-ok"))
    for path in ("/admin/", "/admin/notes/note/", "/admin/accounts/user/", "/notas", "/me"):
        found, inline = page(client, path)
        assert "'unsafe-inline'" not in found["style-src"], path
        assert inline.handlers == []  # the browsable API's "Cerrar sesión" is a plain form


def test_inline_scripts_carry_this_responses_nonce_and_it_changes_per_response():
    nonces = set()
    for _ in range(2):
        found, inline = page(Client(), "/api/docs")
        nonce = f"'nonce-{inline.scripts[0]}'"
        assert nonce in found["script-src"]
        nonces.add(nonce)
    assert len(nonces) == 2


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/health"),
        ("get", "/notas"),
        ("get", "/api/schema"),
        ("post", "/login"),
        ("get", "/no-existe"),
    ],
)
def test_json_and_other_non_html_answers_allow_nothing(make_user, method, path):
    client = Client()
    client.force_login(make_user())
    response = getattr(client, method)(path)
    assert not response["Content-Type"].startswith("text/html")
    assert directives(response["Content-Security-Policy"]) == {
        "default-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'none'"],
    }
