from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import RefreshToken


class UsernameTaken(Exception):
    pass


def user_create(*, username: str, password: str):
    """Raises UsernameTaken when the unique key settles a race lost since the caller's check."""
    try:
        with transaction.atomic():
            return get_user_model().objects.create_user(username=username, password=password)
    except IntegrityError as exc:  # username and username_key are the only unique columns
        raise UsernameTaken(username) from exc


def refresh_token_revoke(*, user, refresh: str) -> bool:
    try:
        token = RefreshToken(refresh)
    except TokenError:
        return False
    if str(token.get("user_id")) != str(user.pk):
        return False
    token.blacklist()
    return True
