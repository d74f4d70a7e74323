import pytest
from django.db import connection
from rest_framework.test import APIClient


def test_health_answers_without_a_database_and_echoes_or_generates_the_request_id():
    client = APIClient()
    response = client.get("/health", HTTP_X_REQUEST_ID="abc-123")
    assert (response.json(), response["X-Request-ID"]) == ({"status": "ok"}, "abc-123")
    generated = client.get("/health", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"]
    assert generated != "<script>" and len(generated) == 32


@pytest.mark.django_db
def test_ready_checks_the_database(monkeypatch):
    assert APIClient().get("/ready/").json() == {"status": "ok", "database": "ok"}

    def broken(*args, **kwargs):
        raise connection.Database.OperationalError("database is gone")

    monkeypatch.setattr(connection, "cursor", broken)
    response = APIClient().get("/ready")
    assert (response.status_code, response.json()) == (503, {"status": "unavailable", "database": "error"})
