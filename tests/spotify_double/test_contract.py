"""The Spotify test double, over real HTTP, held to Spotify's published OpenAPI.

Plain pytest (no Django): ``pytest -p no:django tests/spotify_double``.
"""

from __future__ import annotations

import copy
import json
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
import spotipy
import yaml
from openapi_core import OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse
from openapi_core.exceptions import OpenAPIError
from openapi_core.testing import MockResponse
from spotipy.cache_handler import MemoryCacheHandler
from spotipy.oauth2 import SpotifyClientCredentials

from tests.spotify_double.server import SpotifyDouble, load_catalog

SERVER_SCRIPT = Path(__file__).with_name("server.py")
CLIENT_ID = "contract-client-id"
CLIENT_SECRET = "contract-client-secret"
BOHEMIAN_ID = "4u7EnebtmKWzUH433cf5Qv"
QUEEN_ARTIST_ID = "1dfeR4HaWDbWqFHLkxsg1d"
BASE62_22 = re.compile(r"^[0-9A-Za-z]{22}$")
IMAGE_PREFIXES = {640: "ab67616d0000b273", 300: "ab67616d00001e02", 64: "ab67616d00004851"}

# Fields Spotify sends on every TrackObject of a search without ``market``.
TRACK_FIELDS = {
    "album",
    "artists",
    "available_markets",
    "disc_number",
    "duration_ms",
    "explicit",
    "external_ids",
    "external_urls",
    "href",
    "id",
    "is_local",
    "name",
    "popularity",
    "preview_url",
    "track_number",
    "type",
    "uri",
}
ALBUM_FIELDS = {
    "album_type",
    "artists",
    "available_markets",
    "external_urls",
    "href",
    "id",
    "images",
    "name",
    "release_date",
    "release_date_precision",
    "total_tracks",
    "type",
    "uri",
}
ARTIST_FIELDS = {"external_urls", "href", "id", "name", "type", "uri"}


# Spotify's published description, vendored with its source and licence (see openapi/README.md).
SPEC_PATH = Path(__file__).with_name("openapi") / "spotify-openapi.yml"


# -- fixtures ---------------------------------------------------------------
@pytest.fixture(scope="module")
def double():
    with SpotifyDouble(client_id=CLIENT_ID, client_secret=CLIENT_SECRET).start() as d:
        yield d


@pytest.fixture(autouse=True)
def _fresh_double(request):
    yield
    if "double" in request.fixturenames:
        request.getfixturevalue("double").reset()


@pytest.fixture(scope="module")
def spec_dict():
    text = SPEC_PATH.read_text(encoding="utf-8")
    try:
        return yaml.load(text, Loader=yaml.CSafeLoader)  # libyaml: ~10x faster
    except AttributeError:  # PyYAML built without libyaml
        return yaml.safe_load(text)


@pytest.fixture(scope="module")
def openapi(spec_dict, double):
    """Spotify's OpenAPI with ``servers`` pointed at the double."""
    spec = copy.deepcopy(spec_dict)
    spec["servers"] = [{"url": double.url + "/v1"}]
    return OpenAPI.from_dict(spec, base_uri=SPEC_PATH.as_uri())


@pytest.fixture
def token(double):
    return get_token(double)


def get_token(double) -> str:
    resp = requests.post(
        double.auth_url, data={"grant_type": "client_credentials"}, auth=(CLIENT_ID, CLIENT_SECRET), timeout=5
    )
    assert resp.status_code == 200, resp.text
    return resp.json()["access_token"]


def search(double, token=None, **params) -> requests.Response:
    params.setdefault("type", "track")
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.get(double.api_url + "search", params=params, headers=headers, timeout=10)


def validate(openapi, resp: requests.Response) -> None:
    openapi.validate_response(RequestsOpenAPIRequest(resp.request), RequestsOpenAPIResponse(resp))


def validate_body(openapi, resp: requests.Response, body: dict, status: int = 200) -> None:
    """Validate ``body`` as if the double had sent it for ``resp``'s request."""
    fake = MockResponse(json.dumps(body).encode(), status_code=status, content_type="application/json")
    openapi.validate_response(RequestsOpenAPIRequest(resp.request), fake)


