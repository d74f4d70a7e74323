"""Hostile input against both live services: every endpoint answers malformed JSON, wrong types,
oversized fields, bodies over 1 MiB, unknown methods and unknown paths with a JSON 4xx in our
shape, never a 5xx or an HTML page. SQL and script payloads are stored verbatim."""

import json
import sqlite3

import pytest
import requests

from tests.support.http import Api

MIB = 1024 * 1024

# (method, path, needs a token, takes a body); {id} is one of the caller's notes.
AUTH_ENDPOINTS = [
    ("POST", "/register", False, True),
    ("POST", "/login", False, True),
    ("POST", "/token/refresh", False, True),
    ("POST", "/logout", True, True),
    ("GET", "/me", True, False),
    ("GET", "/notas", True, False),
    ("POST", "/notas", True, True),
    ("GET", "/notas/{id}", True, False),
    ("PUT", "/notas/{id}", True, True),
    ("PATCH", "/notas/{id}", True, True),
    ("DELETE", "/notas/{id}", True, False),
    ("GET", "/health", False, False),
    ("GET", "/ready", False, False),
]
BODY_ENDPOINTS = [(m, p, a) for m, p, a, body in AUTH_ENDPOINTS if body]
MUSIC_ENDPOINTS = [("GET", "/search?q=Queen"), ("GET", "/health"), ("GET", "/ready")]


def ident(value) -> str:
    return value if isinstance(value, str) else str(value)


def assert_json_error(response: requests.Response, *statuses: int) -> None:
    assert response.status_code in statuses, (response.status_code, response.text[:300])
    assert response.headers["Content-Type"].startswith("application/json"), response.text[:300]
    body = response.json()
    assert isinstance(body["error"], str) and body["error"]
    assert isinstance(body["detalle"], dict)


@pytest.fixture(scope="module")
def owner(auth):
    return Api(auth.url).register_and_login("hostil_owner")


@pytest.fixture
def note_id(owner):
    return owner.post("/notas", json={"cancion": "Queen"}).json()["nota"]["id"]


def send(auth, owner, note_id, method, path, needs_token, *, data=None, headers=None, **kwargs):
    merged = {"Content-Type": "application/json", **(headers or {})}
    if needs_token:
        merged["Authorization"] = f"Bearer {owner.token}"
    url = auth.url + path.format(id=note_id)
    return requests.request(method, url, data=data, headers=merged, timeout=30, **kwargs)


MALFORMED = [
    b"{",
    b'{"cancion": }',
    b"{'cancion': 'comillas simples'}",
    b'{"cancion": "sin cerrar}',
    b'{"a": 1}{"b": 2}',
    b"\xff\xfe\x00{",
    b'{"cancion": NaN}',
    b'{"cancion": Infinity}',
    b"[" * 50_000 + b"]" * 50_000,
    b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
    b'{"cancion": 1' + b"0" * 5000 + b"}",
]


@pytest.mark.parametrize("body", MALFORMED, ids=lambda b: repr(b[:20]))
@pytest.mark.parametrize(("method", "path", "needs_token"), BODY_ENDPOINTS, ids=ident)
def test_malformed_json_is_a_json_400(method, path, needs_token, body, auth, owner, note_id):
    response = send(auth, owner, note_id, method, path, needs_token, data=body)
    assert_json_error(response, 400)


WRONG_TYPES = [
    [],
    ["cancion", "Queen"],
    "texto suelto",
    12345,
    None,
    True,
    {"cancion": ["Queen"], "texto": {"a": 1}, "username": ["ana"], "password": {"p": 1}, "refresh": []},
    {"cancion": {"$ne": None}, "username": {"$gt": ""}, "password": {"$gt": ""}, "refresh": {"jti": "x"}},
    {"cancion": True, "username": False, "password": None, "refresh": None},
]


@pytest.mark.parametrize("body", WRONG_TYPES, ids=lambda b: type(b).__name__ + str(len(str(b))))
@pytest.mark.parametrize(("method", "path", "needs_token"), BODY_ENDPOINTS, ids=ident)
def test_wrong_types_are_a_json_400(method, path, needs_token, body, auth, owner, note_id):
    response = send(auth, owner, note_id, method, path, needs_token, data=json.dumps(body))
    assert_json_error(response, 400)


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
def test_oversized_fields_are_a_json_4xx(method, path, needs_token, body, status, auth, owner, note_id):
    response = send(auth, owner, note_id, method, path, needs_token, data=json.dumps(body))
    assert_json_error(response, status)
    assert len(response.content) < 10_000  # the error does not echo the field back


@pytest.mark.parametrize(("method", "path", "needs_token", "_body"), AUTH_ENDPOINTS, ids=ident)
@pytest.mark.parametrize("size", [MIB + 1, 3 * MIB])
def test_a_body_over_one_mib_is_a_json_413_on_every_auth_endpoint(
    method, path, needs_token, _body, size, auth, owner, note_id
):
    response = send(auth, owner, note_id, method, path, needs_token, data=b"{" + b" " * (size - 2) + b"}")
    assert_json_error(response, 413)
    assert response.json()["detalle"] == {"max_bytes": MIB}
    # Nothing was read or changed: the note is still there.
    assert owner.get(f"/notas/{note_id}").status_code == 200


@pytest.mark.parametrize(("method", "path"), MUSIC_ENDPOINTS, ids=ident)
@pytest.mark.parametrize("size", [MIB + 1, 3 * MIB])
def test_a_body_over_one_mib_is_a_json_413_on_every_music_endpoint(method, path, size, music):
    response = requests.request(
        method, music.url + path, data=b"x" * size, headers=music.service_auth, timeout=30
    )
    assert_json_error(response, 413)


