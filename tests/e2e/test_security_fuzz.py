"""Generated requests against both live services: 0 responses with a 5xx status. schemathesis from
each service's /api/schema (positive and negative generation, with the caller's token and one of its
notes) and hypothesis over raw HTTP (methods, content types, bodies, headers and path tails no schema
describes). Bounded and repeatable: FUZZ_MAX_EXAMPLES per operation (default 50), derandomized.
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
    "POST /register", "POST /login", "POST /token/refresh", "POST /logout", "GET /me", "GET /notas",
    "POST /notas", "GET /notas/{id}", "PUT /notas/{id}", "PATCH /notas/{id}", "DELETE /notas/{id}",
    "GET /health", "GET /ready",
]  # fmt: skip
MUSIC_OPERATIONS = ["GET /search", "GET /health", "GET /ready"]


def fuzz_settings(max_examples: int):
    return settings(
        max_examples=max_examples, derandomize=True, database=None, deadline=None, print_blob=False,
        phases=[Phase.explicit, Phase.generate, Phase.shrink], suppress_health_check=list(HealthCheck),
    )  # fmt: skip


def assert_not_5xx(status: int, what: str, body: str) -> None:
    assert status < 500, f"{what} answered {status}: {body[:500]}"


@pytest.fixture(scope="module")
def fuzz_user(auth):
    user = Api(auth.url).register_and_login(f"fuzz{uuid.uuid4().hex[:8]}")
    user.note_id = user.post("/notas", json={"cancion": "Queen"}).json()["nota"]["id"]
    return user


@pytest.mark.parametrize(
    ("service", "label"), [("auth", o) for o in AUTH_OPERATIONS] + [("music", o) for o in MUSIC_OPERATIONS]
)
def test_schemathesis_finds_no_5xx(service, label, auth, music, fuzz_user):
    if service == "auth":
        base_url, headers, ids = (
            auth.url,
            {"Authorization": f"Bearer {fuzz_user.token}"},
            {"id": fuzz_user.note_id},
        )
    else:
        base_url, headers, ids = music.url, music.service_auth, None
    schema = requests.get(f"{base_url}/api/schema", params={"format": "json"}, headers=headers, timeout=30)
    assert schema.status_code == 200, f"{base_url}/api/schema: {schema.status_code}"
    operation = schemathesis.openapi.from_dict(schema.json()).find_operation_by_label(label)
    assert operation is not None, f"{label} is missing from the schema"
    strategies = [operation.as_strategy(mode) for mode in GenerationMode]
    if ids and "{" in label:  # one of the caller's notes too, not only ids nobody has
        strategies += [operation.as_strategy(mode, path_parameters=ids) for mode in GenerationMode]
    calls = []

    @fuzz_settings(SLOW.get(label, MAX_EXAMPLES))
    @given(case=st.one_of(strategies))
    def check(case):
        response = case.call(base_url=base_url, headers=headers, timeout=30)
        calls.append(response.status_code)
        assert_not_5xx(response.status_code, f"{case.method} {case.formatted_path}", response.text)

    check()
    assert calls
    if label not in ("POST /register", "POST /login", "POST /token/refresh"):
        assert set(calls) != {401}, "the token was not sent: nothing behind authentication was fuzzed"


# --- raw HTTP -------------------------------------------------------------------------------

AUTH_PATHS = sorted({label.split()[1] for label in AUTH_OPERATIONS})
MUSIC_PATHS = [label.split()[1] for label in MUSIC_OPERATIONS]
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "PROPFIND", "X-FUZZ"]
CONTENT_TYPES = [
    "application/json", "application/json; charset=latin-1", "application/json; charset=nope",
    "application/x-www-form-urlencoded", "multipart/form-data", "multipart/form-data; boundary=xyz",
    "text/plain", "application/xml", "",
]  # fmt: skip
FIELDS = ["cancion", "texto", "username", "password", "refresh", "user_id", "id", "q", "limit", "page"]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=300),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), inner, max_size=5)
    ),
    max_leaves=12,
)
json_objects = st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=5)
bodies = st.one_of(
    st.binary(max_size=2000),
    (json_values | json_objects).map(lambda value: json.dumps(value).encode()),
    st.text(max_size=500).map(lambda text: text.encode("utf-8", "surrogatepass")),
)
tail_text = st.text(alphabet=string.ascii_letters + string.digits + "-._~%/", max_size=20)
path_tails = st.sampled_from(["", "/"]) | tail_text.map(lambda t: "/" + t)
# requests refuses a header value with a leading space.
header_text = st.text(alphabet=string.printable.strip() + " ", max_size=60).map(str.lstrip)
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
        if request_id is not None:
            headers["X-Request-ID"] = request_id
        if authorization:
            headers["Authorization"] = f"Bearer {token}" if authorization == "token" else authorization
        url = base_url + path.format(id=note_id or 1) + tail
        response = session.request(method, url, data=body, params=query, headers=headers, timeout=30)
        assert_not_5xx(response.status_code, f"{method} {url}", response.text)

    check()


@pytest.mark.parametrize("service", ["auth", "music"])
def test_raw_requests_find_no_5xx(service, auth, music, fuzz_user):
    if service == "auth":
        raw_fuzz(auth.url, AUTH_PATHS, fuzz_user.token, fuzz_user.note_id, max_examples=4 * MAX_EXAMPLES)
    else:
        raw_fuzz(
            music.url, MUSIC_PATHS, music.env["MUSIC_SERVICE_TOKEN"], None, max_examples=2 * MAX_EXAMPLES
        )
