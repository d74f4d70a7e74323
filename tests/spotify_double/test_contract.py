"""The Spotify double over real HTTP, held to Spotify's OpenAPI (openapi/), with negative controls."""

import copy
import functools
import json
import operator
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import pytest
import requests
import yaml
from openapi_core import OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse
from openapi_core.exceptions import OpenAPIError
from openapi_core.testing import MockResponse

from tests.spotify_double.server import SpotifyDouble, load_catalog
from tests.support.processes import free_port

SPEC_PATH = Path(__file__).with_name("openapi") / "spotify-openapi.yml"
CLIENT = ("contract-client-id", "contract-client-secret")
BOHEMIAN_ID = "4u7EnebtmKWzUH433cf5Qv"
BASE62_22 = re.compile(r"^[0-9A-Za-z]{22}$")
IMAGE_URL = "https://i.scdn.co/image/"
IMAGE_PREFIXES = {640: "ab67616d0000b273", 300: "ab67616d00001e02", 64: "ab67616d00004851"}
# Fields Spotify sends on every TrackObject (and its album and artists) of a search without ``market``.
TRACK_FIELDS = {
    "album", "artists", "available_markets", "disc_number", "duration_ms", "explicit", "external_ids",
    "external_urls", "href", "id", "is_local", "name", "popularity", "preview_url", "track_number",
    "type", "uri",
}  # fmt: skip
ALBUM_FIELDS = {
    "album_type", "artists", "available_markets", "external_urls", "href", "id", "images", "name",
    "release_date", "release_date_precision", "total_tracks", "type", "uri",
}  # fmt: skip
ARTIST_FIELDS = {"external_urls", "href", "id", "name", "type", "uri"}
NEW_TOKEN = ("access_token", "token_type", "expires_in")
NO_STATS = {"token_calls": 0, "search_calls": 0, "queries": [], "trace_headers": 0}


@pytest.fixture(scope="module")
def double():
    with SpotifyDouble(client_id=CLIENT[0], client_secret=CLIENT[1]) as d:
        yield d


@pytest.fixture(autouse=True)
def _fresh_double(double):
    yield
    double.reset()


@pytest.fixture(scope="module")
def spec_dict():
    text = SPEC_PATH.read_text(encoding="utf-8")
    return yaml.load(text, Loader=yaml.CSafeLoader) if hasattr(yaml, "CSafeLoader") else yaml.safe_load(text)


@pytest.fixture(scope="module")
def openapi(spec_dict, double):
    """Spotify's OpenAPI with ``servers`` pointed at the double."""
    spec = {**spec_dict, "servers": [{"url": double.url + "/v1"}]}
    return OpenAPI.from_dict(spec, base_uri=SPEC_PATH.as_uri())


@pytest.fixture
def token(double):
    return get_token(double)


def post_token(double, data=None, auth=CLIENT) -> requests.Response:
    data = {"grant_type": "client_credentials"} if data is None else data
    return requests.post(double.auth_url, data=data, auth=auth, timeout=5)


def get_token(double) -> str:
    resp = post_token(double)
    assert resp.status_code == 200, resp.text
    return resp.json()["access_token"]


def search(double, token=None, **params) -> requests.Response:
    params.setdefault("type", "track")
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.get(double.api_url + "search", params=params, headers=headers, timeout=10)


def validate(openapi, resp: requests.Response, body: dict | None = None) -> None:
    """Validate ``resp``, or ``body`` as if the double had sent it for ``resp``'s request."""
    answer = RequestsOpenAPIResponse(resp)
    if body is not None:
        answer = MockResponse(json.dumps(body).encode(), resp.status_code)
    openapi.validate_response(RequestsOpenAPIRequest(resp.request), answer)


def names(resp: requests.Response) -> list[str]:
    return [t["name"] for t in resp.json()["tracks"]["items"]]


def assert_spotify_error(resp, status, message=None, openapi=None):
    assert resp.status_code == status
    assert resp.json() == {"error": {"status": status, "message": message or resp.json()["error"]["message"]}}
    assert resp.json()["error"]["message"]
    if openapi:  # 401 and 429: the statuses Spotify's description documents for search
        validate(openapi, resp)


