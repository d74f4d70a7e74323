"""Every error music_service answers is Spanish, whatever Accept-Language asks for, checked against
the deny-list built from DRF's and Django's English (tests/support/english.py)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import get_resolver
from rest_framework.test import APIClient
from rest_framework.views import APIView

from tests.support.english import english_in, response_text

SPANISH_REASONS = {
    "Spotify limita las peticiones: espera antes de reintentar.",
    "Spotify respondió con un error.",
}
TOKEN = "music-service-token-for-the-spanish-tests"


@pytest.fixture(params=["en", "en-GB,en;q=0.8", "es"])
def client(request):
    return APIClient(HTTP_ACCEPT_LANGUAGE=request.param)


def assert_spanish_error(response, status: int) -> dict:
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) == {"error", "detalle"}, body
    assert english_in(response_text(response)) == [], body
    return body


@pytest.mark.parametrize(
    "query", ["", "?q=", "?q=" + "x" * 201, "?q=a&limit=abc", "?q=a&limit=0", "?q=a&limit=99"]
)
def test_bad_queries_are_spanish_400s(client, query):
    assert_spanish_error(client.get("/search" + query), 400)


def test_missing_or_wrong_service_token_is_a_spanish_401(client, settings):
    settings.MUSIC_SERVICE_TOKEN = TOKEN
    assert_spanish_error(client.get("/search?q=Imagine"), 401)
    assert_spanish_error(client.get("/search?q=Imagine", HTTP_AUTHORIZATION="Bearer otro"), 401)
    assert_spanish_error(client.get("/ready", HTTP_AUTHORIZATION="Basic abc"), 401)


def test_not_found_method_accept_and_size_errors_are_spanish(client):
    assert_spanish_error(client.get("/no-existe"), 404)
    for method in ("post", "put", "patch", "delete"):
        assert_spanish_error(getattr(client, method)("/search?q=a"), 405)
    assert_spanish_error(client.post("/health", "{bad", content_type="application/json"), 405)
    assert_spanish_error(client.get("/search?q=a", HTTP_ACCEPT="application/xml"), 406)
    too_big = str(settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    assert_spanish_error(client.get("/search?q=a", CONTENT_LENGTH=too_big), 413)


def test_every_route_answers_an_unknown_path_below_it_with_a_spanish_404(client, settings):
    settings.MUSIC_SERVICE_TOKEN = TOKEN
    routes = [str(pattern.pattern) for pattern in get_resolver().url_patterns]
    assert len(routes) == 6, routes
    for route in routes:
        path = "/" + route.strip("^$").replace("/?", "/") + "no-existe"
        for method in ("get", "post", "delete"):
            response = getattr(client, method)(path, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
            assert assert_spanish_error(response, 404)["error"] == "Recurso no encontrado."


@pytest.mark.parametrize(("upstream", "status"), [(429, 503), (500, 502), (503, 503)])
def test_spotify_failures_are_spanish(client, spotify, upstream, status):
    spotify.configure(mode=str(upstream), retry_after=1)
    body = assert_spanish_error(client.get("/search?q=Imagine"), status)
    assert body["detalle"]["motivo"] in SPANISH_REASONS, body  # was "Spotify rate limited", …


def test_the_openapi_schema_shows_no_english(client, settings):
    settings.MUSIC_SERVICE_TOKEN = TOKEN
    schema = client.get("/api/schema", HTTP_ACCEPT="application/json", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert schema.status_code == 200 and english_in(response_text(schema)) == []


def test_every_api_view_has_a_spanish_name():
    from musica_kit.views import FALLBACK_NAME, view_name

    checked = 0
    for pattern in get_resolver().url_patterns:
        cls = getattr(pattern.callback, "cls", None)
        if cls is None or not issubclass(cls, APIView) or cls.__module__.startswith("drf_spectacular"):
            continue
        assert view_name(cls()) != FALLBACK_NAME, cls
        checked += 1
    assert checked == 3
