"""The SQL a note costs with real JWT auth (as scripts/bench): a query added to the hot path fails here."""

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from notes.models import Note

pytestmark = pytest.mark.django_db


def test_post_notas_with_and_without_an_idempotency_key_and_get_notas_stay_within_their_budgets(
    make_user, settings, django_assert_num_queries
):
    settings.ENRICHMENT_MODE = "off"
    user = make_user("budget")
    client = APIClient(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(user)}")
    # A first write: nothing lazy left, and the limiter's once-a-minute purge of expired windows is done.
    assert client.post("/notas", {"cancion": "calentar"}, format="json").status_code == 201
    with django_assert_num_queries(3):  # the user (deleted/inactive: 401), the write limit's upsert, the note
        response = client.post("/notas", {"cancion": "Bohemian Rhapsody"}, format="json")
    assert response.status_code == 201 and response.json()["nota"]["enriquecimiento"] == "pendiente"
    Note.objects.bulk_create(
        [Note(user=user, cancion=f"song {i}", enriquecimiento="pendiente") for i in range(30)]
    )
    with django_assert_num_queries(3):
        response = client.get("/notas")
    assert response.status_code == 200 and len(response.json()["results"]) == 20
    # With an Idempotency-Key: the user; a completed key? (a replay is not counted); the write limit; the
    # hold's transaction (purge expired keys, look the key up, insert it in a savepoint); the note and key.
    with django_assert_num_queries(14):
        response = client.post("/notas", {"cancion": "Queen"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert response.status_code == 201, response.content
