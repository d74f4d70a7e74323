"""GET /search says how long its answer may be reused (Cache-Control), from the result cache's TTL."""

import re

import pytest

from tests.support.waiting import wait_until


def max_age(response) -> int:
    match = re.fullmatch(r"private, max-age=(\d+)", response["Cache-Control"])
    assert match, f"wanted 'private, max-age=N', got {response['Cache-Control']!r}"
    return int(match.group(1))


def test_a_found_song_may_be_reused_as_long_as_music_keeps_it(client, settings):
    settings.SEARCH_CACHE_TTL = 600
    settings.SEARCH_HTTP_MAX_AGE = 3600
    first = client.get("/search", {"q": "Bohemian Rhapsody"})
    assert first.status_code == 200 and first.json()["results"] and max_age(first) == 600
    assert "authorization" in [v.strip().lower() for v in first["Vary"].split(",")]

    def aged():  # the cached copy has less left: the max-age says what is left, not the full TTL
        response = client.get("/search", {"q": "Bohemian Rhapsody"})
        return response if max_age(response) < 600 else None

    again = wait_until(aged, timeout=5, interval=0.2, message="the cached max-age never went down")
    assert 590 <= max_age(again) < 600


@pytest.mark.parametrize(
    ("query", "ttls", "expected"),
    [
        ("Despacito", {"SEARCH_CACHE_TTL": 24 * 3600, "SEARCH_HTTP_MAX_AGE": 2}, 2),  # capped
        ("zzzz qqqq no existe", {"SEARCH_CACHE_EMPTY_TTL": 30}, 30),  # an empty answer: the empty TTL only
    ],
)
def test_the_max_age_is_capped_by_search_http_max_age_and_empty_ttl(client, settings, query, ttls, expected):
    for name, value in ttls.items():
        setattr(settings, name, value)
    assert max_age(client.get("/search", {"q": query})) == expected


@pytest.mark.parametrize("setting", ["SEARCH_CACHE_TTL", "SEARCH_HTTP_MAX_AGE"])
def test_no_cache_time_means_no_store(client, settings, setting):
    setattr(settings, setting, 0)
    response = client.get("/search", {"q": "Imagine"})
    assert (response.status_code, response["Cache-Control"]) == (200, "no-store")


@pytest.mark.parametrize("authorization", [None, "Bearer wrong", "Bearer a-service-token-long-enough"])
def test_a_bad_query_or_a_refused_token_is_no_store(client, settings, authorization):
    settings.MUSIC_SERVICE_TOKEN = "a-service-token-long-enough"
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    response = client.get("/search", {"q": "x" * 201}, **headers)
    assert response.status_code == (400 if authorization == "Bearer a-service-token-long-enough" else 401)
    assert response["Cache-Control"] == "no-store"