def names(resp: requests.Response) -> list[str]:
    return [t["name"] for t in resp.json()["tracks"]["items"]]


# -- the contract: /v1/search responses against the OpenAPI description ----
@pytest.mark.parametrize(
    "params",
    [
        {"q": "Queen", "limit": 1},
        {"q": "queen"},
        {"q": "bohemian rhapsody", "limit": 10},
        {"q": "Queen", "limit": 3, "offset": 3},
        {"q": "artist:Queen track:Pressure"},
        {"q": "Queen", "market": "ES"},
        {"q": "sin portada"},
        {"q": "__nada__"},
        {"q": "no such song anywhere"},
        {"q": "Queen", "type": "album,track,artist"},
    ],
)
def test_search_response_validates_against_openapi(openapi, double, token, params):
    resp = search(double, token, **params)
    assert resp.status_code == 200, resp.text
    assert resp.headers["Content-Type"].startswith("application/json")
    validate(openapi, resp)


def test_synthesized_track_validates_against_openapi(openapi, double, token):
    double.configure(synthesize=True)
    resp = search(double, token, q="Some Band - A Song Nobody Has")
    assert resp.json()["tracks"]["total"] == 1
    validate(openapi, resp)


def test_every_catalog_track_validates_against_openapi(openapi, double, token):
    resp = search(double, token, q="Queen")
    catalog = load_catalog()
    page = {
        "tracks": {
            "href": resp.json()["tracks"]["href"],
            "items": catalog,
            "limit": len(catalog),
            "next": None,
            "offset": 0,
            "previous": None,
            "total": len(catalog),
        }
    }
    validate_body(openapi, resp, page)


@pytest.mark.parametrize("token_value", [None, "not-a-token"])
def test_401_response_validates_against_openapi(openapi, double, token_value):
    resp = search(double, token_value, q="Queen")
    assert resp.status_code == 401
    validate(openapi, resp)


def test_429_response_validates_against_openapi(openapi, double, token):
    double.configure(mode="429")
    resp = search(double, token, q="Queen")
    assert resp.status_code == 429
    validate(openapi, resp)


def _set(path):
    def mutate(body):
        target = body
        for key in path[:-2]:
            target = target[key]
        target[path[-2]] = path[-1]

    return mutate


def _delete(path):
    def mutate(body):
        target = body
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return mutate


FIRST = ("tracks", "items", 0)
BROKEN = {
    "duration_ms as a string": _set((*FIRST, "duration_ms", "354320")),
    "track id as a number": _set((*FIRST, "id", 4)),
    "explicit as a string": _set((*FIRST, "explicit", "false")),
    "track type not 'track'": _set((*FIRST, "type", "song")),
    "preview_url as a number": _set((*FIRST, "preview_url", 0)),
    "artists not a list": _set((*FIRST, "artists", {"name": "Queen"})),
    "album without images": _delete((*FIRST, "album", "images")),
    "album without id": _delete((*FIRST, "album", "id")),
    "album_type outside the enum": _set((*FIRST, "album", "album_type", "ep")),
    "image height as a string": _set((*FIRST, "album", "images", 0, "height", "640")),
    "image without url": _delete((*FIRST, "album", "images", 0, "url")),
    "paging without total": _delete(("tracks", "total")),
    "paging next as a number": _set(("tracks", "next", 2)),
    "items not a list": _set(("tracks", "items", {})),
}


@pytest.mark.parametrize("mutation", BROKEN.values(), ids=BROKEN.keys())
def test_negative_control_broken_search_response_fails_validation(openapi, double, token, mutation):
    """If these passed, the contract check above would prove nothing."""
    resp = search(double, token, q="Queen", limit=2)
    body = resp.json()
    validate_body(openapi, resp, body)  # the untouched body passes ...
    broken = copy.deepcopy(body)
    mutation(broken)
    with pytest.raises(OpenAPIError):  # ... the broken one must not
        validate_body(openapi, resp, broken)


@pytest.mark.parametrize(
    "body",
    [
        {"error": {"status": "401", "message": "No token provided"}},
        {"error": {"message": "No token provided"}},
        {"error": "invalid_token"},
        {},
    ],
    ids=["status as string", "no status", "error as string", "no error"],
)
def test_negative_control_broken_error_fails_validation(openapi, double, body):
    resp = search(double, None, q="Queen")
    validate_body(openapi, resp, resp.json(), status=401)
    with pytest.raises(OpenAPIError):
        validate_body(openapi, resp, body, status=401)


