from search.providers import get_chain
from tests.support.contract import TRACK_KEYS


def test_offline_search_without_keys_limit_defaults_to_one_and_no_match_is_an_empty_list(client):
    body = client.get("/search", {"q": "  Queen ", "limit": 3}).json()
    assert (body["query"], body["source"]) == ("Queen", "offline")
    assert [track["artista"] for track in body["results"]] == ["Queen"] * 3
    assert list(body["results"][0]) == TRACK_KEYS
    assert body["results"][0]["foto"].startswith("data:image/svg+xml;base64,")
    assert len(client.get("/search/?q=Queen").json()["results"]) == 1
    response = client.get("/search", {"q": "zzzz qqqq no existe"})
    assert response.status_code == 200 and response.json()["results"] == []


def test_spotify_search_returns_clean_tracks_and_health_and_ready_say_so(client, spotify):
    body = client.get("/search", {"q": "Queen", "limit": 2}).json()
    first = body["results"][0]
    assert (body["source"], first["artista"]) == ("spotify", "Queen")
    assert first["foto"].startswith("https://i.scdn.co/image/ab67616d0000b273")  # the 640px image
    assert first["spotify_url"] == f"https://open.spotify.com/track/{first['spotify_id']}"
    assert isinstance(first["duracion_ms"], int)
    closed = {"name": "spotify", "state": "closed", "retry_in": 0}
    assert client.get("/health").json() == {"status": "ok", "source": "spotify", "providers": [closed]}
    assert client.get("/ready").status_code == 200


def test_rate_limited_spotify_is_503_with_retry_after_and_not_asked_again(client, spotify):
    assert client.get("/search", {"q": "Queen"}).status_code == 200
    spotify.configure(mode="429", retry_after=3600)
    assert client.get("/search", {"q": "queen"}).status_code == 200  # the cached answer is still served
    first = client.get("/search", {"q": "Bohemian"})
    assert first.status_code == 503
    assert 3590 <= int(first["Retry-After"]) <= 3600
    calls = spotify.stats()["search_calls"]
    second = client.get("/search", {"q": "Otra canción"})
    assert second.status_code == 503 and int(second["Retry-After"]) > 3000
    assert spotify.stats()["search_calls"] == calls == 2  # blocked locally, Spotify not asked


def test_wrong_spotify_keys_are_502_not_ready_and_the_secret_is_not_in_the_body(client, spotify, settings):
    settings.SPOTIFY_CLIENT_SECRET = "wrong-secret-sentinel"
    get_chain.cache_clear()
    response = client.get("/search", {"q": "Queen"})
    assert response.status_code == 502 and b"wrong-secret-sentinel" not in response.content
    assert client.get("/ready/").status_code == 503


def test_browsable_api_renders_without_contrib_auth_and_escapes_the_query(client):
    response = client.get("/search", {"q": "Queen"}, HTTP_ACCEPT="text/html")
    assert response.status_code == 200 and b"<html" in response.content and b"Queen" in response.content
    page = client.get("/search?q=<script>alert(1)</script>", HTTP_ACCEPT="text/html").content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
