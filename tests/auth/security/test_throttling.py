"""Login and register limits (config/ratelimit.py, counted here in the test database): per client
address, 429 with Retry-After and our JSON shape, X-Forwarded-For trusted only behind NUM_PROXIES,
and the HTML login forms in /login's window whatever session they carry."""

import pytest
from django.test import Client, override_settings
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

LOGIN_LIMIT = 5


@pytest.fixture(autouse=True)
def small_rates(settings):
    rates = {"login": f"{LOGIN_LIMIT}/min", "register": "2/min"}
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **rates}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}


def wrong_login(client: APIClient, **extra):
    return client.post("/login", {"username": "ana", "password": "mala"}, format="json", **extra)


def assert_429(response) -> None:
    assert response.status_code == 429, response.content
    retry_after = int(response["Retry-After"])
    assert 1 <= retry_after <= 60
    assert response.json() == {
        "error": response.json()["error"],
        "detalle": {"reintentar_en_segundos": retry_after},
    }
    assert response.json()["error"]


def test_the_sixth_wrong_login_in_the_window_is_429(make_user):
    make_user("ana")
    client = APIClient(REMOTE_ADDR="127.0.0.10")
    for _ in range(LOGIN_LIMIT):
        assert wrong_login(client).status_code == 401
    assert_429(wrong_login(client))
    right = client.post("/login", {"username": "ana", "password": "Canciones-2026"}, format="json")
    assert_429(right)


def test_each_client_address_has_its_own_window():
    first, second = APIClient(REMOTE_ADDR="127.0.0.11"), APIClient(REMOTE_ADDR="127.0.0.12")
    for _ in range(LOGIN_LIMIT):
        wrong_login(first)
    assert_429(wrong_login(first))
    assert wrong_login(second).status_code == 401


def test_a_forged_x_forwarded_for_opens_no_new_window():
    """NUM_PROXIES=0 (the default): the header is ignored, REMOTE_ADDR is the client."""
    client = APIClient(REMOTE_ADDR="127.0.0.13")
    for i in range(LOGIN_LIMIT):
        assert wrong_login(client, HTTP_X_FORWARDED_FOR=f"203.0.113.{i}").status_code == 401
    assert_429(wrong_login(client, HTTP_X_FORWARDED_FOR="198.51.100.99"))


def test_behind_one_proxy_the_address_the_proxy_saw_is_the_client(settings):
    """NUM_PROXIES=1: the right-most X-Forwarded-For entry (added by our proxy) counts; whatever
    the client wrote before it does not."""
    proxy = APIClient(REMOTE_ADDR="127.0.0.14")
    with override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}):
        for i in range(LOGIN_LIMIT):
            assert wrong_login(proxy, HTTP_X_FORWARDED_FOR=f"203.0.113.{i}, 127.0.0.50").status_code == 401
        assert_429(wrong_login(proxy, HTTP_X_FORWARDED_FOR="127.0.0.50"))
        # Another client behind the same proxy has its own window.
        assert wrong_login(proxy, HTTP_X_FORWARDED_FOR="127.0.0.51").status_code == 401


def test_the_third_registration_in_the_window_is_429(django_user_model):
    client = APIClient(REMOTE_ADDR="127.0.0.15")
    for name in ("uno", "dos"):
        body = {"username": name, "password": "Canciones-2026"}
        assert client.post("/register", body, format="json").status_code == 201
    assert_429(client.post("/register", {"username": "tres", "password": "Canciones-2026"}, format="json"))
    assert not django_user_model.objects.filter(username="tres").exists()


def test_by_default_no_forwarded_header_is_trusted():
    from config.settings import rest

    rates = rest.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert set(rates) == {"login", "register", "notes_write"}
    assert rest.REST_FRAMEWORK["NUM_PROXIES"] == 0  # never None: None trusts X-Forwarded-For blindly


@pytest.mark.parametrize("form", ["/api-auth/login/", "/admin/login/"])
def test_the_html_login_forms_share_the_login_window(form, make_user):
    """The forms are another door to the same passwords: the same window guards them."""
    make_user("ana")
    client = Client(REMOTE_ADDR="127.0.0.16")
    api = APIClient(REMOTE_ADDR="127.0.0.16")
    for _ in range(2):
        assert wrong_login(api).status_code == 401
    for _ in range(LOGIN_LIMIT - 2):
        page = client.post(form, {"username": "ana", "password": "mala"})
        assert page.status_code == 200  # the form again, with its error
    assert_429(client.post(form, {"username": "ana", "password": "Canciones-2026"}))
    assert_429(wrong_login(api))
    # Reading the form is not an attempt.
    assert client.get(form).status_code == 200


@pytest.mark.parametrize("form", ["/api-auth/login/", "/admin/login/"])
def test_a_session_of_another_account_opens_no_window_of_its_own(form, make_user):
    """The guesser logs in as themself on the form, then guesses another user's password through
    it: the attempts still count per address, in /login's window (no account is locked: the
    victim logs in from another address)."""
    make_user("ana")
    make_user("mallory")
    client = Client(REMOTE_ADDR="127.0.0.17", enforce_csrf_checks=False)
    client.login(username="mallory", password="Canciones-2026")
    for _ in range(LOGIN_LIMIT):
        assert client.post(form, {"username": "ana", "password": "mala"}).status_code == 200
    assert_429(client.post(form, {"username": "ana", "password": "mala"}))
    assert_429(wrong_login(APIClient(REMOTE_ADDR="127.0.0.17")))
    elsewhere = APIClient(REMOTE_ADDR="127.0.0.18")
    right = {"username": "ana", "password": "Canciones-2026"}
    assert elsewhere.post("/login", right, format="json").status_code == 200