# -- catalog shape beyond what the (lenient) schema requires ----------------
def test_catalog_tracks_are_complete_and_use_only_documented_fields(spec_dict):
    schemas = spec_dict["components"]["schemas"]
    track_props = set(schemas["TrackObject"]["properties"])
    album_props = set(schemas["AlbumBase"]["properties"]) | {"artists"}
    artist_props = set(schemas["SimplifiedArtistObject"]["properties"])
    catalog = load_catalog()
    assert 20 <= len(catalog) <= 30
    assert len({t["id"] for t in catalog}) == len(catalog)
    for track in catalog:
        assert set(track) == TRACK_FIELDS, track["name"]
        assert set(track) <= track_props
        assert set(track["album"]) == ALBUM_FIELDS and album_props >= ALBUM_FIELDS
        for artist in track["artists"] + track["album"]["artists"]:
            assert set(artist) == ARTIST_FIELDS and artist_props >= ARTIST_FIELDS
            assert BASE62_22.match(artist["id"])
            assert artist["uri"] == f"spotify:artist:{artist['id']}"
        for obj, kind in ((track, "track"), (track["album"], "album")):
            assert BASE62_22.match(obj["id"]), obj["name"]
            assert obj["uri"] == f"spotify:{kind}:{obj['id']}"
            assert obj["href"] == f"https://api.spotify.com/v1/{kind}s/{obj['id']}"
            assert obj["external_urls"] == {"spotify": f"https://open.spotify.com/{kind}/{obj['id']}"}
        images = track["album"]["images"]
        if images:
            assert [(i["width"], i["height"]) for i in images] == [(640, 640), (300, 300), (64, 64)]
            hashes = set()
            for image in images:
                prefix = IMAGE_PREFIXES[image["width"]]
                match = re.match(rf"^https://i\.scdn\.co/image/{prefix}([0-9a-f]{{24}})$", image["url"])
                assert match, image["url"]
                hashes.add(match.group(1))
            assert len(hashes) == 1
    assert any(t["album"]["images"] == [] for t in catalog), "need a track with no cover"
    queen = [t for t in catalog if t["artists"][0]["id"] == QUEEN_ARTIST_ID]
    assert len(queen) >= 4
    bohemian = next(t for t in catalog if t["id"] == BOHEMIAN_ID)
    assert bohemian["name"] == "Bohemian Rhapsody - Remastered 2011"
    assert bohemian["album"]["name"] == "A Night At The Opera (2011 Remaster)"


# -- accounts service: POST /api/token ---------------------------------------
def test_token_with_basic_credentials(double):
    resp = requests.post(
        double.auth_url, data={"grant_type": "client_credentials"}, auth=(CLIENT_ID, CLIENT_SECRET), timeout=5
    )
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith("application/json")
    body = resp.json()
    assert set(body) == {"access_token", "token_type", "expires_in"}
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert isinstance(body["access_token"], str) and len(body["access_token"]) > 20


def test_token_with_credentials_in_body(double):
    resp = requests.post(
        double.auth_url,
        timeout=5,
        data={"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET},
    )
    assert resp.status_code == 200
    assert resp.json()["token_type"] == "Bearer"


@pytest.mark.parametrize(
    "auth",
    [
        (CLIENT_ID, "wrong-secret"),
        ("wrong-id", CLIENT_SECRET),
        None,
    ],
    ids=["wrong secret", "wrong id", "no credentials"],
)
def test_token_with_wrong_credentials(double, auth):
    resp = requests.post(double.auth_url, data={"grant_type": "client_credentials"}, auth=auth, timeout=5)
    assert resp.status_code == 400
    assert resp.json() == {"error": "invalid_client", "error_description": "Invalid client"}


def test_token_without_grant_type(double):
    resp = requests.post(double.auth_url, data={}, auth=(CLIENT_ID, CLIENT_SECRET), timeout=5)
    assert resp.status_code == 400
    assert resp.json() == {
        "error": "unsupported_grant_type",
        "error_description": "grant_type parameter is missing",
    }


def test_token_endpoint_works_in_failure_modes(double):
    for mode in ("429", "500", "503"):
        double.configure(mode=mode)
        assert get_token(double)


# -- bearer checks on /v1/search ------------------------------------------------
def _assert_spotify_error(resp, status, message=None):
    assert resp.status_code == status
    body = resp.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"status", "message"}
    assert body["error"]["status"] == status
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    if message is not None:
        assert body["error"]["message"] == message


