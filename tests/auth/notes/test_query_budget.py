"""The SQL a note costs: a query added to the hot path fails here, not in a bench.

Real JWT authentication (not force_authenticate), as scripts/bench's scenario 3 (POST /notas with
ENRICHMENT_MODE=off) and scenario 5 (GET /notas) send it. Counts hold on SQLite and PostgreSQL.
"""

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from config import ratelimit
from notes.models import Note

pytestmark = pytest.mark.django_db


@pytest.fixture
def bearer(make_user, settings, monkeypatch):
    settings.ENRICHMENT_MODE = "off"
    # The limiter's once-a-minute purge of expired windows (one DELETE) is not per request.
    monkeypatch.setattr(ratelimit, "_next_purge", float("inf"))
    user = make_user("budget")
    return user, APIClient(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(user)}")


def test_post_notas_is_the_user_the_write_limit_and_one_insert(bearer, django_assert_num_queries):
    user, client = bearer
    client.post("/notas", {"cancion": "calentar"}, format="json")  # first request: nothing lazy left
    with django_assert_num_queries(3) as captured:
        response = client.post("/notas", {"cancion": "Bohemian Rhapsody"}, format="json")
    assert response.status_code == 201, response.content
    first, second, third = (query["sql"] for query in captured.captured_queries)
    assert first.startswith("SELECT") and "accounts_user" in first  # the user: deleted/inactive → 401
    # NOTES_WRITE_RATE without Redis: one upsert counts the write (with REDIS_URL: no SQL at all).
    assert second.lstrip().startswith("INSERT") and "musica_ratelimit" in second
    assert third.startswith("INSERT") and "notes_note" in third
    assert response.json()["nota"]["enriquecimiento"] == "pendiente"
    assert Note.objects.filter(user=user).count() == 2


def test_post_notas_with_an_idempotency_key_stays_within_its_budget(bearer, django_assert_num_queries):
    _, client = bearer
    # The user; is the key a completed one (a replay is not counted)? the write limit's upsert;
    # the hold's transaction (purge expired keys, look the key up, insert it inside a savepoint);
    # then the note and the completed key in one transaction.
    with django_assert_num_queries(14):
        response = client.post("/notas", {"cancion": "Queen"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert response.status_code == 201, response.content


def test_get_notas_is_the_user_the_count_and_the_page(bearer, django_assert_num_queries):
    user, client = bearer
    Note.objects.bulk_create(
        [Note(user=user, cancion=f"song {i}", enriquecimiento="pendiente") for i in range(30)]
    )
    with django_assert_num_queries(3):
        response = client.get("/notas")
    assert response.status_code == 200 and len(response.json()["results"]) == 20
