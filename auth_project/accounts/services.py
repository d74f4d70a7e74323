"""Writes on users."""

from django.contrib.auth import get_user_model
from django.db import transaction
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import RefreshToken


@transaction.atomic
def user_create(*, username: str, password: str):
    return get_user_model().objects.create_user(username=username, password=password)


def refresh_token_revoke(*, user, refresh: str) -> bool:
    """Blacklists ``refresh`` if it belongs to ``user``. False when invalid or someone else's."""
    try:
        token = RefreshToken(refresh)
    except TokenError:
        return False
    if str(token.get("user_id")) != str(user.pk):
        return False
    token.blacklist()
    return True