def test_search_without_token_is_401(double):
    _assert_spotify_error(search(double, None, q="Queen"), 401, "No token provided")


def test_search_with_unknown_token_is_401(double):
    _assert_spotify_error(search(double, "BQunknown", q="Queen"), 401, "Invalid access token")


def test_search_with_expired_token_is_401(double):
    double.configure(token_expires_in=0)
    resp = requests.post(
        double.auth_url, data={"grant_type": "client_credentials"}, auth=(CLIENT_ID, CLIENT_SECRET), timeout=5
    )
    assert resp.json()["expires_in"] == 0
    time.sleep(0.01)
    _assert_spotify_error(
        search(double, resp.json()["access_token"], q="Queen"), 401, "The access token expired"
    )


def test_token_from_another_double_is_rejected(double):
    with SpotifyDouble(client_id=CLIENT_ID, client_secret=CLIENT_SECRET).start() as other:
        foreign = get_token(other)
    _assert_spotify_error(search(double, foreign, q="Queen"), 401)


# -- failure modes, latency, counters ----------------------------------------
def test_429_mode_has_retry_after_and_spotify_error_shape(double, token):
    double.configure(mode="429")
    resp = search(double, token, q="Queen")
    _assert_spotify_error(resp, 429)
    assert resp.headers["Retry-After"] == "1"
    double.configure(retry_after=7)
    assert search(double, token, q="Queen").headers["Retry-After"] == "7"


@pytest.mark.parametrize("mode", ["500", "503"])
def test_5xx_modes(double, token, mode):
    double.configure(mode=mode)
    _assert_spotify_error(search(double, token, q="Queen"), int(mode))
    double.configure(mode="ok")
    assert search(double, token, q="Queen").status_code == 200


def test_latency_delays_token_and_search(double, token):
    double.configure(latency_ms=250)
    started = time.monotonic()
    get_token(double)
    assert time.monotonic() - started >= 0.25
    started = time.monotonic()
    assert search(double, token, q="Queen").status_code == 200
    assert time.monotonic() - started >= 0.25
    double.configure(latency_ms=0)
    started = time.monotonic()
    search(double, token, q="Queen")
    assert time.monotonic() - started < 0.25


def test_counters_count_every_request_and_reset(double):
    assert double.stats() == {"token_calls": 0, "search_calls": 0, "queries": [], "trace_headers": 0}
    token = get_token(double)
    requests.post(double.auth_url, data={"grant_type": "client_credentials"}, auth=("x", "y"), timeout=5)
    search(double, token, q="Queen")
    search(double, None, q="Abba")  # 401, still counted
    search(double, token, q="Blinding Lights", type="album")  # 400, still counted
    double.configure(mode="503")
    search(double, token, q="Nirvana")
    assert double.stats() == {
        "token_calls": 2,
        "search_calls": 4,
        "queries": ["Queen", "Abba", "Blinding Lights", "Nirvana"],
        "trace_headers": 0,
    }
    double.reset()
    assert double.stats() == {"token_calls": 0, "search_calls": 0, "queries": [], "trace_headers": 0}
    assert double.config()["mode"] == "ok"
    assert search(double, token, q="Queen").status_code == 200, "tokens survive reset()"


def test_counters_are_thread_safe(double, token):
    def worker():
        for _ in range(5):
            search(double, token, q="Queen")

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stats = double.stats()
    assert stats["search_calls"] == 40
    assert stats["queries"] == ["Queen"] * 40


def test_configure_rejects_unknown_mode(double):
    with pytest.raises(ValueError):
        double.configure(mode="418")
    with pytest.raises(ValueError):
        double.configure(latency_ms=-1)