# -- the contract: answers against the OpenAPI description --------------------------------------------
SEARCHES = [
    {"q": "Queen", "limit": 1}, {"q": "queen"}, {"q": "bohemian rhapsody", "limit": 10},
    {"q": "Queen", "limit": 3, "offset": 3}, {"q": "queen pressure"},
    {"q": "Queen", "market": "ES"}, {"q": "sin portada"}, {"q": "__nada__"}, {"q": "no such song anywhere"},
    {"q": "Queen", "type": "album,track,artist"},
]  # fmt: skip


@pytest.mark.parametrize("params", SEARCHES)
def test_search_response_validates_against_openapi(openapi, double, token, params):
    resp = search(double, token, **params)
    assert resp.status_code == 200, resp.text
    assert resp.headers["Content-Type"].startswith("application/json")
    validate(openapi, resp)


def test_synthesized_and_every_catalog_track_validate_against_openapi(openapi, double, token):
    double.configure(synthesize=True)
    resp = search(double, token, q="Some Band - A Song Nobody Has")
    assert resp.json()["tracks"]["total"] == 1
    validate(openapi, resp)
    catalog = load_catalog()
    page = {"href": resp.json()["tracks"]["href"], "items": catalog, "limit": len(catalog), "next": None}
    validate(openapi, resp, {"tracks": {**page, "offset": 0, "previous": None, "total": len(catalog)}})


DELETE = object()
FIRST = ("tracks", "items", 0)
# A search answer's key path and the value it gets (DELETE: removed).
BROKEN = {
    "duration_ms as a string": (*FIRST, "duration_ms", "354320"),
    "track id as a number": (*FIRST, "id", 4),
    "explicit as a string": (*FIRST, "explicit", "false"),
    "track type not 'track'": (*FIRST, "type", "song"),
    "preview_url as a number": (*FIRST, "preview_url", 0),
    "artists not a list": (*FIRST, "artists", {"name": "Queen"}),
    "album without images": (*FIRST, "album", "images", DELETE),
    "album without id": (*FIRST, "album", "id", DELETE),
    "album_type outside the enum": (*FIRST, "album", "album_type", "ep"),
    "image height as a string": (*FIRST, "album", "images", 0, "height", "640"),
    "image without url": (*FIRST, "album", "images", 0, "url", DELETE),
    "paging without total": ("tracks", "total", DELETE),
    "paging next as a number": ("tracks", "next", 2),
    "items not a list": ("tracks", "items", {}),
}


@pytest.mark.parametrize("change", BROKEN.values(), ids=BROKEN.keys())
def test_negative_control_broken_search_response_fails_validation(openapi, double, token, change):
    resp = search(double, token, q="Queen", limit=2)
    validate(openapi, resp, resp.json())  # the untouched body passes ...
    broken = copy.deepcopy(resp.json())
    *keys, last, value = change
    parent = functools.reduce(operator.getitem, keys, broken)
    if value is DELETE:
        del parent[last]
    else:
        parent[last] = value
    with pytest.raises(OpenAPIError):  # ... the broken one must not
        validate(openapi, resp, broken)


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
    validate(openapi, resp, resp.json())
    with pytest.raises(OpenAPIError):
        validate(openapi, resp, body)


