"""Secrets never leak: the whole flow and its error paths with known sentinel secrets, every
response and both services' full logs (at LOG_LEVEL=DEBUG) captured, then searched: 0 hits.

Sentinels: the Spotify client secret (and the Basic header spotipy builds from it), a wrong
Spotify secret on a second music, the service token, both services' DJANGO_SECRET_KEY, the
JWT_SIGNING_KEY, the Spotify access tokens the double issued, and every JWT (access and refresh)
the users were given. A JWT may appear only in the body of the response that handed it out.
"""

import base64
import uuid

import pytest
import requests

from tests.spotify_double.server import SpotifyDouble
from tests.support.processes import auth_process, music_process

TAG = uuid.uuid4().hex[:10]
SPOTIFY_ID = f"sentinel-client-id-{TAG}"
SPOTIFY_SECRET = f"SENTINEL-spotify-secret-{TAG}"
WRONG_SPOTIFY_SECRET = f"SENTINEL-wrong-spotify-secret-{TAG}"
SERVICE_TOKEN = f"SENTINEL-service-token-{TAG}-0123456789"
AUTH_SECRET_KEY = f"SENTINEL-auth-secret-key-{TAG}-0123456789abcdefghijklmnop"
MUSIC_SECRET_KEY = f"SENTINEL-music-secret-key-{TAG}-0123456789abcdefghijklmno"
JWT_SIGNING_KEY = f"SENTINEL-jwt-signing-key-{TAG}-0123456789abcdefghijklmno"


def basic(client_id: str, secret: str) -> str:
    return base64.b64encode(f"{client_id}:{secret}".encode()).decode()


class Recorder:
    """Makes requests and keeps every response (status, headers, body) for the search."""

    def __init__(self):
        self.responses: list[tuple[str, requests.Response]] = []
        self.issued_jwts: list[str] = []

    def __call__(self, method: str, url: str, *, token: str | None = None, **kwargs) -> requests.Response:
        headers = dict(kwargs.pop("headers", {}))
        if token:
            headers["Authorization"] = f"Bearer {token}"
        response = requests.request(method, url, headers=headers, timeout=15, **kwargs)
        self.responses.append((f"{method} {url}", response))
        return response

    def keep_tokens(self, response: requests.Response) -> dict:
        body = response.json()
        self.issued_jwts += [body[k] for k in ("access", "refresh") if k in body]
        return body


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    logs = tmp_path_factory.mktemp("secret-logs")
    debug = {"LOG_LEVEL": "DEBUG", "MUSIC_SERVICE_TOKEN": SERVICE_TOKEN}
    with SpotifyDouble(client_id=SPOTIFY_ID, client_secret=SPOTIFY_SECRET).start() as double:
        music = music_process(
            logs, spotify=double, name="music-sentinel", DJANGO_SECRET_KEY=MUSIC_SECRET_KEY, **debug
        )
        bad_keys = music_process(
            logs,
            name="music-bad-keys",
            MUSIC_PROVIDERS="spotify",  # Spotify alone: its refusal must not be hidden by another source
            SPOTIFY_CLIENT_ID=SPOTIFY_ID,
            SPOTIFY_CLIENT_SECRET=WRONG_SPOTIFY_SECRET,
            SPOTIFY_API_URL=double.api_url,
            SPOTIFY_AUTH_URL=double.auth_url,
            DJANGO_SECRET_KEY=MUSIC_SECRET_KEY,
            **debug,
        )
        with music, bad_keys:
            auth = auth_process(
                logs,
                database_url=f"sqlite:///{logs / 'notas.db'}",
                music_url=music.url,
                name="auth-sentinel",
                DJANGO_SECRET_KEY=AUTH_SECRET_KEY,
                JWT_SIGNING_KEY=JWT_SIGNING_KEY,
                MUSIC_BREAKER_THRESHOLD="1000",
                DJANGO_STATIC_ROOT=str(logs / "static"),  # the browsable API page needs its manifest
                **debug,
            )
            auth.manage("collectstatic", "--noinput", "-v", "0")
            with auth:
                yield double, music, bad_keys, auth


