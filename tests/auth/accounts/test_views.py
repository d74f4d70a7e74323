"""Register, logout, the account paths' trailing slash (tokens against live processes:
tests/e2e/test_security_tokens.py)."""

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

pytestmark = pytest.mark.django_db

PASSWORD = "Canciones-2026"


@pytest.mark.parametrize("password", ["123", "12345678901", "password", "qwerty123", "anabelen1"])
def test_weak_passwords_are_refused_by_djangos_validators(password):
    response = APIClient().post("/register", {"username": "anabelen", "password": password}, format="json")
    assert response.status_code == 400 and response.json()["detalle"]["password"]


def test_logout_refuses_someone_elses_refresh_token(make_user):
    client, names = APIClient(), [make_user(name).username for name in ("ana", "bruno")]
    ana, bruno = (
        client.post("/login", {"username": n, "password": PASSWORD}, format="json").json() for n in names
    )
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {bruno['access']}")
    for refresh in (ana["refresh"], "basura"):
        assert client.post("/logout", {"refresh": refresh}, format="json").status_code == 400
    assert BlacklistedToken.objects.count() == 0


def test_register_hashes_the_password_and_account_paths_take_a_trailing_slash(django_user_model):
    client = APIClient()
    response = client.post("/register/", {"username": "ana", "password": PASSWORD}, format="json")
    user = django_user_model.objects.get(username="ana")
    assert (response.status_code, response.json()) == (201, {"id": user.id, "username": "ana"})
    assert user.password.startswith("md5$") and user.check_password(PASSWORD)  # hashed (the tests' hasher)
    tokens = client.post("/login/", {"username": "ana", "password": PASSWORD}, format="json").json()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    assert client.get("/me/").json()["username"] == "ana"
    new = client.post("/token/refresh/", {"refresh": tokens["refresh"]}, format="json").json()
    assert client.post("/logout/", {"refresh": new["refresh"]}, format="json").status_code == 204
