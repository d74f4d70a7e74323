"""Content-Security-Policy: strict on HTML pages, allowing their own inline code; `default-src 'none'`
on every other answer (every page in a real browser, no violation: tests/e2e/test_browser.py)."""

import pytest
from django.test import Client

from tests.support.csp import assert_inline_code_allowed, assert_strict_policy, directives

pytestmark = pytest.mark.django_db

COVER_HOSTS = ["https://i.scdn.co", "https://*.dzcdn.net", "https://*.mzstatic.com"]


def page(client, path: str):
    response = client.get(path, HTTP_ACCEPT="text/html")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html"), path
    policy = response.get("Content-Security-Policy")
    inline = assert_inline_code_allowed(response.content.decode(), policy, path)
    return assert_strict_policy(policy, path), inline


@pytest.mark.parametrize("path", ["/admin/login/", "/api-auth/login/", "/api/docs", "/api/redoc"])
def test_pages_have_a_strict_policy_with_images_from_known_hosts_and_only_redoc_inline_styles(path):
    found, inline = page(Client(), path)
    assert found["img-src"] == ["'self'", "data:", *COVER_HOSTS]  # data: for the offline catalog's covers
    worker = ["'self'", "blob:"] if path == "/api/redoc" else None  # ReDoc alone: inline styles, a worker
    assert ("'unsafe-inline'" in found["style-src"], found.get("worker-src")) == (bool(worker), worker)
    if path == "/api/docs":  # inline scripts carry this response's nonce, new for every response
        assert f"'nonce-{inline.scripts[0]}'" in found["script-src"]
        assert page(Client(), path)[1].scripts[0] != inline.scripts[0]


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", path) for path in ("/health", "/notas", "/api/schema", "/no-existe")] + [("post", "/login")],
)
def test_json_and_other_non_html_answers_allow_nothing(make_user, method, path):
    client = Client()
    client.force_login(make_user())
    response = getattr(client, method)(path)
    assert not response["Content-Type"].startswith("text/html")
    none = ("default-src", "frame-ancestors", "base-uri", "form-action")
    assert directives(response["Content-Security-Policy"]) == {name: ["'none'"] for name in none}