@pytest.fixture(scope="module")
def run(stack):
    """The flow and its error paths; returns what was captured once the services have stopped."""
    double, music, bad_keys, auth = stack
    call = Recorder()
    A, M = auth.url, music.url
    user = {"username": f"ana{TAG}", "password": "Canciones-2026"}

    assert call("POST", f"{A}/register", json=user).status_code == 201
    assert call("POST", f"{A}/login", json={**user, "password": "mala"}).status_code == 401
    tokens = call.keep_tokens(call("POST", f"{A}/login", json=user))
    access = tokens["access"]
    assert call("GET", f"{A}/me", token=access).status_code == 200

    created = call("POST", f"{A}/notas", token=access, json={"cancion": "Queen", "texto": "ok"})
    assert created.status_code == 201 and created.json()["nota"]["enriquecimiento"] == "ok", created.text
    note_id = created.json()["nota"]["id"]
    assert call("GET", f"{A}/notas", token=access).status_code == 200
    assert call("GET", f"{A}/notas", token=access, headers={"Accept": "text/html"}).status_code == 200
    assert call("GET", f"{A}/notas/{note_id}?access_token={access}", token=access).status_code == 200
    assert (
        call("PATCH", f"{A}/notas/{note_id}", token=access, json={"cancion": "Bohemian"}).status_code == 200
    )

    # The service token: missing or wrong is 401, /health stays open.
    assert call("GET", f"{M}/search", params={"q": "Queen"}).status_code == 401
    wrong = f"{SERVICE_TOKEN[:-1]}X"
    assert call("GET", f"{M}/search", params={"q": "Queen"}, token=wrong).status_code == 401
    assert call("GET", f"{M}/health").status_code == 200
    assert call("GET", f"{M}/search", params={"q": "Queen"}, token=SERVICE_TOKEN).status_code == 200

    # Bad Spotify keys: music answers 502 and says nothing about the keys.
    bad = call("GET", f"{bad_keys.url}/search", params={"q": "Queen"}, token=SERVICE_TOKEN)
    assert bad.status_code == 502, bad.text
    assert call("GET", f"{bad_keys.url}/ready", token=SERVICE_TOKEN).status_code == 503

    # Spotify failing, then rate-limiting (last: the 429 blocks Spotify calls for Retry-After):
    # music answers 502/503, notes are kept "pendiente".
    double.configure(mode="500")
    failing = call("GET", f"{M}/search", params={"q": "Imagine"}, token=SERVICE_TOKEN)
    assert failing.status_code in (502, 503), failing.text
    assert call("POST", f"{A}/notas", token=access, json={"cancion": "Imagine"}).status_code == 201
    double.configure(mode="429", retry_after=7)
    limited = call("GET", f"{M}/search", params={"q": "Despacito"}, token=SERVICE_TOKEN)
    assert limited.status_code == 503 and limited.headers["Retry-After"], limited.text
    pending = call("POST", f"{A}/notas", token=access, json={"cancion": "Despacito"})
    assert pending.status_code == 201 and pending.json()["nota"]["enriquecimiento"] == "pendiente"
    double.configure(mode="ok")

    # Error paths on auth.
    assert (
        call(
            "POST", f"{A}/notas", token=access, data="{mal", headers={"Content-Type": "application/json"}
        ).status_code
        == 400
    )
    assert call("GET", f"{A}/me", token=access[:-3] + "abc").status_code == 401
    assert call("GET", f"{A}/no-existe", token=access).status_code == 404
    assert call("DELETE", f"{A}/me", token=access).status_code == 405
    assert call("POST", f"{A}/logout", token=access, json={"refresh": "no-es-un-token"}).status_code == 400

    # Refresh (rotation), replay of the used token, logout, and after logout.
    rotated = call.keep_tokens(call("POST", f"{A}/token/refresh", json={"refresh": tokens["refresh"]}))
    assert call("POST", f"{A}/token/refresh", json={"refresh": tokens["refresh"]}).status_code == 401
    assert (
        call("POST", f"{A}/logout", token=rotated["access"], json={"refresh": rotated["refresh"]}).status_code
        == 204
    )
    assert call("POST", f"{A}/token/refresh", json={"refresh": rotated["refresh"]}).status_code == 401
    assert call("DELETE", f"{A}/notas/{note_id}", token=rotated["access"]).status_code == 204

    issued_spotify_tokens = list(double._tokens)  # the double's own record of what it handed out
    stats = double.stats()
    for service in (auth, music, bad_keys):
        service.stop()  # flush and close every log before reading it
    logs = {s.name: s.logs() for s in (auth, music, bad_keys)}
    return call, logs, issued_spotify_tokens, stats


