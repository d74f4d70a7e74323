"""A live music_service with MUSIC_SERVICE_TOKEN: only the exact token opens it (docs included, refused
in JSON); /health stays open. (auth refused by music saves the note pendiente:
tests/auth/notes/test_music_client.py, 401 -> MusicUnavailable.)"""

import secrets

import pytest
import requests

from tests.e2e.helpers import assert_json_error
from tests.support.processes import music_process

TOKEN = secrets.token_urlsafe(32)


@pytest.fixture(scope="module")
def guarded_music(tmp_path_factory):
    with music_process(
        tmp_path_factory.mktemp("guarded"), name="music-guarded", MUSIC_SERVICE_TOKEN=TOKEN
    ) as m:
        yield m


def get(music, path, authorization=None, accept="application/json", **params):
    headers = {"Accept": accept, **({"Authorization": authorization} if authorization is not None else {})}
    return requests.get(music.url + path, headers=headers, params=params, timeout=10)


WRONG = {
    "none": None, "empty": "", "scheme_only": "Bearer", "scheme_and_space": "Bearer ",
    "other_value": "Bearer x",    "one_character_short": f"Bearer {TOKEN[:-1]}",
    "same_length_last_wrong": f"Bearer {TOKEN[:-1]}{'A' if TOKEN[-1] != 'A' else 'B'}",
    "one_character_more": f"Bearer {TOKEN}x", "other_case": f"Bearer {TOKEN.swapcase()}",
    "lowercase_scheme": f"bearer {TOKEN}", "token_scheme": f"Token {TOKEN}", "basic_scheme": f"Basic {TOKEN}",
    "no_scheme": TOKEN,
}  # fmt: skip
PATHS = [("/search", "application/json"), ("/ready", "application/json"), ("/api/schema", "*/*"),
         ("/api/docs", "text/html"), ("/api/redoc", "text/html")]  # fmt: skip


@pytest.mark.parametrize("wrong", WRONG)
@pytest.mark.parametrize(("path", "accept"), PATHS)
def test_without_the_exact_token_music_is_401(path, accept, wrong, guarded_music):
    response = get(guarded_music, path, WRONG[wrong], accept, q="Queen", token=TOKEN, access_token=TOKEN)
    assert_json_error(response, 401)  # a token in the query string does not count either
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_with_the_token_music_answers_and_health_stays_open(guarded_music):
    response = get(guarded_music, "/search", f"Bearer {TOKEN}", q="Queen")
    assert response.status_code == 200 and response.json()["results"], response.text
    assert get(guarded_music, "/ready", f"Bearer {TOKEN}").status_code == 200
    assert "/search" in get(guarded_music, "/api/schema", f"Bearer {TOKEN}", "*/*").text
    for path in ("/health", "/health/"):
        assert get(guarded_music, path).json()["status"] == "ok"
