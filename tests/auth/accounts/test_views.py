import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    return APIClient()


@pytest.mark.parametrize("path", ["/register", "/register/"])
def test_register_creates_a_user(client, path, django_user_model):
    response = client.post(path, {"username": "ana", "password": "Canciones-2026"}, format="json")
    assert response.status_code == 201
    user = django_user_model.objects.get(username="ana")
    assert response.json() == {"id": user.id, "username": "ana"}
    assert user.password.startswith("md5$")  # hashed by the configured hasher, never stored plain
    assert user.check_password("Canciones-2026")


def test_duplicate_username_is_a_clear_400(client, make_user):
    make_user("ana")
    response = client.post("/register", {"username": "ana", "password": "Canciones-2026"}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"error", "detalle"}
    assert "username" in response.json()["detalle"]


@pytest.mark.parametrize("password", ["123", "12345678901", "password", "qwerty123", "anabelen1"])
def test_weak_passwords_are_refused_by_djangos_validators(client, password):
    response = client.post("/register", {"username": "anabelen", "password": password}, format="json")
    assert response.status_code == 400
    assert response.json()["detalle"]["password"]


@pytest.mark.parametrize(
    "body",
    ["{bad json", '{"username": "solo"}', '{"password": "Canciones-2026"}', "[]", '"texto"', "null"],
)
def test_malformed_register_bodies_are_json_400(client, body):
    response = client.post("/register", body, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]


def test_login_returns_a_token_pair_and_me_answers(client, make_user):
    user = make_user("ana")
    tokens = client.post("/login", {"username": "ana", "password": "Canciones-2026"}, format="json").json()
    assert set(tokens) == {"access", "refresh"}
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    assert client.get("/me").json() == {"id": user.id, "username": "ana"}


def test_wrong_password_is_401_json(client, make_user):
    make_user("ana")
    response = client.post("/login", {"username": "ana", "password": "otra-cosa-2026"}, format="json")
    assert response.status_code == 401
    assert response.json()["error"]


def test_refresh_rotates_and_logout_blacklists(client, make_user):
    make_user("ana")
    tokens = client.post("/login/", {"username": "ana", "password": "Canciones-2026"}, format="json").json()
    rotated = client.post("/token/refresh", {"refresh": tokens["refresh"]}, format="json")
    assert rotated.status_code == 200
    assert set(rotated.json()) == {"access", "refresh"}
    # The old refresh token was blacklisted by the rotation.
    assert client.post("/token/refresh", {"refresh": tokens["refresh"]}, format="json").status_code == 401

    new = rotated.json()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {new['access']}")
    assert client.post("/logout", {"refresh": new["refresh"]}, format="json").status_code == 204
    assert BlacklistedToken.objects.count() == 2
    assert client.post("/token/refresh", {"refresh": new["refresh"]}, format="json").status_code == 401


def test_logout_refuses_someone_elses_refresh_token(client, make_user):
    make_user("ana")
    make_user("bruno")
    ana = client.post("/login", {"username": "ana", "password": "Canciones-2026"}, format="json").json()
    bruno = client.post("/login", {"username": "bruno", "password": "Canciones-2026"}, format="json").json()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {bruno['access']}")
    assert client.post("/logout", {"refresh": ana["refresh"]}, format="json").status_code == 400
    assert client.post("/logout", {"refresh": "basura"}, format="json").status_code == 400
    assert BlacklistedToken.objects.count() == 0


def test_me_without_token_is_401(client):
    response = client.get("/me")
    assert response.status_code == 401
    assert response.json()["error"]