def _bodies(call: Recorder, *, skip_token_deliveries: bool) -> list[tuple[str, str]]:
    out = []
    for label, response in call.responses:
        delivers = label.endswith(("/login", "/token/refresh")) and response.status_code == 200
        text = "\n".join(f"{k}: {v}" for k, v in response.headers.items()) + "\n" + response.text
        if skip_token_deliveries and delivers:
            text = "\n".join(f"{k}: {v}" for k, v in response.headers.items())
        out.append((label, text))
    return out


def _hits(needle: str, corpus: list[tuple[str, str]]) -> list[str]:
    return [label for label, text in corpus if needle in text]


def test_the_capture_is_real(run):
    """Controls: the search below looks at something that would show a leak."""
    call, logs, spotify_tokens, stats = run
    assert len(call.responses) >= 25
    assert stats["token_calls"] >= 1 and spotify_tokens  # the secret was used, a token was issued
    assert len(call.issued_jwts) == 4
    login_body = next(r.text for label, r in call.responses if label.endswith("/login") and r.ok)
    assert call.issued_jwts[0] in login_body and call.issued_jwts[1] in login_body
    for name, text in logs.items():
        assert '"logger": "music.access"' in text or '"logger": "auth.access"' in text, name
    assert '"path": "/token/refresh"' in logs["auth-sentinel"]
    assert '"path": "/search"' in logs["music-sentinel"]
    assert "spotify token request refused" in logs["music-bad-keys"]


SECRETS = {
    "spotify client secret": SPOTIFY_SECRET,
    "spotify Basic header": basic(SPOTIFY_ID, SPOTIFY_SECRET),
    "wrong spotify secret": WRONG_SPOTIFY_SECRET,
    "wrong spotify Basic header": basic(SPOTIFY_ID, WRONG_SPOTIFY_SECRET),
    "service token": SERVICE_TOKEN,
    "auth DJANGO_SECRET_KEY": AUTH_SECRET_KEY,
    "music DJANGO_SECRET_KEY": MUSIC_SECRET_KEY,
    "JWT_SIGNING_KEY": JWT_SIGNING_KEY,
}


@pytest.mark.parametrize("name", SECRETS)
def test_no_secret_in_any_response_or_log_line(name, run):
    call, logs, _spotify_tokens, _stats = run
    corpus = _bodies(call, skip_token_deliveries=False) + list(logs.items())
    assert _hits(SECRETS[name], corpus) == []
    assert _hits("SENTINEL-", corpus) == []  # nor any piece of one


def test_no_spotify_access_token_in_any_response_or_log_line(run):
    call, logs, spotify_tokens, _stats = run
    corpus = _bodies(call, skip_token_deliveries=False) + list(logs.items())
    for token in spotify_tokens:
        assert _hits(token, corpus) == []


def test_no_user_jwt_in_any_log_line_or_other_response(run):
    call, logs, _spotify_tokens, _stats = run
    corpus = _bodies(call, skip_token_deliveries=True) + list(logs.items())
    for jwt in call.issued_jwts:
        signature = jwt.rsplit(".", 1)[1]
        assert _hits(jwt, corpus) == []
        assert _hits(signature, corpus) == []
