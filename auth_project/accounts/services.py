"""Writes on users."""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import RefreshToken


class UsernameTaken(Exception):
    """Another account holds this username (up to case and Unicode variants)."""


def user_create(*, username: str, password: str):
    """Creates the account. Raises UsernameTaken when the name (or a variant) is already held,
    also when another request registered it in the moment since the caller checked: the unique
    key in the database decides such races."""
    try:
        return _user_insert(username=username, password=password)
    except IntegrityError as exc:  # username or username_key: the only unique columns
        raise UsernameTaken(username) from exc


@transaction.atomic
def _user_insert(*, username: str, password: str):
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