def test_catalog_tracks_are_complete_and_use_only_documented_fields(spec_dict):
    schemas = spec_dict["components"]["schemas"]
    assert set(schemas["TrackObject"]["properties"]) >= TRACK_FIELDS
    assert set(schemas["AlbumBase"]["properties"]) | {"artists"} >= ALBUM_FIELDS
    assert set(schemas["SimplifiedArtistObject"]["properties"]) >= ARTIST_FIELDS
    catalog = load_catalog()
    assert 20 <= len(catalog) <= 30 and len({t["id"] for t in catalog}) == len(catalog)
    for track in catalog:
        assert (set(track), set(track["album"])) == (TRACK_FIELDS, ALBUM_FIELDS), track["name"]
        artists = track["artists"] + track["album"]["artists"]
        for obj, kind in [(track, "track"), (track["album"], "album"), *((a, "artist") for a in artists)]:
            assert BASE62_22.match(obj["id"]), obj["name"]
            assert obj["uri"] == f"spotify:{kind}:{obj['id']}"
            assert obj["href"] == f"https://api.spotify.com/v1/{kind}s/{obj['id']}"
            assert obj["external_urls"] == {"spotify": f"https://open.spotify.com/{kind}/{obj['id']}"}
        assert all(set(artist) == ARTIST_FIELDS for artist in artists)
        images = track["album"]["images"]
        assert [(i["width"], i["height"]) for i in images] in ([], [(640, 640), (300, 300), (64, 64)])
        # One picture in three sizes: the size's prefix, then the same 24 hex digits.
        hashes = {i["url"].removeprefix(IMAGE_URL + IMAGE_PREFIXES[i["width"]]) for i in images}
        assert len(hashes) <= 1 and all(re.fullmatch("[0-9a-f]{24}", h) for h in hashes), images


# -- accounts service: POST /api/token -------------------------------------------------------------
BAD_CLIENT = {"error": "invalid_client", "error_description": "Invalid client"}
NO_GRANT = {"error": "unsupported_grant_type", "error_description": "grant_type parameter is missing"}
IN_BODY = {"grant_type": "client_credentials", "client_id": CLIENT[0], "client_secret": CLIENT[1]}


@pytest.mark.parametrize(
    ("data", "auth", "answer"),
    [
        (None, CLIENT, None),
        (IN_BODY, None, None),
        (None, (CLIENT[0], "wrong-secret"), BAD_CLIENT),
        (None, ("wrong-id", CLIENT[1]), BAD_CLIENT),
        (None, None, BAD_CLIENT),
        ({}, CLIENT, NO_GRANT),
    ],
    ids=["basic", "in the body", "wrong secret", "wrong id", "no credentials", "no grant_type"],
)
def test_the_token_endpoint(double, data, auth, answer):
    resp = post_token(double, data, auth)
    assert resp.headers["Content-Type"].startswith("application/json")
    assert (resp.status_code, resp.json() if answer else answer) == (400 if answer else 200, answer)
    if not answer:
        body = resp.json()
        assert (set(body), body["token_type"], body["expires_in"]) == (set(NEW_TOKEN), "Bearer", 3600)
        assert len(body["access_token"]) > 20


@pytest.mark.parametrize("mode", ["429", "500", "503"])
def test_the_token_endpoint_works_in_failure_modes_and_search_fails_in_spotifys_shape(
    openapi, double, token, mode
):
    double.configure(mode=mode)
    assert get_token(double)
    resp = search(double, token, q="Queen")
    assert_spotify_error(resp, int(mode), openapi=openapi if mode == "429" else None)
    if mode == "429":
        assert resp.headers["Retry-After"] == "1"
        double.configure(retry_after=7)
        assert search(double, token, q="Queen").headers["Retry-After"] == "7"
    double.configure(mode="ok")
    assert search(double, token, q="Queen").status_code == 200


def test_search_needs_a_token_the_double_issued_and_that_has_not_expired_and_other_paths_are_404(
    openapi, double, token
):
    unknown = f"{double.api_url}tracks/{BOHEMIAN_ID}"
    assert_spotify_error(requests.get(unknown, headers={"Authorization": f"Bearer {token}"}, timeout=5), 404)
    assert_spotify_error(search(double, None, q="Queen"), 401, "No token provided", openapi)
    assert_spotify_error(search(double, "BQunknown", q="Queen"), 401, "Invalid access token", openapi)
    with SpotifyDouble(client_id=CLIENT[0], client_secret=CLIENT[1]) as other:
        assert_spotify_error(search(double, get_token(other), q="Queen"), 401, "Invalid access token")
    double.configure(token_expires_in=0)
    expired = post_token(double).json()
    assert expired["expires_in"] == 0
    assert_spotify_error(search(double, expired["access_token"], q="Queen"), 401, "The access token expired")


