"""Secrets never leak: the whole flow and its error paths run with sentinel secrets, every response and
both services' DEBUG logs are searched: 0 hits. Sentinels: the Spotify client secret (and its Basic
header), a wrong one on a second music, the service token, both DJANGO_SECRET_KEYs, the JWT_SIGNING_KEY,
the double's Spotify tokens, and every JWT issued (only in the body of the response that issued it)."""

import base64
import uuid

import pytest
import requests

from tests.e2e.helpers import collected_auth
from tests.spotify_double.server import SpotifyDouble
from tests.support.processes import music_process

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


class Recorder:
    """Makes requests and keeps every response (status, headers, body) for the search."""

    def __init__(self):
        self.responses: list[tuple[str, requests.Response]] = []
        self.issued_jwts: list[str] = []

    def __call__(self, method: str, url: str, expected: int | tuple, *, token=None, **kwargs):
        headers = {**kwargs.pop("headers", {}), **({"Authorization": f"Bearer {token}"} if token else {})}
        response = requests.request(method, url, headers=headers, timeout=15, **kwargs)
        self.responses.append((f"{method} {url}", response))
        expected = (expected,) if isinstance(expected, int) else expected
        assert response.status_code in expected, (method, url, response.status_code, response.text)
        return response

    def keep_tokens(self, response: requests.Response) -> dict:
        body = response.json()
        self.issued_jwts += [body["access"], body["refresh"]]
        return body


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """The flow and its error paths; what was captured once the services have stopped."""
    logs = tmp_path_factory.mktemp("secret-logs")
    debug = {
        "LOG_LEVEL": "DEBUG",
        "MUSIC_SERVICE_TOKEN": SERVICE_TOKEN,
        "DJANGO_SECRET_KEY": MUSIC_SECRET_KEY,
    }
    with SpotifyDouble(client_id=SPOTIFY_ID, client_secret=SPOTIFY_SECRET).start() as double:
        music = music_process(logs, spotify=double, name="music-sentinel", **debug)
        bad_keys = music_process(logs, spotify=double, name="music-bad-keys", **debug)
        bad_keys.env["SPOTIFY_CLIENT_SECRET"] = WRONG_SPOTIFY_SECRET  # Spotify alone: its refusal shows
        keys = {**debug, "DJANGO_SECRET_KEY": AUTH_SECRET_KEY, "JWT_SIGNING_KEY": JWT_SIGNING_KEY}
        auth = collected_auth(logs, logs, music.url, "auth-sentinel", MUSIC_BREAKER_THRESHOLD="1000", **keys)
        with music, bad_keys, auth:  # static files collected: the browsable API page needs their manifest
            call = flow(double, music, bad_keys, auth)
        stats, spotify_tokens = double.stats(), list(double._tokens)  # what the double handed out
    return call, {s.name: s.logs() for s in (auth, music, bad_keys)}, spotify_tokens, stats


