"""Body limits and deep JSON in-process (a body over 1 MiB on every endpoint:
tests/e2e/test_security_hostile.py), and secrets masked in log lines whatever logs them."""

import json
import logging

import pytest
from django.core.exceptions import RequestDataTooBig
from rest_framework_simplejwt.tokens import RefreshToken

from musica_kit.errors import api_exception_handler
from musica_kit.request_context import JsonFormatter, request_id_scope

pytestmark = pytest.mark.django_db

MIB = 1024 * 1024


@pytest.fixture
def user_client(make_user, client_for):
    return client_for(make_user())


def test_request_data_too_big_inside_a_view_is_413_not_400():
    response = api_exception_handler(RequestDataTooBig("too big"), {})
    assert (response.status_code, response.data["detalle"]) == (413, {"max_bytes": MIB})


def test_an_unparsable_content_length_is_a_json_400(user_client):
    response = user_client.generic(
        "POST", "/notas", b"{}", content_type="application/json", CONTENT_LENGTH="x"
    )
    assert response.status_code == 400 and set(response.json()) == {"error", "detalle"}


@pytest.mark.parametrize("depth", [10_000, 200_000])
def test_json_nested_too_deep_is_a_400(depth, user_client):
    response = user_client.post("/notas", "[" * depth + "]" * depth, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"].startswith("JSON no válido")


def formatted(message: str, *args, **extra) -> str:
    record = logging.LogRecord("test", logging.DEBUG, __file__, 1, message, args, None)
    record.__dict__.update(extra)
    return JsonFormatter(service="auth").format(record)


def test_a_line_outside_any_request_leaves_the_request_id_key_out():
    assert "request_id" not in json.loads(formatted("enrich pass"))  # not null: absent
    with request_id_scope("enrich", request_id="enrich-7-abc"):
        assert json.loads(formatted("note enrichment"))["request_id"] == "enrich-7-abc"


def test_configured_secrets_authorization_values_and_jwts_never_reach_a_log_line(settings, make_user):
    settings.MUSIC_SERVICE_TOKEN = "service-token-sentinel-0123456789"
    secrets = [settings.SECRET_KEY, settings.SIMPLE_JWT["SIGNING_KEY"], settings.MUSIC_SERVICE_TOKEN]
    line = formatted("key %s jwt %s token %s", *secrets)
    assert json.loads(line)["message"] == "key [redacted] jwt [redacted] token [redacted]"

    refresh = RefreshToken.for_user(make_user())
    basic = "Y2xpZW50OnNlY3JldC12YWx1ZQ=="
    line = formatted(
        "Sending GET with Headers: %s",
        {"Authorization": f"Bearer {refresh.access_token}", "X": f"Basic {basic}"},
        body=f"refresh={refresh}",
    )
    for secret in (str(refresh.access_token), str(refresh), basic.rstrip("=")):
        assert secret not in line
    assert "Bearer [redacted]" in line and "Basic [redacted]" in line
    assert json.loads(formatted("Basic auth used by %s", "ana"))["message"] == "Basic auth used by ana"