# -- HTTP control endpoints ----------------------------------------------------
def test_http_controls(double, token):
    resp = requests.post(
        double.url + "/_control/config", timeout=5, json={"mode": "429", "retry_after": 3, "latency_ms": 0}
    )
    assert resp.status_code == 200
    assert resp.json()["mode"] == "429"
    resp = search(double, token, q="Queen")
    assert resp.status_code == 429 and resp.headers["Retry-After"] == "3"
    stats = requests.get(double.url + "/_control/stats", timeout=5).json()
    assert stats == {"token_calls": 1, "search_calls": 1, "queries": ["Queen"], "trace_headers": 0}
    assert requests.post(double.url + "/_control/reset", timeout=5).status_code == 200
    assert requests.get(double.url + "/_control/stats", timeout=5).json() == {
        "token_calls": 0,
        "search_calls": 0,
        "queries": [],
        "trace_headers": 0,
    }
    assert search(double, token, q="Queen").status_code == 200
    assert requests.get(double.url + "/_control/health", timeout=5).json() == {"status": "ok"}


@pytest.mark.parametrize("body", [{"mode": "418"}, {"colour": "red"}, {"latency_ms": "slow"}, ["mode", "ok"]])
def test_http_control_rejects_bad_config(double, body):
    resp = requests.post(double.url + "/_control/config", json=body, timeout=5)
    _assert_spotify_error(resp, 400)
    assert double.config()["mode"] == "ok"


def test_unknown_path_is_404_in_spotify_shape(double, token):
    resp = requests.get(
        double.url + "/v1/tracks/" + BOHEMIAN_ID, timeout=5, headers={"Authorization": f"Bearer {token}"}
    )
    _assert_spotify_error(resp, 404)


# -- parameters, paging and matching ---------------------------------------------
def test_paging_walks_all_results(double, token):
    first = search(double, token, q="Queen", limit=2).json()["tracks"]
    assert first["offset"] == 0 and first["limit"] == 2 and first["previous"] is None
    assert first["total"] == 9  # 8 by Queen + ABBA's "Dancing Queen"
    assert first["href"].startswith(double.url + "/v1/search?")
    seen, page, pages = [], first, 0
    while True:
        pages += 1
        seen += [t["id"] for t in page["items"]]
        assert page["total"] == first["total"]
        if page["next"] is None:
            break
        resp = requests.get(page["next"], headers={"Authorization": f"Bearer {token}"}, timeout=5)
        assert resp.status_code == 200
        previous = page
        page = resp.json()["tracks"]
        assert page["offset"] == previous["offset"] + 2
        assert page["previous"] is not None
    assert pages == 5
    assert len(seen) == len(set(seen)) == first["total"]
    assert seen[0] == BOHEMIAN_ID


def test_offset_and_limit(double, token):
    page = search(double, token, q="Queen", limit=3, offset=7).json()["tracks"]
    assert len(page["items"]) == 2 and page["next"] is None
    assert "offset=4" in page["previous"] and "limit=3" in page["previous"]
    beyond = search(double, token, q="Queen", offset=50).json()["tracks"]
    assert beyond["items"] == [] and beyond["total"] == 9 and beyond["next"] is None


def test_default_limit_is_the_documented_default(double, token, spec_dict):
    params = spec_dict["paths"]["/search"]["get"]["parameters"]
    limit = next(p for p in params if p.get("name") == "limit")["schema"]
    page = search(double, token, q="Queen").json()["tracks"]
    assert page["limit"] == limit["default"]
    assert len(page["items"]) == min(limit["default"], page["total"])
    assert search(double, token, q="Queen", limit=limit["maximum"]).status_code == 200
    assert search(double, token, q="Queen", limit=limit["maximum"] + 1).status_code == 400


