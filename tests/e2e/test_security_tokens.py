"""The token matrix against a live auth_service: only a token we issued, untouched and unexpired, for an
active user, opens the API; anything else is a JSON 401. Tokens minted with the live JWT_SIGNING_KEY and
every claim right are accepted, so each 401 has one cause. (Rotation, replay and logout: the flow in
test_security_secrets.py; deleted users and the refresh/access swap: tests/auth/config/test_spanish.py.)"""

import base64
import json
import time
import uuid

import jwt
import pytest
import requests

from tests.e2e.helpers import PASSWORD, assert_json_error, burst
from tests.support.http import Api
from tests.support.processes import BASE_ENV

SIGNING_KEY = BASE_ENV["JWT_SIGNING_KEY"]
DROP = object()


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def claims(uid, **changes) -> dict:
    now = int(time.time())  # iss and aud: the defaults of JWT_ISSUER / JWT_AUDIENCE
    payload = {"token_type": "access", "exp": now + 300, "iat": now, "jti": uuid.uuid4().hex, "user_id": uid,
               "iss": "musica-auth", "aud": "musica", **changes}  # fmt: skip
    return {k: v for k, v in payload.items() if v is not DROP}


def mint(uid, *, key: str = SIGNING_KEY, algorithm: str = "HS256", **changes) -> str:
    return jwt.encode(claims(uid, **changes), key, algorithm=algorithm)


def unsigned(uid, alg: str) -> str:
    return f"{b64(json.dumps({'alg': alg, 'typ': 'JWT'}).encode())}.{b64(json.dumps(claims(uid)).encode())}."


def with_payload(token: str, **changes) -> str:
    """The same header and signature, the payload edited."""
    header, payload, signature = token.split(".")
    edited = {**json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))), **changes}
    return f"{header}.{b64(json.dumps(edited).encode())}.{signature}"


def assert_401(response: requests.Response) -> None:
    assert_json_error(response, 401)
    assert response.headers.get("WWW-Authenticate", "").startswith("Bearer")


def get(auth, path: str, token: str, **headers) -> requests.Response:
    return requests.get(
        f"{auth.url}{path}", headers={"Authorization": f"Bearer {token}", **headers}, timeout=10
    )


def refresh(auth, token) -> requests.Response:
    return requests.post(f"{auth.url}/token/refresh", json={"refresh": token}, timeout=10)


@pytest.fixture(scope="module")
def matrix_user(auth):
    return Api(auth.url).register_and_login(f"matriz{uuid.uuid4().hex[:8]}")


def test_issued_and_correctly_minted_tokens_are_accepted(new_user, auth):
    user = new_user()
    for token in (user.token, mint(user.user_id), mint(str(user.user_id))):  # a numeric string names its user
        response = get(auth, "/me", token)
        assert response.status_code == 200 and response.json()["id"] == user.user_id, response.text


