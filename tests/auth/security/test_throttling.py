"""Login limits in-process: per client address, 429 with Retry-After and our JSON shape,
X-Forwarded-For trusted only behind NUM_PROXIES, and the HTML login forms in /login's window
whatever session they carry. Bursts against real processes (login, register, forged
X-Forwarded-For, forms through five sessions): tests/e2e/test_security_bursts.py."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

LIMIT = 5
RIGHT = {"username": "ana", "password": "Canciones-2026"}


@pytest.fixture(autouse=True)
def small_rates(rates, make_user):
    make_user("ana")
    rates(login=f"{LIMIT}/min")


def wrong_login(client, **extra):
    return client.post("/login", {"username": "ana", "password": "mala"}, format="json", **extra)


def assert_429(response) -> None:
    assert response.status_code == 429, response.content
    retry_after = int(response["Retry-After"])
    assert 1 <= retry_after <= 60
    body = response.json()
    assert body["error"] and body["detalle"] == {"reintentar_en_segundos": retry_after}


def test_the_sixth_login_in_the_window_is_429_and_each_address_has_its_own():
    client = APIClient(REMOTE_ADDR="127.0.0.10")
    for _ in range(LIMIT):
        assert wrong_login(client).status_code == 401
    assert_429(wrong_login(client))
    assert_429(client.post("/login", RIGHT, format="json"))
    assert wrong_login(APIClient(REMOTE_ADDR="127.0.0.11")).status_code == 401


def test_behind_one_proxy_the_address_the_proxy_saw_is_the_client(settings):
    """NUM_PROXIES=1: the right-most X-Forwarded-For entry (added by our proxy) counts."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    proxy = APIClient(REMOTE_ADDR="127.0.0.14")
    for i in range(LIMIT):
        assert wrong_login(proxy, HTTP_X_FORWARDED_FOR=f"203.0.113.{i}, 127.0.0.50").status_code == 401
    assert_429(wrong_login(proxy, HTTP_X_FORWARDED_FOR="127.0.0.50"))
    assert wrong_login(proxy, HTTP_X_FORWARDED_FOR="127.0.0.51").status_code == 401


@pytest.mark.parametrize("form", ["/api-auth/login/", "/admin/login/"])
def test_a_session_of_another_account_opens_no_window_of_its_own(form, make_user):
    """Logged in as themself, the guesser still counts per address in /login's window; no account
    is locked: the victim logs in from another address."""
    make_user("mallory")
    client = Client(REMOTE_ADDR="127.0.0.17")
    client.login(username="mallory", password="Canciones-2026")
    for _ in range(LIMIT):
        assert client.post(form, {"username": "ana", "password": "mala"}).status_code == 200
    assert_429(client.post(form, {"username": "ana", "password": "mala"}))
    assert_429(wrong_login(APIClient(REMOTE_ADDR="127.0.0.17")))  # /login shares the window
    assert client.get(form).status_code == 200  # reading the form is not an attempt
    assert APIClient(REMOTE_ADDR="127.0.0.18").post("/login", RIGHT, format="json").status_code == 200
