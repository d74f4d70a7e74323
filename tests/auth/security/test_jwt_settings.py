"""SimpleJWT as configured: HS256 only, iss/aud, short access, rotation with blacklist, inactive and
deleted users refused, including at refresh (SimpleJWT 5.5.1 alone answers 500 for a deleted one)."""

from datetime import timedelta

import pytest
from django.conf import settings
from rest_framework.test import APIClient
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import RefreshToken

pytestmark = pytest.mark.django_db


def test_token_settings():
    jwt = settings.SIMPLE_JWT
    assert jwt["ALGORITHM"] == "HS256"
    assert jwt["SIGNING_KEY"] != settings.SECRET_KEY
    assert jwt["ISSUER"] and jwt["AUDIENCE"]
    assert jwt["ACCESS_TOKEN_LIFETIME"] <= timedelta(minutes=15)
    assert jwt["ROTATE_REFRESH_TOKENS"] and jwt["BLACKLIST_AFTER_ROTATION"]
    assert api_settings.CHECK_USER_IS_ACTIVE is True
    assert "rest_framework_simplejwt.token_blacklist" in settings.INSTALLED_APPS


def test_argon2_hashes_passwords_in_production_settings():
    from config.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert len(base.AUTH_PASSWORD_VALIDATORS) == 4


def refresh(client, token):
    return client.post("/token/refresh", {"refresh": str(token)}, format="json")


def test_refresh_for_an_inactive_user_is_401(make_user):
    user = make_user()
    token = RefreshToken.for_user(user)
    user.is_active = False
    user.save()
    response = refresh(APIClient(), token)
    assert response.status_code == 401, response.content
    assert set(response.json()) == {"error", "detalle"}


def test_refresh_for_a_deleted_user_is_401_not_500(make_user):
    user = make_user()
    token = RefreshToken.for_user(user)
    user.delete()
    response = refresh(APIClient(), token)
    assert response.status_code == 401, response.content


def test_refresh_rotates_and_the_used_token_is_dead(make_user):
    token = RefreshToken.for_user(make_user())
    client = APIClient()
    first = refresh(client, token)
    assert first.status_code == 200
    assert set(first.json()) == {"access", "refresh"}
    assert refresh(client, token).status_code == 401
    assert refresh(client, first.json()["refresh"]).status_code == 200


def test_access_of_an_inactive_user_is_401(make_user):
    user = make_user()
    access = RefreshToken.for_user(user).access_token
    client = APIClient(HTTP_AUTHORIZATION=f"Bearer {access}")
    assert client.get("/me").status_code == 200
    user.is_active = False
    user.save()
    assert client.get("/me").status_code == 401
