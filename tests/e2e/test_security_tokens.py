"""The token matrix against a live auth_service: only a token we issued, untouched, unexpired,
for an active user that still exists, opens the API. Everything else is 401 in our JSON shape.

Tokens are minted here with the live process's JWT_SIGNING_KEY (tests/support/processes.BASE_ENV):
a minted token with every claim right is accepted (the positive control), so each 401 below is
caused by the one thing that differs.
"""

import base64
import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import jwt
import pytest
import requests

from tests.support.http import Api
from tests.support.processes import BASE_ENV

SIGNING_KEY = BASE_ENV["JWT_SIGNING_KEY"]
ISSUER, AUDIENCE = "musica-auth", "musica"  # the defaults of JWT_ISSUER / JWT_AUDIENCE
DROP = object()


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def mint(uid, *, key: str = SIGNING_KEY, algorithm: str = "HS256", **claims) -> str:
    now = int(time.time())
    payload = {
        "token_type": "access",
        "exp": now + 300,
        "iat": now,
        "jti": uuid.uuid4().hex,
        "user_id": uid,
        "iss": ISSUER,
        "aud": AUDIENCE,
    }
    payload.update(claims)
    payload = {k: v for k, v in payload.items() if v is not DROP}
    return jwt.encode(payload, key, algorithm=algorithm)


def unsigned(user_id, alg: str = "none") -> str:
    """A token with ``alg: none`` (any spelling) and no signature."""
    now = int(time.time())
    header = {"alg": alg, "typ": "JWT"}
    payload = {
        "token_type": "access",
        "exp": now + 300,
        "iat": now,
        "jti": uuid.uuid4().hex,
        "user_id": user_id,
        "iss": ISSUER,
        "aud": AUDIENCE,
    }
    return f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}."


