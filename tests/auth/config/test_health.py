import pytest
from django.db import connection
from rest_framework.test import APIClient


def test_health_answers_without_a_database():
    assert APIClient().get("/health").json() == {"status": "ok"}


@pytest.mark.django_db
def test_ready_checks_the_database():
    response = APIClient().get("/ready/")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


@pytest.mark.django_db
def test_ready_is_503_when_the_database_fails(monkeypatch):
    def broken(*args, **kwargs):
        raise connection.Database.OperationalError("database is gone")

    monkeypatch.setattr(connection, "cursor", broken)
    response = APIClient().get("/ready")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"


def test_unknown_paths_are_json_404():
    response = APIClient().get("/no-existe")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]


def test_request_id_is_echoed_or_generated():
    client = APIClient()
    assert client.get("/health", HTTP_X_REQUEST_ID="abc-123")["X-Request-ID"] == "abc-123"
    generated = client.get("/health", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"]
    assert generated != "<script>" and len(generated) == 32
