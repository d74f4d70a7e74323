"""Hostile input through gunicorn: malformed JSON, wrong types, oversized fields, bodies over 1 MiB,
unknown methods and paths all get a JSON 4xx in our shape. SQL and script payloads are stored verbatim
(rendered escaped: tests/auth/security/test_stored_payloads.py; bad /search queries:
tests/music/config/test_spanish.py)."""

import json

import pytest
import requests

from tests.e2e.helpers import assert_json_error, sql
from tests.support.http import Api

MIB = 1024 * 1024
# (method, path, needs a token, takes a body); {id} is one of the caller's notes.
AUTH_ENDPOINTS = [
    ("POST", "/register", False, True), ("POST", "/login", False, True),
    ("POST", "/token/refresh", False, True), ("POST", "/logout", True, True), ("GET", "/me", True, False),
    ("GET", "/notas", True, False), ("POST", "/notas", True, True), ("GET", "/notas/{id}", True, False),
    ("PUT", "/notas/{id}", True, True), ("PATCH", "/notas/{id}", True, True),
    ("DELETE", "/notas/{id}", True, False), ("GET", "/health", False, False), ("GET", "/ready", False, False),
]  # fmt: skip
BODY_ENDPOINTS = [(m, p, a) for m, p, a, body in AUTH_ENDPOINTS if body]
MUSIC_PATHS = ["/search", "/health", "/ready"]


def ident(value) -> str:
    return value if isinstance(value, str) else str(value)[:30]


@pytest.fixture(scope="module")
def owner(auth):
    return Api(auth.url).register_and_login("hostil_owner")


@pytest.fixture
def send(auth, music, owner):
    """``send(method, path, token, ...)``: one request to auth (token: the owner's Bearer, or none) or to
    music (token "music": the service token); ``{id}`` is a new note of the owner's (``send.note_id``)."""
    note_id = owner.post("/notas", json={"cancion": "Queen"}).json()["nota"]["id"]

    def request(method: str, path: str, token, *, data=None, headers=None, timeout=30) -> requests.Response:
        base, sent = (music.url, dict(music.service_auth)) if token == "music" else (auth.url, {})
        if token is True:
            sent["Authorization"] = f"Bearer {owner.token}"
        sent.update({"Content-Type": "application/json", **(headers or {})})
        return requests.request(
            method, base + path.format(id=note_id), data=data, headers=sent, timeout=timeout
        )

    request.note_id = note_id
    return request


BAD_BODIES = [
    b"{", b'{"cancion": }', b"{'cancion': 'comillas simples'}", b'{"cancion": "sin cerrar}',
    b'{"a": 1}{"b": 2}',
    b"\xff\xfe\x00{", b'{"cancion": NaN}', b'{"cancion": Infinity}', b"[" * 50_000 + b"]" * 50_000,
    b'{"a":' * 50_000 + b"1" + b"}" * 50_000, b'{"cancion": 1' + b"0" * 5000 + b"}",
    # Well-formed JSON of the wrong types.
    *(json.dumps(body).encode() for body in [
        [], ["cancion", "Queen"], "texto suelto", 12345, None, True,
        {"cancion": ["Queen"], "texto": {"a": 1}, "username": ["ana"], "password": {"p": 1}, "refresh": []},
        {"cancion": {"$ne": None}, "username": {"$gt": ""}, "password": {"$gt": ""}, "refresh": {"jti": "x"}},
        {"cancion": True, "username": False, "password": None, "refresh": None},
    ]),
]  # fmt: skip


@pytest.mark.parametrize("body", BAD_BODIES, ids=lambda b: repr(b[:20]))
@pytest.mark.parametrize(("method", "path", "needs_token"), BODY_ENDPOINTS, ids=ident)
def test_malformed_json_and_wrong_types_are_a_json_400(method, path, needs_token, body, send):
    assert_json_error(send(method, path, needs_token, data=body), 400)


OVERSIZED = [
    ("POST", "/register", False, {"username": "u" * 151, "password": "Canciones-2026"}, 400),
    ("POST", "/register", False, {"username": "largo", "password": "P" * 129}, 400),
    ("POST", "/register", False, {"username": "u" * 500_000, "password": "Canciones-2026"}, 400),
    ("POST", "/login", False, {"username": "u" * 500_000, "password": "x"}, 401),
    ("POST", "/login", False, {"username": "ana", "password": "p" * 500_000}, 401),
    ("POST", "/token/refresh", False, {"refresh": "r" * 500_000}, 401),
    ("POST", "/logout", True, {"refresh": "r" * 500_000}, 400),
    ("POST", "/notas", True, {"cancion": "c" * 201}, 400),
    ("POST", "/notas", True, {"cancion": "c" * 500_000}, 400),
    ("POST", "/notas", True, {"cancion": "Queen", "texto": "t" * 5001}, 400),
    ("PUT", "/notas/{id}", True, {"cancion": "c" * 201, "texto": "t" * 5001}, 400),
    ("PATCH", "/notas/{id}", True, {"texto": "t" * 500_000}, 400),
]