def test_exactly_one_mib_is_still_read(auth, owner, note_id):
    padding = MIB - len('{"cancion": "Queen", "texto": ""}')
    body = '{"cancion": "Queen", "texto": "' + " " * padding + '"}'
    assert len(body) == MIB
    response = send(auth, owner, note_id, "POST", "/notas", True, data=body)
    assert_json_error(response, 400)  # parsed and validated: texto is over 5,000 characters
    assert "texto" in response.json()["detalle"]


UNKNOWN_METHODS = ["PROPFIND", "FOO", "CONNECTX"]
NOT_ALLOWED = [
    ("DELETE", "/register"),
    ("GET", "/login"),
    ("PUT", "/token/refresh"),
    ("GET", "/logout"),
    ("POST", "/me"),
    ("PATCH", "/notas"),
    ("DELETE", "/notas"),
    ("POST", "/notas/{id}"),
    ("POST", "/health"),
    ("DELETE", "/ready"),
]


@pytest.mark.parametrize("method", UNKNOWN_METHODS)
@pytest.mark.parametrize("path", sorted({p for _m, p, _a, _b in AUTH_ENDPOINTS}))
def test_unknown_methods_are_a_json_405_on_every_auth_path(method, path, auth, owner, note_id):
    response = send(auth, owner, note_id, method, path, True, data=b"{}")
    assert_json_error(response, 405)


@pytest.mark.parametrize(("method", "path"), NOT_ALLOWED, ids=ident)
def test_methods_an_endpoint_does_not_have_are_a_json_405(method, path, auth, owner, note_id):
    response = send(auth, owner, note_id, method, path, True, data=b"{}")
    assert_json_error(response, 405)
    assert response.headers["Allow"]


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", *UNKNOWN_METHODS])
@pytest.mark.parametrize("path", ["/search", "/health", "/ready"])
def test_unknown_methods_are_a_json_405_on_every_music_path(method, path, music):
    response = requests.request(method, music.url + path, data=b"{}", headers=music.service_auth, timeout=10)
    assert_json_error(response, 405)


UNKNOWN_PATHS = [
    "/nada",
    "/notas/1/extra",
    "/notas/abc",
    "/notas/-1",
    "/notas/1.5",
    "/notas/99999999999999999999999999",
    "/notas/%F0%9F%8E%B5",
    "/registerx",
    "/login/x",
    "/.env",
    "/index.php",
    "/wp-admin/",
    "/static/nada.css",
    "/static/../config/settings/base.py",
    "/%2e%2e/%2e%2e/etc/passwd",
    "/%00",
    "/notas/%00",
    "/" + "a" * 2000,
]


@pytest.mark.parametrize("path", UNKNOWN_PATHS, ids=lambda p: p[:30])
def test_unknown_paths_are_a_json_404_on_auth(path, auth, owner):
    response = requests.get(auth.url + path, headers={"Authorization": f"Bearer {owner.token}"}, timeout=10)
    assert_json_error(response, 404)


@pytest.mark.parametrize("path", UNKNOWN_PATHS, ids=lambda p: p[:30])
def test_unknown_paths_are_a_json_404_on_music(path, music):
    assert_json_error(requests.get(music.url + path, headers=music.service_auth, timeout=10), 404)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?q=",
        "?q=%20%20",
        "?q=" + "a" * 201,
        "?q=Queen&limit=0",
        "?q=Queen&limit=11",
        "?q=Queen&limit=x",
        "?q=%00",
        "?q=Queen&limit=-1",
        "?q=Queen&limit=99999999999999999999",
    ],
)
def test_bad_search_queries_are_a_json_400(query, music):
    assert_json_error(requests.get(f"{music.url}/search{query}", headers=music.service_auth, timeout=10), 400)


PAYLOADS = [
    ("Robert'); DROP TABLE notes_note;--", "1' OR '1'='1"),
    ("<script>alert('xss')</script>", "<img src=x onerror=alert(1)>"),
    ("'; SELECT password FROM accounts_user; --", "</pre><script>alert(document.cookie)</script>"),
]


@pytest.mark.parametrize(("cancion", "texto"), PAYLOADS)
def test_sql_and_script_payloads_are_stored_verbatim_and_shown_escaped(cancion, texto, auth, owner):
    created = owner.post("/notas", json={"cancion": cancion, "texto": texto})
    assert created.status_code == 201, created.text
    note_id = created.json()["nota"]["id"]
    with sqlite3.connect(auth.database, timeout=30) as db:
        stored = db.execute(
            "SELECT cancion, texto, user_id FROM notes_note WHERE id = ?", (note_id,)
        ).fetchone()
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert stored == (cancion, texto, owner.user_id)
    assert {"notes_note", "accounts_user"} <= tables
    assert created.json()["nota"]["cancion"] == cancion  # JSON carries data as it is

    assert "password" not in owner.get(f"/notas/{note_id}").json()
    # How they are rendered in HTML (admin, browsable API) is checked in-process, where the
    # templates' static files need no collectstatic: tests/auth/security/test_stored_payloads.py.


@pytest.mark.parametrize(
    ("method", "path", "headers", "status"),
    [
        ("POST", "/api/schema", {}, 405),
        ("GET", "/api/schema?format=xml", {}, 404),
        ("GET", "/notas?format=xml", {}, 404),
        ("GET", "/notas", {"Accept": "application/xml"}, 406),
        ("DELETE", "/api/docs", {"Accept": "text/html"}, 405),
    ],
    ids=ident,
)
def test_errors_are_json_whatever_the_view_renders(method, path, headers, status, auth, owner):
    """The OpenAPI views render YAML or HTML; their errors are JSON like everyone else's."""
    response = requests.request(
        method, auth.url + path, headers={"Authorization": f"Bearer {owner.token}", **headers}, timeout=10
    )
    assert_json_error(response, status)