@pytest.mark.parametrize(
    "params,message",
    [
        ({"type": "track"}, "No search query"),
        ({"q": "   "}, "No search query"),
        ({"q": "Queen", "type": ""}, "Missing parameter type"),
        ({"q": "Queen", "type": "album"}, None),
        ({"q": "Queen", "type": "song"}, "Bad search type field"),
        ({"q": "Queen", "limit": 0}, "Invalid limit"),
        ({"q": "Queen", "limit": 11}, "Invalid limit"),
        ({"q": "Queen", "limit": "ten"}, "Invalid limit"),
        ({"q": "Queen", "offset": -1}, "Invalid offset"),
        ({"q": "Queen", "offset": 1001}, "Invalid offset"),
        ({"q": "Queen", "market": "spain"}, "Invalid market code"),
    ],
)
def test_bad_parameters_are_400(double, token, params, message):
    params = dict(params)
    params.setdefault("type", "track")
    if "q" not in params:
        resp = requests.get(
            double.api_url + "search", params=params, timeout=5, headers={"Authorization": f"Bearer {token}"}
        )
    else:
        resp = search(double, token, **params)
    _assert_spotify_error(resp, 400, message)


@pytest.mark.parametrize(
    "q,expected",
    [
        ("qUeEn", "Bohemian Rhapsody - Remastered 2011"),
        ("BOHEMIAN", "Bohemian Rhapsody - Remastered 2011"),
        ("night at the opera", "Bohemian Rhapsody - Remastered 2011"),
        ("bowie", "Under Pressure - Remastered 2011"),
        ("beyonce", "Halo"),
        ("dont stop me now", "Don't Stop Me Now - Remastered 2011"),
        ("track:Brightside", "Mr. Brightside"),
        ('artist:"Led Zeppelin"', "Stairway to Heaven - Remaster"),
        ("artist:abba queen", "Dancing Queen"),
        ("album:Arrival year:1970-1980", "Dancing Queen"),
    ],
)
def test_matching_is_case_insensitive_over_name_artist_album(double, token, q, expected):
    resp = search(double, token, q=q, limit=10)
    assert resp.status_code == 200
    assert names(resp)[0] == expected


def test_field_filters_narrow_results(double, token):
    assert names(search(double, token, q="track:queen")) == [
        "Killer Queen - Remastered 2011",
        "Dancing Queen",
    ]
    assert names(search(double, token, q="artist:queen track:queen")) == ["Killer Queen - Remastered 2011"]
    assert names(search(double, token, q="artist:Nirvana track:Bohemian")) == []


def test_market_drops_available_markets(double, token):
    item = search(double, token, q="Queen", limit=1, market="ES").json()["tracks"]["items"][0]
    assert "available_markets" not in item
    assert "available_markets" in item["album"], "AlbumBase requires it"
    assert item["is_playable"] is True
    plain = search(double, token, q="Queen", limit=1).json()["tracks"]["items"][0]
    assert "available_markets" in plain and "is_playable" not in plain


def test_other_requested_types_come_back_empty(double, token):
    body = search(double, token, q="Queen", type="artist,track").json()
    assert set(body) == {"artists", "tracks"}
    assert body["artists"]["items"] == [] and body["tracks"]["total"] == 9


def test_track_without_cover(double, token):
    items = search(double, token, q="sin portada").json()["tracks"]["items"]
    assert len(items) == 1
    assert items[0]["album"]["images"] == []


# -- no results, __nada__, synthesis --------------------------------------------
def test_no_match_without_synthesis_is_empty(double, token):
    page = search(double, token, q="zzzz unknown song").json()["tracks"]
    assert page["items"] == [] and page["total"] == 0
    assert page["next"] is None and page["previous"] is None


def test_nada_never_matches(double, token):
    for synthesize in (False, True):
        double.configure(synthesize=synthesize)
        page = search(double, token, q="__nada__").json()["tracks"]
        assert page["items"] == [] and page["total"] == 0


def test_synthesis_is_deterministic(double, token):
    double.configure(synthesize=True)
    first = search(double, token, q="Los Planetas - Segundo Premio").json()["tracks"]
    again = search(double, token, q="los planetas - SEGUNDO premio").json()["tracks"]
    assert first["total"] == 1 and len(first["items"]) == 1
    track = first["items"][0]
    assert track["name"] == "Los Planetas - Segundo Premio"
    assert BASE62_22.match(track["id"]) and track["uri"] == f"spotify:track:{track['id']}"
    assert again["items"][0]["id"] == track["id"], "id comes from the normalized query"
    assert [i["width"] for i in track["album"]["images"]] == [640, 300, 64]
    other = search(double, token, q="Another Synth Song").json()["tracks"]["items"][0]
    assert other["id"] != track["id"]
    # catalog hits are never replaced by synthesized ones
    assert search(double, token, q="Queen", limit=1).json()["tracks"]["items"][0]["id"] == (BOHEMIAN_ID)
    with SpotifyDouble(
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, synthesize=True
    ).start() as other_double:
        other_token = get_token(other_double)
        same = search(other_double, other_token, q="Los Planetas - Segundo Premio").json()
    assert same["tracks"]["items"][0]["id"] == track["id"]


