"""Generated requests against both live services: 0 responses with a 5xx status.

1. schemathesis, driven by each service's own OpenAPI schema (/api/schema): for every operation,
   valid-by-the-schema and schema-violating requests (positive and negative generation), with the
   caller's token and also against one of the caller's real notes.
2. hypothesis over raw HTTP: random methods, content types, bytes and JSON-ish bodies, headers and
   path tails on every path of the contract; what a schema never describes.

Bounded and repeatable: a fixed number of examples per operation (FUZZ_MAX_EXAMPLES, default 50),
derandomized generation, no example database, no shrinking pass beyond hypothesis's default.
"""

import json
import os
import string
import uuid

import hypothesis.strategies as st
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.generation import GenerationMode

from tests.support.http import Api

MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "50"))
# The deadline grows with the example count (the raw fuzz of auth sends 4 × MAX_EXAMPLES requests).
pytestmark = pytest.mark.timeout(120 + 4 * MAX_EXAMPLES)
# Every login or registration that passes validation runs Argon2 (about half a second on these
# 2 cores): fewer examples there keep the run within a couple of minutes.
SLOW = {"POST /login": 15, "POST /register": 15}

AUTH_OPERATIONS = [
    "POST /register",
    "POST /login",
    "POST /token/refresh",
    "POST /logout",
    "GET /me",
    "GET /notas",
    "POST /notas",
    "GET /notas/{id}",
    "PUT /notas/{id}",
    "PATCH /notas/{id}",
    "DELETE /notas/{id}",
    "GET /health",
    "GET /ready",
]
MUSIC_OPERATIONS = ["GET /search", "GET /health", "GET /ready"]


def fuzz_settings(max_examples: int):
    return settings(
        max_examples=max_examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )


def assert_not_5xx(status: int, what: str, body: str) -> None:
    assert status < 500, f"{what} answered {status}: {body[:500]}"


@pytest.fixture(scope="module")
def fuzz_user(auth):
    user = Api(auth.url).register_and_login(f"fuzz{uuid.uuid4().hex[:8]}")
    user.note_id = user.post("/notas", json={"cancion": "Queen"}).json()["nota"]["id"]
    return user


def load_schema(base_url: str, headers: dict | None = None):
    response = requests.get(f"{base_url}/api/schema", params={"format": "json"}, headers=headers, timeout=30)
    assert response.status_code == 200, f"{base_url}/api/schema: {response.status_code}"
    return schemathesis.openapi.from_dict(response.json())


@pytest.fixture(scope="module")
def auth_schema(auth):
    return load_schema(auth.url)


@pytest.fixture(scope="module")
def music_schema(music):
    return load_schema(music.url, music.service_auth)


def run_schemathesis(schema, label: str, base_url: str, headers: dict, path_parameters: dict | None):
    operation = schema.find_operation_by_label(label)
    assert operation is not None, f"{label} is missing from the schema"
    strategies = [operation.as_strategy(mode) for mode in GenerationMode]
    if path_parameters and "{" in label:
        strategies += [
            operation.as_strategy(mode, path_parameters=path_parameters) for mode in GenerationMode
        ]
    calls = []

    @fuzz_settings(SLOW.get(label, MAX_EXAMPLES))
    @given(case=st.one_of(strategies))
    def check(case):
        response = case.call(base_url=base_url, headers=headers, timeout=30)
        calls.append(response.status_code)
        assert_not_5xx(response.status_code, f"{case.method} {case.formatted_path}", response.text)

    check()
    return calls


@pytest.mark.parametrize("label", AUTH_OPERATIONS)
def test_schemathesis_finds_no_5xx_on_auth(label, auth, auth_schema, fuzz_user):
    headers = {"Authorization": f"Bearer {fuzz_user.token}"}
    calls = run_schemathesis(auth_schema, label, auth.url, headers, {"id": fuzz_user.note_id})
    assert calls and all(status < 500 for status in calls)
    if label not in ("POST /register", "POST /login", "POST /token/refresh"):
        assert set(calls) != {401}, "the token was not sent: nothing behind authentication was fuzzed"


@pytest.mark.parametrize("label", MUSIC_OPERATIONS)
def test_schemathesis_finds_no_5xx_on_music(label, music, music_schema):
    calls = run_schemathesis(music_schema, label, music.url, music.service_auth, None)
    assert calls and all(status < 500 for status in calls)
    assert set(calls) != {401}, "the service token was not sent: nothing behind it was fuzzed"


# --- raw HTTP -------------------------------------------------------------------------------

AUTH_PATHS = [
    "/register",
    "/login",
    "/token/refresh",
    "/logout",
    "/me",
    "/notas",
    "/notas/{id}",
    "/health",
    "/ready",
]
MUSIC_PATHS = ["/search", "/health", "/ready"]
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "PROPFIND", "X-FUZZ"]
CONTENT_TYPES = [
    "application/json",
    "application/json; charset=latin-1",
    "application/json; charset=nope",
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "multipart/form-data; boundary=xyz",
    "text/plain",
    "application/xml",
    "",
]
FIELDS = ["cancion", "texto", "username", "password", "refresh", "user_id", "id", "q", "limit", "page"]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=300),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), inner, max_size=5)
    ),
    max_leaves=12,
)
bodies = st.one_of(
    st.binary(max_size=2000),
    json_values.map(lambda value: json.dumps(value).encode()),
    st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=5).map(
        lambda value: json.dumps(value).encode()
    ),
    st.text(max_size=500).map(lambda text: text.encode("utf-8", "surrogatepass")),
)
path_tails = st.one_of(
    st.just(""),
    st.just("/"),
    st.text(alphabet=string.ascii_letters + string.digits + "-._~%/", max_size=20).map(lambda t: "/" + t),
)
header_text = st.text(alphabet=string.printable.strip() + " ", max_size=60)
queries = st.dictionaries(st.sampled_from(FIELDS), st.text(max_size=50), max_size=3)


def raw_fuzz(base_url: str, paths: list[str], token: str | None, note_id: int | None, max_examples: int):
    session = requests.Session()

    @fuzz_settings(max_examples)
    @given(
        method=st.sampled_from(METHODS),
        path=st.sampled_from(paths),
        tail=path_tails,
        content_type=st.sampled_from(CONTENT_TYPES),
        body=bodies,
        query=queries,
        authorization=st.one_of(st.none(), st.just("token"), header_text.map(lambda t: "Bearer " + t)),
        request_id=st.one_of(st.none(), header_text),
    )
    def check(method, path, tail, content_type, body, query, authorization, request_id):
        headers = {"Content-Type": content_type}
        if authorization == "token" and token:
            headers["Authorization"] = f"Bearer {token}"
        elif authorization and authorization != "token":
            headers["Authorization"] = authorization
        if request_id is not None:
            headers["X-Request-ID"] = request_id
        url = base_url + path.format(id=note_id or 1) + tail
        response = session.request(method, url, data=body, params=query, headers=headers, timeout=30)
        assert_not_5xx(response.status_code, f"{method} {url}", response.text)

    check()


def test_raw_requests_find_no_5xx_on_auth(auth, fuzz_user):
    raw_fuzz(auth.url, AUTH_PATHS, fuzz_user.token, fuzz_user.note_id, max_examples=4 * MAX_EXAMPLES)


def test_raw_requests_find_no_5xx_on_music(music):
    raw_fuzz(music.url, MUSIC_PATHS, music.env["MUSIC_SERVICE_TOKEN"], None, max_examples=2 * MAX_EXAMPLES)
