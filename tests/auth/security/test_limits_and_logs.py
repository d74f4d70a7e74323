"""Body limits, deep JSON, secret masking in logs, and the deployment checks, in-process."""

import json
import logging

import pytest
from django.core.checks import run_checks
from django.core.exceptions import RequestDataTooBig
from django.test import override_settings
from rest_framework.test import APIClient

from musica_kit.errors import api_exception_handler
from musica_kit.request_context import JsonFormatter, request_id_scope

pytestmark = pytest.mark.django_db

MIB = 1024 * 1024


@pytest.fixture
def user_client(make_user):
    client = APIClient()
    client.force_authenticate(user=make_user())
    return client


@pytest.mark.parametrize("path", ["/notas", "/register", "/login", "/token/refresh", "/logout", "/health"])
def test_a_body_over_one_mib_is_a_json_413_on_every_path(path, user_client):
    body = json.dumps({"cancion": "x" * MIB})
    response = user_client.post(path, body, content_type="application/json")
    assert response.status_code == 413
    assert response.json() == {
        "error": "El cuerpo de la petición es demasiado grande (máximo 1048576 bytes).",
        "detalle": {"max_bytes": MIB},
    }


def test_a_body_of_exactly_one_mib_is_read(user_client):
    padding = MIB - len(json.dumps({"cancion": "Queen", "texto": ""}))
    body = json.dumps({"cancion": "Queen", "texto": " " * padding})
    assert len(body) == MIB
    response = user_client.post("/notas", body, content_type="application/json")
    assert response.status_code == 400  # read and validated: texto is over 5,000 characters
    assert "texto" in response.json()["detalle"]


def test_request_data_too_big_inside_a_view_is_413_not_400():
    response = api_exception_handler(RequestDataTooBig("too big"), {})
    assert response.status_code == 413
    assert response.data["detalle"] == {"max_bytes": MIB}


def test_an_unparsable_content_length_is_a_json_400(user_client):
    response = user_client.generic(
        "POST", "/notas", b"{}", content_type="application/json", CONTENT_LENGTH="x"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"error", "detalle"}


@pytest.mark.parametrize("depth", [10_000, 200_000])
def test_json_nested_too_deep_is_a_400(depth, user_client):
    response = user_client.post("/notas", "[" * depth + "]" * depth, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"].startswith("JSON no válido")


def _formatted(message: str, *args, **extra) -> str:
    record = logging.LogRecord("test", logging.DEBUG, __file__, 1, message, args, None)
    for key, value in extra.items():
        setattr(record, key, value)
    return JsonFormatter(service="auth").format(record)


def test_a_line_outside_any_request_leaves_the_request_id_key_out():
    assert "request_id" not in json.loads(_formatted("enrich pass"))  # not null: absent
    with request_id_scope("enrich", request_id="enrich-7-abc"):
        assert json.loads(_formatted("note enrichment"))["request_id"] == "enrich-7-abc"


def test_configured_secrets_never_reach_a_log_line(settings):
    settings.MUSIC_SERVICE_TOKEN = "service-token-sentinel-0123456789"
    line = _formatted(
        "key %s jwt %s token %s",
        settings.SECRET_KEY,
        settings.SIMPLE_JWT["SIGNING_KEY"],
        settings.MUSIC_SERVICE_TOKEN,
        header={"Authorization": f"Bearer {settings.MUSIC_SERVICE_TOKEN}"},
    )
    for secret in (settings.SECRET_KEY, settings.SIMPLE_JWT["SIGNING_KEY"], settings.MUSIC_SERVICE_TOKEN):
        assert secret not in line
    assert json.loads(line)["message"] == "key [redacted] jwt [redacted] token [redacted]"


def test_authorization_values_and_jwts_are_masked(make_user):
    from rest_framework_simplejwt.tokens import RefreshToken

    refresh = RefreshToken.for_user(make_user())
    access = str(refresh.access_token)
    line = _formatted(
        "Sending GET with Headers: %s",
        {"Authorization": f"Bearer {access}", "X": "Basic Y2xpZW50OnNlY3JldC12YWx1ZQ=="},
        body=f"refresh={refresh}",
    )
    assert access not in line and str(refresh) not in line
    assert "Y2xpZW50OnNlY3JldC12YWx1ZQ" not in line
    assert "Bearer [redacted]" in line and "Basic [redacted]" in line
    # Ordinary text is left alone.
    assert json.loads(_formatted("Basic auth used by %s", "ana"))["message"] == "Basic auth used by ana"


def _deploy_warnings(**overrides) -> set[str]:
    with override_settings(**overrides):
        return {m.id for m in run_checks(include_deployment_checks=True) if m.id.startswith("auth.")}


def test_deploy_checks_flag_weak_or_shared_secrets(settings):
    strong = "k" * 10 + "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ"
    jwt = settings.SIMPLE_JWT
    assert (
        _deploy_warnings(SIMPLE_JWT={**jwt, "SIGNING_KEY": strong}, MUSIC_SERVICE_TOKEN=strong[:40]) == set()
    )
    assert "auth.W001" in _deploy_warnings(SIMPLE_JWT={**jwt, "SIGNING_KEY": "short"})
    assert "auth.W001" in _deploy_warnings(SIMPLE_JWT={**jwt, "SIGNING_KEY": "dev-only-" + strong})
    assert "auth.W002" in _deploy_warnings(SIMPLE_JWT={**jwt, "SIGNING_KEY": strong}, SECRET_KEY=strong)
    assert "auth.W003" in _deploy_warnings(MUSIC_SERVICE_TOKEN="")
    assert "auth.W003" in _deploy_warnings(MUSIC_SERVICE_TOKEN="change-me-shared-internal-token-xxxxxxx")