def test_synthesize_flag_in_constructor_survives_reset():
    with SpotifyDouble(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, synthesize=True).start() as d:
        d.configure(synthesize=False)
        d.reset()
        assert d.config()["synthesize"] is True
        assert search(d, get_token(d), q="made up title").json()["tracks"]["total"] == 1


# -- spotipy against the double --------------------------------------------------
def make_spotipy(double, **kwargs) -> spotipy.Spotify:
    auth = SpotifyClientCredentials(
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, cache_handler=MemoryCacheHandler()
    )
    auth.OAUTH_TOKEN_URL = double.auth_url
    sp = spotipy.Spotify(auth_manager=auth, requests_timeout=5, **kwargs)
    sp.prefix = double.api_url
    return sp


def test_spotipy_search_returns_the_queen_track(double):
    sp = make_spotipy(double)
    result = sp.search(q="Queen", type="track", limit=1)
    item = result["tracks"]["items"][0]
    assert item["id"] == BOHEMIAN_ID
    assert item["artists"][0]["name"] == "Queen"
    assert item["album"]["images"][0]["url"].startswith("https://i.scdn.co/image/ab67616d0000b273")
    following = sp.next(result["tracks"])  # spotipy follows Spotify's `next` URL
    assert following["tracks"]["offset"] == 1
    assert following["tracks"]["items"][0]["name"] == "Don't Stop Me Now - Remastered 2011"
    assert double.stats()["token_calls"] == 1, "spotipy caches the client-credentials token"
    assert double.stats()["search_calls"] == 2


def test_spotipy_sees_server_errors(double):
    double.configure(mode="500")
    # no urllib3 retries on 500 (spotipy would report exhausted retries as 429)
    sp = make_spotipy(double, retries=0, status_retries=0, status_forcelist=(418,))
    with pytest.raises(spotipy.SpotifyException) as info:
        sp.search(q="Queen", type="track", limit=1)
    assert info.value.http_status == 500


def test_spotipy_wrong_credentials(double):
    auth = SpotifyClientCredentials(
        client_id=CLIENT_ID, client_secret="nope", cache_handler=MemoryCacheHandler()
    )
    auth.OAUTH_TOKEN_URL = double.auth_url
    sp = spotipy.Spotify(auth_manager=auth, requests_timeout=5)
    sp.prefix = double.api_url
    with pytest.raises(spotipy.SpotifyOauthError) as info:
        sp.search(q="Queen", type="track", limit=1)
    assert info.value.error == "invalid_client"


# -- standalone process --------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_runs_as_a_standalone_script(tmp_path):
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            str(SERVER_SCRIPT),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--client-id",
            "X",
            "--client-secret",
            "Y",
            "--synthesize",
        ],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        assert "listening" in line, proc.stderr.read() if proc.poll() is not None else line
        base = f"http://127.0.0.1:{port}"
        resp = requests.post(
            base + "/api/token", data={"grant_type": "client_credentials"}, auth=("X", "Y"), timeout=5
        )
        token = resp.json()["access_token"]
        resp = requests.get(
            base + "/v1/search",
            params={"q": "Queen", "type": "track"},
            headers={"Authorization": f"Bearer {token}"},
            timeout=5,
        )
        assert resp.json()["tracks"]["items"][0]["id"] == BOHEMIAN_ID
        resp = requests.get(
            base + "/v1/search",
            params={"q": "zz top 3000", "type": "track"},
            headers={"Authorization": f"Bearer {token}"},
            timeout=5,
        )
        assert resp.json()["tracks"]["total"] == 1, "--synthesize is on"
        assert requests.get(base + "/_control/stats", timeout=5).json()["search_calls"] == 2
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0
    assert proc.stderr.read() == "", "no per-request logging by default"