# -- controls and counters ----------------------------------------------------------------------
def test_counters_count_every_request_from_every_thread_and_reset(double):
    token = get_token(double)
    post_token(double, auth=("x", "y"))
    search(double, None, q="Abba")  # 401, still counted
    search(double, token, q="Blinding Lights", type="album")  # 400, still counted
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda _: search(double, token, q="Queen"), range(40)))
    queries = ["Abba", "Blinding Lights"] + ["Queen"] * 40
    assert double.stats() == {**NO_STATS, "token_calls": 2, "search_calls": 42, "queries": queries}
    assert requests.get(double.url + "/_control/stats", timeout=5).json() == double.stats()
    assert requests.get(double.url + "/_control/health", timeout=5).json() == {"status": "ok"}
    double.reset()
    assert double.stats() == NO_STATS and double.config()["mode"] == "ok"
    assert search(double, token, q="Queen").status_code == 200, "tokens survive reset()"


@pytest.mark.parametrize(
    "change", [{"mode": "418"}, {"colour": "red"}, {"latency_ms": -1}, {"mode": ["ok"]}, {"synthesize": 1}]
)
def test_bad_config_is_refused(double, change):
    with pytest.raises(ValueError):
        double.configure(**change)
    assert double.config()["mode"] == "ok"


# -- parameters, paging and matching -------------------------------------------------------------
def test_paging_walks_all_results(double, token):
    first = search(double, token, q="Queen", limit=2).json()["tracks"]
    assert (first["offset"], first["limit"], first["previous"]) == (0, 2, None)
    assert first["total"] == 9  # 8 by Queen + ABBA's "Dancing Queen"
    assert first["href"].startswith(double.url + "/v1/search?")
    seen, page, pages = [], first, 1
    while True:
        seen += [t["id"] for t in page["items"]]
        if page["next"] is None:
            break
        resp = requests.get(page["next"], headers={"Authorization": f"Bearer {token}"}, timeout=5)
        previous, page, pages = page, resp.json()["tracks"], pages + 1
        assert page["offset"] == previous["offset"] + 2 and page["previous"] and page["total"] == 9
    assert pages == 5 and seen[0] == BOHEMIAN_ID
    assert len(seen) == len(set(seen)) == 9
    last = search(double, token, q="Queen", limit=3, offset=7).json()["tracks"]
    assert len(last["items"]) == 2 and last["next"] is None
    assert "offset=4" in last["previous"] and "limit=3" in last["previous"]
    beyond = search(double, token, q="Queen", offset=50).json()["tracks"]
    assert (beyond["items"], beyond["total"], beyond["next"]) == ([], 9, None)


def test_default_and_largest_limit_are_the_documented_ones(double, token, spec_dict):
    params = spec_dict["paths"]["/search"]["get"]["parameters"]
    limit = next(p for p in params if p.get("name") == "limit")["schema"]
    page = search(double, token, q="Queen").json()["tracks"]
    assert page["limit"] == limit["default"] and len(page["items"]) == min(limit["default"], page["total"])
    assert search(double, token, q="Queen", limit=limit["maximum"]).status_code == 200
    assert search(double, token, q="Queen", limit=limit["maximum"] + 1).status_code == 400


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "No search query"),
        ({"q": "   "}, "No search query"),
        ({"q": "Queen", "type": ""}, "Missing parameter type"),
        ({"q": "Queen", "type": "album"}, None),
        ({"q": "Queen", "type": "song"}, "Bad search type field"),
        ({"q": "Queen", "limit": 0}, "Invalid limit"),
        ({"q": "Queen", "limit": "ten"}, "Invalid limit"),
        ({"q": "Queen", "offset": -1}, "Invalid offset"),
        ({"q": "Queen", "offset": 1001}, "Invalid offset"),
        ({"q": "Queen", "market": "spain"}, "Invalid market code"),
    ],
)
def test_bad_parameters_are_400(double, token, params, message):
    assert_spotify_error(search(double, token, **params), 400, message)


