"""Content-Security-Policy: music_service's HTML pages (Swagger UI, ReDoc, the browsable API) carry a
strict one that allows their own inline code; every JSON answer gets `default-src 'none'`.

tests/e2e/test_browser.py checks the same pages in a real browser (no violation reported).
"""

import pytest
from django.test import Client

from tests.support.csp import assert_inline_code_allowed, assert_strict_policy, directives


def page(path: str):
    response = Client().get(path, HTTP_ACCEPT="text/html")
    assert response.status_code == 200, (path, response.status_code)
    assert response["Content-Type"].startswith("text/html"), path
    policy = response.get("Content-Security-Policy")
    found = assert_strict_policy(policy, path)
    inline = assert_inline_code_allowed(response.content.decode(), policy, path)
    return found, inline


@pytest.mark.parametrize("path", ["/api/docs", "/api/redoc", "/search?q=Malamente"])
def test_every_page_has_a_strict_policy_that_allows_its_own_inline_code(path):
    found, _ = page(path)
    # covers in the browsable API: Spotify's, Deezer's and Apple's hosts, data: URIs (offline catalog)
    assert found["img-src"] == [
        "'self'",
        "data:",
        "https://i.scdn.co",
        "https://*.dzcdn.net",
        "https://*.mzstatic.com",
    ]
    assert "script-src-attr" not in found  # no inline handler anywhere here


def test_inline_scripts_carry_this_responses_nonce():
    found, inline = page("/api/docs")
    assert inline.scripts and f"'nonce-{inline.scripts[0]}'" in found["script-src"]


def test_only_redoc_allows_inline_styles_and_a_blob_worker():
    found, _ = page("/api/redoc")
    assert found["style-src"] == ["'self'", "'unsafe-inline'"]
    assert found["worker-src"] == ["'self'", "blob:"]
    for path in ("/api/docs", "/search?q=Malamente"):
        found, _ = page(path)
        assert "'unsafe-inline'" not in found["style-src"] and "worker-src" not in found, path


@pytest.mark.parametrize("path", ["/health", "/search?q=Malamente", "/api/schema", "/no-such-path"])
def test_json_and_other_non_html_answers_allow_nothing(path):
    response = Client().get(path, HTTP_ACCEPT="application/json")
    assert not response["Content-Type"].startswith("text/html")
    assert directives(response["Content-Security-Policy"]) == {
        "default-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'none'"],
    }