@pytest.mark.parametrize(("method", "path", "needs_token", "body", "status"), OVERSIZED, ids=ident)
def test_oversized_fields_are_a_json_4xx(method, path, needs_token, body, status, send):
    response = send(method, path, needs_token, data=json.dumps(body))
    assert_json_error(response, status)
    assert len(response.content) < 10_000  # the error does not echo the field back


EVERY_ENDPOINT = [e[:3] for e in AUTH_ENDPOINTS] + [("GET", path, "music") for path in MUSIC_PATHS]


@pytest.mark.parametrize(("method", "path", "needs_token"), EVERY_ENDPOINT, ids=ident)
@pytest.mark.parametrize("size", [MIB + 1, 3 * MIB])
def test_a_body_over_one_mib_is_a_json_413_on_every_endpoint(method, path, needs_token, size, send, owner):
    response = send(method, path, needs_token, data=b"{" + b" " * (size - 2) + b"}")
    assert assert_json_error(response, 413)["detalle"] == {"max_bytes": MIB}
    assert owner.get(f"/notas/{send.note_id}").status_code == 200  # nothing was read or changed


def test_exactly_one_mib_is_still_read(send):
    padding = MIB - len('{"cancion": "Queen", "texto": ""}')
    body = '{"cancion": "Queen", "texto": "' + " " * padding + '"}'
    assert len(body) == MIB
    response = send("POST", "/notas", True, data=body)
    assert "texto" in assert_json_error(response, 400)["detalle"]  # parsed: texto is over 5,000 characters


UNKNOWN_METHODS = ("PROPFIND", "FOO", "CONNECTX")
MUSIC_REFUSED = ("POST", "PUT", "PATCH", "DELETE", *UNKNOWN_METHODS)  # music: GET only
NOT_ALLOWED = [
    ("DELETE", "/register"), ("GET", "/login"), ("PUT", "/token/refresh"), ("GET", "/logout"),
    ("POST", "/me"), ("PATCH", "/notas"), ("DELETE", "/notas"), ("POST", "/notas/{id}"), ("POST", "/health"),
    ("DELETE", "/ready"),
]  # fmt: skip
UNKNOWN_PATHS = [
    "/nada", "/notas/1/extra", "/notas/abc", "/notas/-1", "/notas/1.5", "/notas/99999999999999999999999999",
    "/notas/%F0%9F%8E%B5", "/registerx", "/login/x", "/.env", "/index.php", "/wp-admin/", "/static/nada.css",
    "/static/../config/settings/base.py", "/%2e%2e/%2e%2e/etc/passwd", "/%00", "/notas/%00", "/" + "a" * 2000,
]  # fmt: skip
# (token as send() takes it: True for auth, "music" for music; method, path, headers, status)
ERRORS = [
    *[(True, m, p, {}, 405) for p in sorted({e[1] for e in AUTH_ENDPOINTS}) for m in UNKNOWN_METHODS],
    *[(True, m, p, {}, 405) for m, p in NOT_ALLOWED],
    *[("music", m, p, {}, 405) for p in MUSIC_PATHS for m in MUSIC_REFUSED],
    *[(token, "GET", p, {}, 404) for token in (True, "music") for p in UNKNOWN_PATHS],
    # The OpenAPI views render YAML or HTML: their errors are JSON too.
    (True, "POST", "/api/schema", {}, 405), (True, "GET", "/api/schema?format=xml", {}, 404),
    (True, "GET", "/notas?format=xml", {}, 404), (True, "DELETE", "/api/docs", {"Accept": "text/html"}, 405),
    (True, "GET", "/notas", {"Accept": "application/xml"}, 406),
]  # fmt: skip


@pytest.mark.parametrize(("token", "method", "path", "headers", "status"), ERRORS, ids=ident)
def test_unknown_methods_paths_and_formats_are_json_errors(token, method, path, headers, status, send):
    response = send(method, path, token, data=b"{}" if status == 405 else None, headers=headers, timeout=10)
    assert_json_error(response, status)
    if status == 405 and method not in UNKNOWN_METHODS and not path.startswith("/api/"):
        assert response.headers["Allow"]


PAYLOADS = [
    ("Robert'); DROP TABLE notes_note;--", "1' OR '1'='1"),
    ("<script>alert('xss')</script>", "<img src=x onerror=alert(1)>"),
    ("'; SELECT password FROM accounts_user; --", "</pre><script>alert(document.cookie)</script>"),
]


def test_sql_and_script_payloads_are_stored_verbatim(auth, owner):
    for cancion, texto in PAYLOADS:
        created = owner.post("/notas", json={"cancion": cancion, "texto": texto})
        assert created.status_code == 201 and created.json()["nota"]["cancion"] == cancion, created.text
        query = "SELECT cancion, texto, user_id FROM notes_note WHERE id = ?"
        stored = sql(auth.database, query, created.json()["nota"]["id"])
        assert stored == [(cancion, texto, owner.user_id)]
    tables = {name for (name,) in sql(auth.database, "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"notes_note", "accounts_user"} <= tables
