from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from rest_framework.exceptions import ValidationError
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import RefreshToken

from .models import USERNAME_TAKEN


def user_create(*, username: str, password: str):
    try:
        with transaction.atomic():
            return get_user_model().objects.create_user(username=username, password=password)
    except IntegrityError as exc:  # the unique key settles a race lost since the caller's check
        raise ValidationError({"username": [USERNAME_TAKEN]}) from exc


def refresh_token_revoke(*, user, refresh: str) -> bool:
    try:
        token = RefreshToken(refresh)
    except TokenError:
        return False
    if str(token.get("user_id")) != str(user.pk):
        return False
    token.blacklist()
    return True
