"""The Deezer/iTunes double serves the recorded shapes (recorded.json), errors included."""

import json
import urllib.error
import urllib.request

import pytest

from tests.keyless_double.server import KeylessDouble, recorded

RECORDED = recorded()


@pytest.fixture(scope="module")
def double():
    with KeylessDouble(synthesize=True).start() as server:
        yield server


@pytest.fixture(autouse=True)
def _reset(double):
    double.reset()


def get(url: str) -> tuple[int, dict | bytes, dict]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            raw = response.read()
            status, headers = response.status, dict(response.headers)
    except urllib.error.HTTPError as exc:
        raw, status, headers = exc.read(), exc.code, dict(exc.headers)
    try:
        return status, json.loads(raw), headers
    except ValueError:
        return status, raw, headers


def test_a_recorded_deezer_track_is_served_verbatim(double):
    status, body, _ = get(f"{double.deezer_url}/search?q=Too+much+Lou+Doillon&limit=1")
    assert status == 200
    assert body["data"] == RECORDED["deezer"]["search"]["answer"]["data"][:1]
    assert set(body) <= set(RECORDED["deezer"]["search"]["answer"])


def test_a_synthesized_deezer_track_has_the_recorded_shape(double):
    _, body, _ = get(f"{double.deezer_url}/search?q=Zumbido")
    recorded_track = RECORDED["deezer"]["search"]["answer"]["data"][0]
    (track,) = body["data"]
    assert set(track) == set(recorded_track)
    assert set(track["album"]) == set(recorded_track["album"])
    assert set(track["artist"]) == set(recorded_track["artist"])


def test_a_recorded_itunes_result_is_served_verbatim(double):
    status, body, _ = get(f"{double.itunes_url}/search?term=Jack+Johnson+Pipe+Bomb&entity=song")
    assert status == 200
    assert body == RECORDED["itunes"]["search"]["answer"] | {"resultCount": 1}


def test_a_synthesized_itunes_result_has_the_recorded_shape(double):
    _, body, _ = get(f"{double.itunes_url}/search?term=Zumbido&entity=song")
    assert set(body["results"][0]) == set(RECORDED["itunes"]["search"]["answer"]["results"][0])


def test_errors_are_the_recorded_ones(double):
    double.configure("deezer", mode="error")
    assert get(f"{double.deezer_url}/search?q=x")[:2] == (200, RECORDED["deezer"]["error_in_200"]["answer"])
    double.configure("deezer", mode="quota")
    assert get(f"{double.deezer_url}/search?q=x")[:2] == (200, RECORDED["deezer"]["quota"]["answer"])
    double.configure("itunes", mode="error")
    expected = RECORDED["itunes"]["error_400"]
    assert get(f"{double.itunes_url}/search?term=x")[:2] == (expected["status"], expected["answer"])


@pytest.mark.parametrize("api", ["deezer", "itunes"])
def test_http_failures_and_stats(double, api):
    url = double.deezer_url if api == "deezer" else double.itunes_url
    double.configure(api, mode="429", retry_after=7)
    status, _, headers = get(f"{url}/search?q=x&term=x")
    assert (status, headers["Retry-After"]) == (429, "7")
    double.configure(api, mode="503")
    assert get(f"{url}/search?q=x&term=x")[0] == 503
    double.configure(api, mode="garbage")
    status, body, _ = get(f"{url}/search?q=x&term=x")
    assert status == 200 and isinstance(body, bytes)
    assert double.stats(api)["search_calls"] == 3