def with_payload(token: str, **changes) -> str:
    """The same header and signature, with the payload edited."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims.update(changes)
    return f"{header}.{b64(json.dumps(claims).encode())}.{signature}"


def assert_401(response: requests.Response) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["error"], str) and body["error"]
    assert isinstance(body["detalle"], dict)
    assert response.headers.get("WWW-Authenticate", "").startswith("Bearer")


def me(auth, token: str) -> requests.Response:
    return requests.get(f"{auth.url}/me", headers={"Authorization": f"Bearer {token}"}, timeout=10)


def refresh(auth, token) -> requests.Response:
    return requests.post(f"{auth.url}/token/refresh", json={"refresh": token}, timeout=10)


def test_a_token_issued_at_login_is_accepted(new_user, auth):
    user = new_user()
    response = me(auth, user.token)
    assert response.status_code == 200, response.text
    assert response.json()["id"] == user.user_id


def test_a_minted_token_with_every_claim_right_is_accepted(new_user, auth):
    """Positive control: the minting below matches what the server issues."""
    user = new_user()
    response = me(auth, mint(user.user_id))
    assert response.status_code == 200, response.text
    assert response.json()["id"] == user.user_id


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
}


@pytest.fixture(scope="module")
def matrix_user(auth):
    return Api(auth.url).register_and_login(f"matriz{uuid.uuid4().hex[:8]}")


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")  # HS512 with our key
@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_a_token_that_differs_in_one_way_is_401(mutation, matrix_user, auth):
    token = MUTATIONS[mutation](matrix_user.user_id)
    assert_401(me(auth, token))
    assert_401(requests.get(f"{auth.url}/notas", headers={"Authorization": f"Bearer {token}"}, timeout=10))
    # The user's own token still works: the refusal is about the token, not the account.
    assert me(auth, matrix_user.token).status_code == 200


def test_an_edited_payload_does_not_open_another_users_notes(new_user, auth):
    victim, attacker = new_user("victim"), new_user("attacker")
    assert victim.post("/notas", json={"cancion": "Queen"}).status_code == 201
    forged = with_payload(attacker.token, user_id=victim.user_id)

    assert_401(me(auth, forged))
    listed = requests.get(f"{auth.url}/notas", headers={"Authorization": f"Bearer {forged}"}, timeout=10)
    assert_401(listed)
    assert "Queen" not in listed.text
    # An edited expiry is refused the same way (the signature covers every claim).
    assert_401(me(auth, with_payload(attacker.token, exp=int(time.time()) + 10**7)))


def test_the_access_token_is_not_a_refresh_token_and_vice_versa(new_user, auth):
    user = new_user()
    assert_401(me(auth, user.refresh_token))
    assert_401(refresh(auth, user.token))


@pytest.mark.parametrize(
    "header",
    ["Token {t}", "bearer{t}", "Bearer", "Bearer {t} {t}", "Basic {t}", "JWT {t}"],
)
def test_a_malformed_authorization_header_is_401(header, new_user, auth):
    user = new_user()
    response = requests.get(
        f"{auth.url}/me", headers={"Authorization": header.format(t=user.token)}, timeout=10
    )
    assert response.status_code == 401, response.text
    assert response.json()["error"]


def test_a_refresh_token_is_refused_after_logout(new_user, auth):
    user = new_user()
    assert user.post("/logout", json={"refresh": user.refresh_token}).status_code == 204
    assert_401(refresh(auth, user.refresh_token))
    # Logging out twice with it is refused too.
    assert user.post("/logout", json={"refresh": user.refresh_token}).status_code == 400


def test_a_refresh_token_is_refused_after_rotation(new_user, auth):
    user = new_user()
    first = refresh(auth, user.refresh_token)
    assert first.status_code == 200, first.text
    rotated = first.json()["refresh"]
    assert rotated != user.refresh_token
    assert me(auth, first.json()["access"]).status_code == 200

    assert_401(refresh(auth, user.refresh_token))  # the used one is blacklisted
    again = refresh(auth, rotated)  # the new one still works, once
    assert again.status_code == 200, again.text
    assert_401(refresh(auth, rotated))


def test_a_refresh_token_replayed_concurrently_is_rotated_once(new_user, auth):
    """Two holders of one (stolen) refresh token racing: exactly one gets a new pair."""
    user = new_user()
    with ThreadPoolExecutor(8) as pool:
        statuses = sorted(
            r.status_code for r in pool.map(lambda _: refresh(auth, user.refresh_token), range(8))
        )
    assert statuses == [200] + [401] * 7, statuses


def test_a_refresh_token_signed_with_another_key_is_refused(new_user, auth):
    user = new_user()
    claims = jwt.decode(user.refresh_token, options={"verify_signature": False})
    assert_401(refresh(auth, jwt.encode(claims, "another-key-" + "y" * 60, algorithm="HS256")))
    assert_401(refresh(auth, with_payload(user.refresh_token, exp=int(time.time()) + 10**8)))


def _shell(auth, code: str) -> None:
    auth.manage("shell", "-c", code)


def test_a_deactivated_user_is_refused_everywhere_and_can_come_back(api, new_user, auth):
    username = f"inactiva{uuid.uuid4().hex[:8]}"
    user = api.register_and_login(username)
    assert me(auth, user.token).status_code == 200

    _shell(
        auth,
        f"from accounts.models import User; User.objects.filter(pk={user.user_id}).update(is_active=False)",
    )

    assert_401(me(auth, user.token))
    assert_401(
        requests.get(f"{auth.url}/notas", headers={"Authorization": f"Bearer {user.token}"}, timeout=10)
    )
    assert_401(me(auth, mint(user.user_id)))
    assert_401(refresh(auth, user.refresh_token))
    login = api.post("/login", json={"username": username, "password": "Canciones-2026"})
    assert login.status_code == 401, login.text

    # Control: the same user, active again, gets in with the same (unexpired, unused) tokens.
    _shell(
        auth,
        f"from accounts.models import User; User.objects.filter(pk={user.user_id}).update(is_active=True)",
    )
    assert me(auth, user.token).status_code == 200
    assert refresh(auth, user.refresh_token).status_code == 200


def test_a_deleted_user_is_refused_and_refresh_is_401_not_500(new_user, auth):
    user = new_user()
    assert user.post("/notas", json={"cancion": "Queen"}).status_code == 201

    _shell(auth, f"from accounts.models import User; User.objects.filter(pk={user.user_id}).delete()")

    assert_401(me(auth, user.token))
    assert_401(
        requests.get(f"{auth.url}/notas", headers={"Authorization": f"Bearer {user.token}"}, timeout=10)
    )
    assert_401(refresh(auth, user.refresh_token))


# A token signed with the real key (right iss/aud/type) whose user id claim is not a user id.
# SimpleJWT passes the claim to User.objects.get(id=...): "abc", [] and {} were a 500, a huge
# number an OverflowError (500) on SQLite, and 1.5 / true were read as users 1 and int(1.5).
MALFORMED_USER_IDS = {
    "text": "abc",
    "empty_text": "",
    "text_with_space": " 1",
    "list": [],
    "list_with_id": [1],
    "object": {},
    "object_with_id": {"id": 1},
    "null": None,
    "float": 1.5,
    "float_integral": 1.0,
    "true": True,
    "false": False,
    "zero": 0,
    "negative": -1,
    "huge": 10**30,
    "just_over_bigint": 2**63,
    "huge_digits": "9" * 40,
}


@pytest.mark.parametrize("claim", sorted(MALFORMED_USER_IDS))
def test_a_signed_token_with_a_malformed_user_id_is_401_never_500(claim, matrix_user, auth):
    value = MALFORMED_USER_IDS[claim]
    token = mint(value)
    bearer = {"Authorization": f"Bearer {token}"}
    assert_401(me(auth, token))
    assert_401(requests.get(f"{auth.url}/notas", headers=bearer, timeout=10))
    assert_401(requests.post(f"{auth.url}/notas", json={"cancion": "Queen"}, headers=bearer, timeout=10))
    assert_401(
        requests.post(
            f"{auth.url}/logout", json={"refresh": matrix_user.refresh_token}, headers=bearer, timeout=10
        )
    )
    # The browsable API (an HTML page for a browser) refuses it too, without a 500.
    page = requests.get(f"{auth.url}/notas", headers={**bearer, "Accept": "text/html"}, timeout=10)
    assert page.status_code == 401, page.text[:300]
    # A refresh token with the same claim gets no new pair.
    assert_401(refresh(auth, mint(value, token_type="refresh")))
    # The user's own token still works (and its refresh token was not revoked by /logout above).
    assert me(auth, matrix_user.token).status_code == 200


def test_a_numeric_string_user_id_still_names_its_user(matrix_user, auth):
    """Control for the matrix above: the forms SimpleJWT accepts for a real user still work."""
    assert me(auth, mint(matrix_user.user_id)).json()["id"] == matrix_user.user_id
    assert me(auth, mint(str(matrix_user.user_id))).json()["id"] == matrix_user.user_id