@pytest.mark.parametrize(
    ("q", "first"),
    [
        ("qUeEn", "Bohemian Rhapsody - Remastered 2011"),
        ("BOHEMIAN", "Bohemian Rhapsody - Remastered 2011"),
        ("night at the opera", "Bohemian Rhapsody - Remastered 2011"),
        ("bowie", "Under Pressure - Remastered 2011"),
        ("beyonce", "Halo"),
        ("dont stop me now", "Don't Stop Me Now - Remastered 2011"),
        ("brightside", "Mr. Brightside"),
        ("Led Zeppelin", "Stairway to Heaven - Remaster"),
        ("abba queen", "Dancing Queen"),
        ("arrival", "Dancing Queen"),
    ],
)
def test_matching_is_case_insensitive_over_name_artist_album(double, token, q, first):
    assert names(search(double, token, q=q, limit=10))[0] == first


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("queen killer", ["Killer Queen - Remastered 2011"]),
        ("nirvana bohemian", []),
        ("zzzz unknown song", []),
    ],
)
def test_every_word_narrows_the_results_and_no_match_is_empty(double, token, q, found):
    assert names(search(double, token, q=q)) == found


def test_market_other_types_and_a_track_without_cover(double, token):
    item = search(double, token, q="Queen", limit=1, market="ES").json()["tracks"]["items"][0]
    assert "available_markets" not in item and item["is_playable"] is True
    assert "available_markets" in item["album"], "AlbumBase requires it"
    plain = search(double, token, q="Queen", limit=1).json()["tracks"]["items"][0]
    assert "available_markets" in plain and "is_playable" not in plain
    body = search(double, token, q="Queen", type="artist,track").json()
    assert set(body) == {"artists", "tracks"}
    assert body["artists"]["items"] == [] and body["tracks"]["total"] == 9
    (no_cover,) = search(double, token, q="sin portada").json()["tracks"]["items"]
    assert no_cover["album"]["images"] == []


# -- no results, __nada__, synthesis -----------------------------------------------------------
def test_synthesis_is_deterministic_and_never_answers_nada_nor_replaces_a_catalog_hit(double, token):
    assert search(double, token, q="Los Planetas - Segundo Premio").json()["tracks"]["total"] == 0
    double.configure(synthesize=True)
    assert search(double, token, q="__nada__").json()["tracks"]["total"] == 0
    first = search(double, token, q="Los Planetas - Segundo Premio").json()["tracks"]
    again = search(double, token, q="los planetas - SEGUNDO premio").json()["tracks"]
    (track,) = first["items"]
    assert first["total"] == 1 and track["name"] == "Los Planetas - Segundo Premio"
    assert BASE62_22.match(track["id"]) and track["uri"] == f"spotify:track:{track['id']}"
    assert again["items"][0]["id"] == track["id"], "id comes from the normalized query"
    assert [i["width"] for i in track["album"]["images"]] == [640, 300, 64]
    assert search(double, token, q="Another Synth Song").json()["tracks"]["items"][0]["id"] != track["id"]
    assert search(double, token, q="Queen", limit=1).json()["tracks"]["items"][0]["id"] == BOHEMIAN_ID
    with SpotifyDouble(client_id=CLIENT[0], client_secret=CLIENT[1], synthesize=True) as other:
        other.configure(synthesize=False)
        other.reset()  # the constructor's choice survives reset()
        same = search(other, get_token(other), q="Los Planetas - Segundo Premio").json()
    assert same["tracks"]["items"][0]["id"] == track["id"]


def test_runs_as_a_standalone_script(tmp_path):
    port = free_port()
    command = [sys.executable, str(Path(__file__).with_name("server.py")), "--port", str(port)]
    command += ["--client-id", "X", "--client-secret", "Y", "--synthesize"]
    proc = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert "listening" in line, proc.stderr.read() if proc.poll() is not None else line
        base = f"http://127.0.0.1:{port}"
        script = SimpleNamespace(auth_url=base + "/api/token", api_url=base + "/v1/")
        token = post_token(script, auth=("X", "Y")).json()["access_token"]
        for q in ("Queen", "zz top 3000"):  # --synthesize: any query answers
            assert search(script, token, q=q).json()["tracks"]["total"] >= 1
        assert requests.get(base + "/_control/stats", timeout=5).json()["search_calls"] == 2
    finally:
        proc.terminate()
        proc.wait(timeout=5)
    assert proc.returncode == 0
    assert proc.stderr.read() == "", "no per-request logging"
