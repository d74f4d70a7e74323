"""music_service's HTML pages carry a strict CSP that allows their own inline code; JSON gets 'none'."""

import pytest
from django.test import Client

from tests.support.csp import assert_inline_code_allowed, assert_strict_policy, directives

# covers in the browsable API: Spotify's, Deezer's and Apple's hosts, data: URIs (offline catalog)
IMG_SRC = ["'self'", "data:", "https://i.scdn.co", "https://*.dzcdn.net", "https://*.mzstatic.com"]


@pytest.mark.parametrize("path", ["/api/docs", "/api/redoc", "/search?q=Malamente"])
def test_every_page_has_a_strict_policy_that_allows_its_own_inline_code(path):
    response = Client().get(path, HTTP_ACCEPT="text/html")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    policy = response["Content-Security-Policy"]
    found = assert_strict_policy(policy, path)
    inline = assert_inline_code_allowed(response.content.decode(), policy, path)
    assert found["img-src"] == IMG_SRC
    assert "script-src-attr" not in found  # no inline handler anywhere here
    assert all(f"'nonce-{nonce}'" in found["script-src"] for nonce in inline.scripts)
    if path == "/api/redoc":  # only ReDoc allows inline styles and a blob: worker
        assert found["style-src"] == ["'self'", "'unsafe-inline'"]
        assert found["worker-src"] == ["'self'", "blob:"]
    else:
        assert "'unsafe-inline'" not in found["style-src"] and "worker-src" not in found
    if path == "/api/docs":
        assert inline.scripts


@pytest.mark.parametrize("path", ["/health", "/search?q=Malamente", "/api/schema", "/no-such-path"])
def test_json_and_other_non_html_answers_allow_nothing(path):
    response = Client().get(path, HTTP_ACCEPT="application/json")
    assert not response["Content-Type"].startswith("text/html")
    none = ("default-src", "frame-ancestors", "base-uri", "form-action")
    assert directives(response["Content-Security-Policy"]) == {name: ["'none'"] for name in none}