# Signed with the real key (right iss/aud/type), a user id claim that is not a user id: "abc", [] and {}
# were a 500, a huge number an OverflowError (500) on SQLite, 1.5 and true were read as users 1.
MALFORMED_USER_IDS = {
    "text": "abc", "empty_text": "", "text_with_space": " 1", "list": [], "list_with_id": [1], "object": {},
    "object_with_id": {"id": 1}, "null": None, "float": 1.5, "float_integral": 1.0, "true": True,
    "false": False, "zero": 0, "negative": -1, "huge": 10**30, "just_over_bigint": 2**63,
    "huge_digits": "9" * 40,
}  # fmt: skip
MUTATIONS = {
    "expired": lambda uid: mint(uid, exp=int(time.time()) - 1, iat=int(time.time()) - 901),
    "long_expired": lambda uid: mint(uid, exp=int(time.time()) - 86400),
    "without_exp": lambda uid: mint(uid, exp=DROP),
    "not_yet_valid": lambda uid: mint(uid, nbf=int(time.time()) + 3600),
    "signed_with_another_key": lambda uid: mint(uid, key="another-key-" + "x" * 60),
    "alg_none": lambda uid: unsigned(uid, "none"),
    "alg_None": lambda uid: unsigned(uid, "None"),
    "alg_NONE": lambda uid: unsigned(uid, "NONE"),
    "alg_HS512_same_key": lambda uid: mint(uid, algorithm="HS512"),
    "alg_HS384_same_key": lambda uid: mint(uid, algorithm="HS384"),
    "wrong_audience": lambda uid: mint(uid, aud="otra-app"),
    "without_audience": lambda uid: mint(uid, aud=DROP),
    "wrong_issuer": lambda uid: mint(uid, iss="https://evil.example"),
    "without_issuer": lambda uid: mint(uid, iss=DROP),
    "refresh_type_as_access": lambda uid: mint(uid, token_type="refresh"),
    "without_token_type": lambda uid: mint(uid, token_type=DROP),
    "without_user_id": lambda uid: mint(uid, user_id=DROP),
    "user_that_never_existed": lambda uid: mint(10**9),
    "truncated_signature": lambda uid: mint(uid)[:-4],
    "garbage": lambda uid: "not.a.jwt",
    **{f"user_id_{name}": lambda uid, value=value: mint(value) for name, value in MALFORMED_USER_IDS.items()},
}


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")  # HS512 with our key
@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_a_token_that_differs_in_one_way_is_401_never_500(mutation, matrix_user, auth):
    token = MUTATIONS[mutation](matrix_user.user_id)
    bearer = {"Authorization": f"Bearer {token}"}
    assert_401(get(auth, "/me", token))
    assert_401(get(auth, "/notas", token))
    assert_401(requests.post(f"{auth.url}/notas", json={"cancion": "Queen"}, headers=bearer, timeout=10))
    logout = {"refresh": matrix_user.refresh_token}
    assert_401(requests.post(f"{auth.url}/logout", json=logout, headers=bearer, timeout=10))
    page = get(auth, "/notas", token, Accept="text/html")  # the browsable API refuses it too
    assert page.status_code == 401, page.text[:300]
    # The refusal is about the token, and /logout above revoked nothing.
    assert get(auth, "/me", matrix_user.token).status_code == 200
    if (claim := mutation.removeprefix("user_id_")) in MALFORMED_USER_IDS:  # no new pair with such a claim
        assert_401(refresh(auth, mint(MALFORMED_USER_IDS[claim], token_type="refresh")))


def test_an_edited_payload_or_a_foreign_signature_opens_nothing(new_user, auth):
    victim, attacker = new_user("victim"), new_user("attacker")
    assert victim.post("/notas", json={"cancion": "Queen"}).status_code == 201
    forged = with_payload(attacker.token, user_id=victim.user_id)
    assert_401(get(auth, "/me", forged))
    assert_401(notes := get(auth, "/notas", forged))
    assert "Queen" not in notes.text
    # An edited expiry is refused the same way (the signature covers every claim), refresh tokens too.
    assert_401(get(auth, "/me", with_payload(attacker.token, exp=int(time.time()) + 10**7)))
    assert_401(refresh(auth, with_payload(attacker.refresh_token, exp=int(time.time()) + 10**8)))
    payload = jwt.decode(attacker.refresh_token, options={"verify_signature": False})
    assert_401(refresh(auth, jwt.encode(payload, "another-key-" + "y" * 60, algorithm="HS256")))


@pytest.mark.parametrize(
    "header", ["Token {t}", "bearer{t}", "Bearer", "Bearer {t} {t}", "Basic {t}", "JWT {t}"]
)
def test_a_malformed_authorization_header_is_401(header, matrix_user, auth):
    response = requests.get(
        f"{auth.url}/me", headers={"Authorization": header.format(t=matrix_user.token)}, timeout=10
    )
    assert response.status_code == 401 and response.json()["error"], response.text


def test_a_refresh_token_replayed_concurrently_is_rotated_once(new_user, auth):
    """Holders of one (stolen) refresh token racing, released together: exactly one gets a new pair."""
    user = new_user()
    statuses = sorted(r.status_code for r in burst([lambda: refresh(auth, user.refresh_token)] * 8))
    assert statuses == [200] + [401] * 7, statuses


def set_user(auth, user_id: int, change: str) -> None:
    auth.manage(
        "shell", "-c", f"from accounts.models import User; User.objects.filter(pk={user_id}).{change}"
    )


def test_a_deactivated_user_is_refused_everywhere_and_can_come_back(auth):
    api = Api(auth.url)
    username = f"inactiva{uuid.uuid4().hex[:8]}"
    user = api.register_and_login(username)
    set_user(auth, user.user_id, "update(is_active=False)")
    for token in (user.token, mint(user.user_id)):
        assert_401(get(auth, "/me", token))
        assert_401(get(auth, "/notas", token))
    assert_401(refresh(auth, user.refresh_token))
    login = api.post("/login", json={"username": username, "password": PASSWORD})
    assert login.status_code == 401, login.text
    # Control: active again, the same (unexpired, unused) tokens get in.
    set_user(auth, user.user_id, "update(is_active=True)")
    assert get(auth, "/me", user.token).status_code == 200
    assert refresh(auth, user.refresh_token).status_code == 200
