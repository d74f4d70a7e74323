import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

pytestmark = pytest.mark.django_db

PASSWORD = "Canciones-2026"


@pytest.fixture
def client():
    return APIClient()


def login(client, username: str, password: str = PASSWORD, path: str = "/login"):
    return client.post(path, {"username": username, "password": password}, format="json")


@pytest.mark.parametrize("path", ["/register", "/register/"])
def test_register_creates_a_user_with_a_hashed_password(client, path, django_user_model):
    response = client.post(path, {"username": "ana", "password": PASSWORD}, format="json")
    assert response.status_code == 201
    user = django_user_model.objects.get(username="ana")
    assert response.json() == {"id": user.id, "username": "ana"}
    assert user.password.startswith("md5$")  # the configured hasher (the tests'), never plain
    assert user.check_password(PASSWORD)


@pytest.mark.parametrize("password", ["123", "12345678901", "password", "qwerty123", "anabelen1"])
def test_weak_passwords_are_refused_by_djangos_validators(client, password):
    response = client.post("/register", {"username": "anabelen", "password": password}, format="json")
    assert response.status_code == 400 and response.json()["detalle"]["password"]


def test_login_returns_a_token_pair_me_answers_and_a_wrong_password_is_401(client, make_user):
    user = make_user("ana")
    assert login(client, "ana", "otra-cosa-2026").status_code == 401
    tokens = login(client, "ana").json()
    assert set(tokens) == {"access", "refresh"}
    assert client.get("/me").status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    assert client.get("/me").json() == {"id": user.id, "username": "ana"}


def test_refresh_rotates_and_logout_blacklists(client, make_user):
    make_user("ana")
    tokens = login(client, "ana", path="/login/").json()
    rotated = client.post("/token/refresh", {"refresh": tokens["refresh"]}, format="json")
    assert rotated.status_code == 200 and set(rotated.json()) == {"access", "refresh"}
    assert client.post("/token/refresh", {"refresh": tokens["refresh"]}, format="json").status_code == 401

    new = rotated.json()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {new['access']}")
    assert client.post("/logout", {"refresh": new["refresh"]}, format="json").status_code == 204
    assert BlacklistedToken.objects.count() == 2
    assert client.post("/token/refresh", {"refresh": new["refresh"]}, format="json").status_code == 401


def test_logout_refuses_someone_elses_refresh_token(client, make_user):
    make_user("ana")
    make_user("bruno")
    ana, bruno = login(client, "ana").json(), login(client, "bruno").json()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {bruno['access']}")
    for refresh in (ana["refresh"], "basura"):
        assert client.post("/logout", {"refresh": refresh}, format="json").status_code == 400
    assert BlacklistedToken.objects.count() == 0


def test_a_deactivated_user_is_refused_at_once_refresh_included(client, make_user):
    user = make_user("ana")
    tokens = login(client, "ana").json()
    user.is_active = False
    user.save()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    assert client.get("/me").status_code == 401
    assert client.post("/token/refresh", {"refresh": tokens["refresh"]}, format="json").status_code == 401