def flow(double, music, bad_keys, auth) -> Recorder:
    call, A, M, B = Recorder(), auth.url, music.url, bad_keys.url
    user = {"username": f"ana{TAG}", "password": "Canciones-2026"}
    call("POST", f"{A}/register", 201, json=user)
    call("POST", f"{A}/login", 401, json={**user, "password": "mala"})
    tokens = call.keep_tokens(call("POST", f"{A}/login", 200, json=user))
    access = tokens["access"]
    call("GET", f"{A}/me", 200, token=access)
    created = call("POST", f"{A}/notas", 201, token=access, json={"cancion": "Queen", "texto": "ok"})
    assert created.json()["nota"]["enriquecimiento"] == "ok", created.text
    note = f"{A}/notas/{created.json()['nota']['id']}"
    call("GET", f"{A}/notas", 200, token=access)
    call("GET", f"{A}/notas", 200, token=access, headers={"Accept": "text/html"})
    call("GET", f"{note}?access_token={access}", 200, token=access)
    call("PATCH", note, 200, token=access, json={"cancion": "Bohemian"})
    # The service token: missing or wrong is 401, /health stays open.
    call("GET", f"{M}/search", 401, params={"q": "Queen"})
    call("GET", f"{M}/search", 401, params={"q": "Queen"}, token=f"{SERVICE_TOKEN[:-1]}X")
    call("GET", f"{M}/health", 200)
    call("GET", f"{M}/search", 200, params={"q": "Queen"}, token=SERVICE_TOKEN)
    # Bad Spotify keys: 502 and not ready, saying nothing about the keys.
    call("GET", f"{B}/search", 502, params={"q": "Queen"}, token=SERVICE_TOKEN)
    call("GET", f"{B}/ready", 503, token=SERVICE_TOKEN)
    # Spotify failing, then rate-limiting (last: a 429 blocks Spotify calls): notes kept pendiente.
    double.configure(mode="500")
    call("GET", f"{M}/search", (502, 503), params={"q": "Imagine"}, token=SERVICE_TOKEN)
    call("POST", f"{A}/notas", 201, token=access, json={"cancion": "Imagine"})
    double.configure(mode="429", retry_after=7)
    limited = call("GET", f"{M}/search", 503, params={"q": "Despacito"}, token=SERVICE_TOKEN)
    assert limited.headers["Retry-After"]
    pending = call("POST", f"{A}/notas", 201, token=access, json={"cancion": "Despacito"})
    assert pending.json()["nota"]["enriquecimiento"] == "pendiente"
    double.configure(mode="ok")
    # Error paths on auth.
    call("POST", f"{A}/notas", 400, token=access, data="{mal", headers={"Content-Type": "application/json"})
    call("GET", f"{A}/me", 401, token=access[:-3] + "abc")
    call("GET", f"{A}/no-existe", 404, token=access)
    call("DELETE", f"{A}/me", 405, token=access)
    call("POST", f"{A}/logout", 400, token=access, json={"refresh": "no-es-un-token"})
    # Refresh (rotation), replay of the used token, logout, and after logout.
    rotated = call.keep_tokens(call("POST", f"{A}/token/refresh", 200, json={"refresh": tokens["refresh"]}))
    call("POST", f"{A}/token/refresh", 401, json={"refresh": tokens["refresh"]})
    call("POST", f"{A}/logout", 204, token=rotated["access"], json={"refresh": rotated["refresh"]})
    call("POST", f"{A}/logout", 400, token=rotated["access"], json={"refresh": rotated["refresh"]})  # twice
    call("POST", f"{A}/token/refresh", 401, json={"refresh": rotated["refresh"]})
    call("DELETE", note, 204, token=rotated["access"])
    return call


def corpus(call: Recorder, logs: dict, *, skip_token_deliveries: bool) -> list[tuple[str, str]]:
    out = list(logs.items())
    for label, response in call.responses:
        text = "\n".join(f"{k}: {v}" for k, v in response.headers.items())
        delivers = label.endswith(("/login", "/token/refresh")) and response.status_code == 200
        out.append((label, text if skip_token_deliveries and delivers else f"{text}\n{response.text}"))
    return out


def hits(needle: str, searched: list[tuple[str, str]]) -> list[str]:
    return [label for label, text in searched if needle in text]


def test_no_secret_in_any_response_or_log_line(run):
    call, logs, _, _ = run
    searched = corpus(call, logs, skip_token_deliveries=False)
    assert {name: hits(secret, searched) for name, secret in SECRETS.items() if hits(secret, searched)} == {}
    assert hits("SENTINEL-", searched) == []  # nor any piece of one


def test_the_capture_is_real_and_no_spotify_or_user_token_is_where_it_does_not_belong(run):
    call, logs, spotify_tokens, stats = run
    # Controls: the search looks at something that would show a leak.
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
    everywhere = corpus(call, logs, skip_token_deliveries=False)
    assert [token for token in spotify_tokens if hits(token, everywhere)] == []
    elsewhere = corpus(call, logs, skip_token_deliveries=True)
    for jwt in call.issued_jwts:
        assert hits(jwt, elsewhere) == [] and hits(jwt.rsplit(".", 1)[1], elsewhere) == []
