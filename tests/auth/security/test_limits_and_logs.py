"""A bad Content-Length and deep JSON are JSON 400s (bodies over 1 MiB: tests/e2e/test_security_hostile.py);
secrets are masked in log lines whatever logs them."""

import json
import logging

import pytest
from rest_framework_simplejwt.tokens import RefreshToken

from musica_kit.request_context import JsonFormatter

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("depth", [10_000, 200_000])
def test_an_unparsable_content_length_or_json_nested_too_deep_is_a_json_400(depth, make_user, client_for):
    client = client_for(make_user())
    bad_length = client.generic("POST", "/notas", b"{}", content_type="application/json", CONTENT_LENGTH="x")
    assert bad_length.status_code == 400 and set(bad_length.json()) == {"error", "detalle"}
    response = client.post("/notas", "[" * depth + "]" * depth, content_type="application/json")
    assert response.status_code == 400 and response.json()["error"].startswith("JSON no válido")


def formatted(message: str, *args, **extra) -> str:
    record = logging.LogRecord("test", logging.DEBUG, __file__, 1, message, args, None)
    record.__dict__.update(extra)
    return JsonFormatter(service="auth").format(record)


def test_configured_secrets_authorization_values_and_jwts_never_reach_a_log_line(settings, make_user):
    settings.MUSIC_SERVICE_TOKEN = "service-token-sentinel-0123456789"
    secrets = [settings.SECRET_KEY, settings.SIMPLE_JWT["SIGNING_KEY"], settings.MUSIC_SERVICE_TOKEN]
    line = formatted("key %s jwt %s token %s", *secrets)
    assert json.loads(line)["message"] == "key [redacted] jwt [redacted] token [redacted]"

    refresh, basic = RefreshToken.for_user(make_user()), "Y2xpZW50OnNlY3JldC12YWx1ZQ=="
    headers = {"Authorization": f"Bearer {refresh.access_token}", "X": f"Basic {basic}"}
    line = formatted("Sending GET with Headers: %s", headers, body=f"refresh={refresh}")
    for secret in (str(refresh.access_token), str(refresh), basic.rstrip("=")):
        assert secret not in line
    assert "Bearer [redacted]" in line and "Basic [redacted]" in line
    assert json.loads(formatted("Basic auth used by %s", "ana"))["message"] == "Basic auth used by ana"
