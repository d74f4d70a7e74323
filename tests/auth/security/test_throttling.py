"""Behind NUM_PROXIES=1 the login limit counts the address our proxy saw (bursts, forged X-Forwarded-For
without a proxy and login forms under other sessions: tests/e2e/test_security_bursts.py)."""

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_behind_one_proxy_the_right_most_forwarded_address_is_the_client(rates, make_user, settings):
    make_user("ana")
    rates(login="5/min")
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    proxy = APIClient(REMOTE_ADDR="127.0.0.14")

    def wrong_login(forwarded):
        body = {"username": "ana", "password": "mala"}
        return proxy.post("/login", body, format="json", HTTP_X_FORWARDED_FOR=forwarded).status_code

    assert [wrong_login(f"203.0.113.{i}, 127.0.0.50") for i in range(5)] == [401] * 5
    refused = proxy.post("/login", {"username": "ana"}, format="json", HTTP_X_FORWARDED_FOR="127.0.0.50")
    retry_after = int(refused["Retry-After"])
    assert (refused.status_code, refused.json()["detalle"]) == (429, {"reintentar_en_segundos": retry_after})
    assert 1 <= retry_after <= 60 and refused.json()["error"]
    assert wrong_login("127.0.0.51") == 401
