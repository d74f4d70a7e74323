import base64

import pytest

from tests.support.contract import TRACK_KEYS
from tests.support.famous_songs import FAMOUS_SONGS


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?q=",
        "?q=%20%20",
        "?q=" + "x" * 201,
        "?q=Queen&limit=abc",
        "?q=Queen&limit=0",
        "?q=Queen&limit=11",
        "?q=Queen&limit=1.5",
    ],
)
def test_bad_queries_are_json_400(client, query):
    response = client.get("/search" + query)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] and response.json()["detalle"]


def test_offline_search_without_keys(client):
    response = client.get("/search", {"q": "  Queen ", "limit": 3})
    assert response.status_code == 200
    body = response.json()
    assert body["query"] == "Queen"
    assert body["source"] == "offline"
    assert len(body["results"]) == 3
    assert all(track["artista"] == "Queen" for track in body["results"])
    assert set(body["results"][0]) == set(TRACK_KEYS)


def test_famous_songs_resolve_offline_over_http(client):
    for title, artist in FAMOUS_SONGS:
        response = client.get("/search", {"q": title, "limit": 1})
        assert response.status_code == 200, title
        body = response.json()
        assert body["source"] == "offline"
        (track,) = body["results"]
        assert (track["titulo"].casefold(), track["artista"]) == (title.casefold(), artist)
        prefix = "data:image/svg+xml;base64,"
        assert track["foto"].startswith(prefix), title
        assert base64.b64decode(track["foto"][len(prefix) :]).startswith(b"<svg"), title


def test_limit_defaults_to_one(client):
    assert len(client.get("/search/?q=Queen").json()["results"]) == 1


def test_no_match_is_an_empty_list(client):
    response = client.get("/search", {"q": "zzzz qqqq no existe"})
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_spotify_search_returns_clean_tracks(client, spotify):
    response = client.get("/search", {"q": "Queen", "limit": 2})
    assert response.status_code == 200
    body = response.json()
    assert body["source"] == "spotify"
    first = body["results"][0]
    assert first["artista"] == "Queen"
    assert first["foto"].startswith("https://i.scdn.co/image/ab67616d0000b273")  # the 640px image
    assert first["spotify_url"] == f"https://open.spotify.com/track/{first['spotify_id']}"
    assert isinstance(first["duracion_ms"], int)


def test_rate_limited_spotify_is_503_with_retry_after_and_not_asked_again(client, spotify):
    spotify.configure(mode="429", retry_after=3600)
    first = client.get("/search", {"q": "Queen"})
    assert first.status_code == 503
    assert 3590 <= int(first["Retry-After"]) <= 3600
    calls = spotify.stats()["search_calls"]
    second = client.get("/search", {"q": "Otra canción"})
    assert second.status_code == 503 and int(second["Retry-After"]) > 3000
    assert spotify.stats()["search_calls"] == calls  # blocked locally, Spotify not asked


def test_cached_answers_are_served_during_a_rate_limit(client, spotify):
    assert client.get("/search", {"q": "Queen"}).status_code == 200
    spotify.configure(mode="429", retry_after=60)
    assert client.get("/search", {"q": "queen"}).status_code == 200
    assert spotify.stats()["search_calls"] == 1


@pytest.mark.parametrize(("mode", "status"), [("500", 502), ("503", 503)])
def test_spotify_errors_are_json_5xx(client, spotify, mode, status):
    spotify.configure(mode=mode)
    response = client.get("/search", {"q": "Queen"})
    assert response.status_code == status
    assert response.json()["error"]


def test_slow_spotify_is_503_within_the_timeout(client, spotify, settings):
    settings.SPOTIFY_READ_TIMEOUT = 0.3
    get_chain_cache_clear()
    spotify.configure(latency_ms=2000)
    response = client.get("/search", {"q": "Queen"})
    assert response.status_code == 503


def get_chain_cache_clear():
    from search.providers import get_chain

    get_chain.cache_clear()


def test_wrong_spotify_keys_are_502_and_the_secret_is_not_in_the_body(client, spotify, settings):
    settings.SPOTIFY_CLIENT_SECRET = "wrong-secret-sentinel"
    get_chain_cache_clear()
    response = client.get("/search", {"q": "Queen"})
    assert response.status_code == 502
    assert b"wrong-secret-sentinel" not in response.content


def test_health_and_ready(client, spotify):
    health = client.get("/health").json()
    assert {"status": health["status"], "source": health["source"]} == {"status": "ok", "source": "spotify"}
    assert health["providers"] == [{"name": "spotify", "state": "closed", "retry_in": 0}]
    assert client.get("/ready").status_code == 200


def test_ready_is_503_when_spotify_refuses_the_keys(client, spotify, settings):
    settings.SPOTIFY_CLIENT_SECRET = "wrong"
    get_chain_cache_clear()
    assert client.get("/ready/").status_code == 503


class TestServiceToken:
    @pytest.fixture(autouse=True)
    def _token(self, settings):
        settings.MUSIC_SERVICE_TOKEN = "service-token-sentinel"

    def test_missing_token_is_401(self, client):
        response = client.get("/search", {"q": "Queen"})
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Bearer"

    def test_wrong_token_is_401(self, client):
        response = client.get("/search", {"q": "Queen"}, HTTP_AUTHORIZATION="Bearer nope")
        assert response.status_code == 401
        assert b"service-token-sentinel" not in response.content

    def test_right_token_passes(self, client):
        response = client.get("/search", {"q": "Queen"}, HTTP_AUTHORIZATION="Bearer service-token-sentinel")
        assert response.status_code == 200

    def test_health_stays_open(self, client):
        assert client.get("/health").status_code == 200


def test_unknown_path_and_method_are_json(client):
    assert client.get("/nada").json()["error"]
    response = client.post("/search", {"q": "x"}, format="json")
    assert response.status_code == 405
    assert response.json()["error"]


def test_browsable_api_renders_without_contrib_auth(client):
    response = client.get("/search", {"q": "Queen"}, HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert b"<html" in response.content and b"Queen" in response.content
