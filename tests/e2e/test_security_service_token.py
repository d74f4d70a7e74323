"""A live music_service with MUSIC_SERVICE_TOKEN set: only the token opens it; /health stays open.
And a live auth_service presents the token (its notes get their photo) or, with the wrong one,
is refused like anyone else (its notes wait "pendiente")."""

import secrets

import pytest
import requests

from tests.support.http import Api
from tests.support.processes import auth_process, music_process

TOKEN = secrets.token_urlsafe(32)


@pytest.fixture(scope="module")
def guarded_music(tmp_path_factory):
    with music_process(
        tmp_path_factory.mktemp("guarded-logs"), name="music-guarded", MUSIC_SERVICE_TOKEN=TOKEN
    ) as m:
        yield m


def get(music, path, authorization=None, **params):
    headers = {"Accept": "application/json"}
    if authorization is not None:
        headers["Authorization"] = authorization
    return requests.get(music.url + path, headers=headers, params=params, timeout=10)


def assert_401(response):
    assert response.status_code == 401, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    assert set(response.json()) == {"error", "detalle"}
    assert response.headers["WWW-Authenticate"] == "Bearer"


WRONG = {
    "none": None,
    "empty": "",
    "scheme_only": "Bearer",
    "scheme_and_space": "Bearer ",
    "other_value": "Bearer x",
    "one_character_short": f"Bearer {TOKEN[:-1]}",
    "same_length_last_wrong": f"Bearer {TOKEN[:-1]}{'A' if TOKEN[-1] != 'A' else 'B'}",
    "one_character_more": f"Bearer {TOKEN}x",
    "other_case": f"Bearer {TOKEN.swapcase()}",
    "lowercase_scheme": f"bearer {TOKEN}",
    "token_scheme": f"Token {TOKEN}",
    "basic_scheme": f"Basic {TOKEN}",
    "no_scheme": TOKEN,
}


@pytest.mark.parametrize("wrong", WRONG)
@pytest.mark.parametrize("path", ["/search", "/ready", "/api/schema"])
def test_without_the_exact_token_music_is_401(path, wrong, guarded_music):
    assert_401(get(guarded_music, path, WRONG[wrong], q="Queen"))


def test_the_token_in_the_query_string_does_not_count(guarded_music):
    assert_401(get(guarded_music, "/search", None, q="Queen", token=TOKEN, access_token=TOKEN))


def test_with_the_token_music_answers(guarded_music):
    response = get(guarded_music, "/search", f"Bearer {TOKEN}", q="Queen")
    assert response.status_code == 200, response.text
    assert response.json()["results"]
    assert get(guarded_music, "/ready", f"Bearer {TOKEN}").status_code == 200


@pytest.mark.parametrize("path", ["/health", "/health/"])
def test_health_stays_open(path, guarded_music):
    response = get(guarded_music, path)
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


@pytest.mark.parametrize(("auth_token", "expected"), [(TOKEN, "ok"), ("not-" + TOKEN, "pendiente")])
def test_auth_presents_its_token_to_music(auth_token, expected, guarded_music, tmp_path, log_dir):
    with auth_process(
        log_dir,
        database_url=f"sqlite:///{tmp_path / 'notas.db'}",
        music_url=guarded_music.url,
        name=f"auth-token-{expected}",
        MUSIC_SERVICE_TOKEN=auth_token,
    ) as auth:
        user = Api(auth.url).register_and_login("con_token")
        response = user.post("/notas", json={"cancion": "Bohemian Rhapsody"})
        assert response.status_code == 201, response.text
        assert response.json()["nota"]["enriquecimiento"] == expected
    assert auth_token not in auth.logs()


@pytest.mark.parametrize(
    ("path", "accept"), [("/api/schema", "*/*"), ("/api/docs", "text/html"), ("/api/redoc", "text/html")]
)
def test_the_documentation_is_behind_the_token_and_refuses_in_json(path, accept, guarded_music):
    assert_401(requests.get(guarded_music.url + path, headers={"Accept": accept}, timeout=10))


def test_the_schema_opens_with_the_token(guarded_music):
    opened = requests.get(
        f"{guarded_music.url}/api/schema", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10
    )
    assert opened.status_code == 200
    assert "/search" in opened.text
