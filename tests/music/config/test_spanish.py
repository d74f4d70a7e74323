"""Every error music_service answers is JSON and Spanish whatever Accept-Language asks (english.py)."""

import re

import pytest
from django.urls import get_resolver
from rest_framework.test import APIClient

from tests.support.english import assert_spanish_error, english_in, response_text

TOKEN = "music-service-token-for-the-spanish-tests"
MIB = 1024 * 1024


@pytest.fixture(params=["en", "en-GB,en;q=0.8", "es"])
def client(request):
    return APIClient(HTTP_ACCEPT_LANGUAGE=request.param)


BAD_QUERIES = [
    "", "?q=", "?q=%20%20", "?q=%00", "?q=" + "x" * 201, "?limit=1",
    *[f"?q=Queen&limit={limit}" for limit in ("abc", "0", "11", "99", "1.5", "1e3")],
]  # fmt: skip


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_bad_queries_are_spanish_400s(client, query):
    assert_spanish_error(client.get("/search" + query), 400)


def test_the_service_token_guards_all_but_health_with_a_spanish_401_and_the_schema(client, settings):
    settings.MUSIC_SERVICE_TOKEN = TOKEN
    assert_spanish_error(missing := client.get("/search?q=Imagine"), 401)
    assert missing["WWW-Authenticate"] == "Bearer"
    assert_spanish_error(wrong := client.get("/search?q=Imagine", HTTP_AUTHORIZATION="Bearer otro"), 401)
    assert TOKEN.encode() not in wrong.content
    assert_spanish_error(client.get("/ready", HTTP_AUTHORIZATION="Basic abc"), 401)
    assert client.get("/search?q=Imagine", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200
    assert client.get("/health").status_code == 200
    schema = client.get("/api/schema", HTTP_ACCEPT="application/json", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert schema.status_code == 200 and english_in(response_text(schema)) == []  # what /api/docs shows


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "PROPFIND"])
def test_other_methods_are_a_spanish_405_and_other_formats_a_406(client, method):
    search = client.generic(method, "/search?q=a", '{"q": "x"}', content_type="application/json")
    assert_spanish_error(search, 405)
    assert_spanish_error(client.generic(method, "/health", "{bad", content_type="application/json"), 405)
    assert_spanish_error(client.get("/search?q=a", HTTP_ACCEPT="application/xml"), 406)


@pytest.mark.parametrize("path", ["/search?q=Queen", "/health", "/ready", "/nada"])
def test_a_body_over_one_mib_is_a_spanish_413(client, path):
    response = client.generic("GET", path, "x" * (MIB + 1), content_type="application/json")
    assert assert_spanish_error(response, 413)["detalle"] == {"max_bytes": MIB}


def test_every_route_answers_an_unknown_path_below_it_with_a_spanish_404(client, settings):
    settings.MUSIC_SERVICE_TOKEN = TOKEN
    routes = [str(pattern.pattern) for pattern in get_resolver().url_patterns]
    assert len(routes) == 6, routes
    for route in ["^no-existe$", *routes]:
        path = "/" + route.strip("^$").replace("/?", "/") + "no-existe"
        for method in ("get", "post", "delete"):
            response = getattr(client, method)(path, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
            assert assert_spanish_error(response, 404)["error"] == "Recurso no encontrado."


@pytest.mark.parametrize(
    ("change", "status", "reason"),
    [
        ({"mode": "429"}, 503, "Spotify limita las peticiones: espera antes de reintentar."),
        ({"mode": "500"}, 502, "Spotify respondió 500."),
        ({"mode": "503"}, 503, "Spotify respondió 503."),
        ({"latency_ms": 2000}, 503, "Spotify tardó demasiado en responder."),  # over SPOTIFY_READ_TIMEOUT
    ],
)
def test_spotify_failures_are_spanish(client, spotify, settings, change, status, reason):
    settings.SPOTIFY_READ_TIMEOUT = 0.3
    spotify.configure(retry_after=1, **change)
    assert assert_spanish_error(client.get("/search?q=Imagine"), status)["detalle"]["motivo"] == reason


@pytest.mark.parametrize("path", ["/search", "/health", "/ready"])
def test_every_api_view_is_named_in_spanish(client, path):
    """DRF would name a view after its class ("Search")."""
    options = client.options(path)
    assert options.status_code == 200 and english_in(response_text(options)) == []
    assert options.json()["name"] != "API de Música" and re.search(r"[a-záéíóúñ]", options.json()["name"])
