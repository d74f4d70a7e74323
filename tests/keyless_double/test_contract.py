"""The Deezer/iTunes double serves the recorded answers (recorded.json) exactly, errors included, and
synthesizes only in their shape."""

import json

import pytest
import requests

from tests.keyless_double.server import KeylessDouble, recorded

RECORDED = recorded()
DEEZER, ITUNES = RECORDED["deezer"], RECORDED["itunes"]


@pytest.fixture(scope="module")
def double():
    with KeylessDouble(synthesize=True).start() as server:
        yield server


@pytest.fixture(autouse=True)
def _reset(double):
    double.reset()


def get(double, api: str, query: str, **params) -> requests.Response:
    url = double.deezer_url if api == "deezer" else double.itunes_url
    key = "q" if api == "deezer" else "term"
    return requests.get(f"{url}/search", params={key: query, **params}, timeout=5)


def keys(value) -> object:
    """The shape of a JSON value: its keys, recursively, without the values."""
    return {k: keys(v) for k, v in value.items()} if isinstance(value, dict) else type(value).__name__


def test_recorded_answers_are_served_verbatim(double):
    deezer = get(double, "deezer", "Too much Lou Doillon", limit=1)
    assert deezer.status_code == 200
    assert deezer.json()["data"] == DEEZER["search"]["answer"]["data"][:1]
    assert set(deezer.json()) <= set(DEEZER["search"]["answer"])
    itunes = get(double, "itunes", "Jack Johnson Pipe Bomb", entity="song")
    assert itunes.status_code == 200
    assert itunes.json() == ITUNES["search"]["answer"] | {"resultCount": 1}


def test_synthesized_tracks_have_the_recorded_shape(double):
    (track,) = get(double, "deezer", "Zumbido").json()["data"]
    assert keys(track) == keys(DEEZER["search"]["answer"]["data"][0]) and track["title"] == "Zumbido"
    (item,) = get(double, "itunes", "Zumbido").json()["results"]
    assert keys(item) == keys(ITUNES["search"]["answer"]["results"][0]) and item["trackName"] == "Zumbido"
    assert get(double, "deezer", "__nada__").json()["data"] == []


def test_errors_are_the_recorded_ones(double):
    for api, mode, recording in [
        ("deezer", "error", DEEZER["error_in_200"]),
        ("deezer", "quota", DEEZER["quota"]),
        ("itunes", "error", ITUNES["error_400"]),
    ]:
        double.configure(api, mode=mode)
        answer = get(double, api, "x")
        assert (answer.status_code, answer.json()) == (recording.get("status", 200), recording["answer"])


@pytest.mark.parametrize("api", ["deezer", "itunes"])
def test_http_failures_and_stats(double, api):
    config = {"api": api, "mode": "429", "retry_after": 7}  # over HTTP, as the double's image is driven
    requests.post(f"{double.url}/_control/config", json=config, timeout=5)
    answer = get(double, api, "x")
    assert (answer.status_code, answer.headers["Retry-After"]) == (429, "7")
    double.configure(api, mode="503")
    assert get(double, api, "x").status_code == 503
    double.configure(api, mode="garbage")
    answer = get(double, api, "x")
    assert answer.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(answer.content)
    stats = requests.get(f"{double.url}/_control/stats", timeout=5).json()[api]
    assert stats == {"search_calls": 3, "queries": ["x"] * 3}
