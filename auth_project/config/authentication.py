"""SimpleJWT's authentication with a 401 for a malformed ``user_id`` claim, which SimpleJWT hands to
``User.objects.get`` (a 500 for "abc", user 1 for 1.5 or true): a leaked key must open no other account."""

import re

from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework_simplejwt import authentication
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.settings import api_settings

MAX_USER_ID = 2**63 - 1  # BigAutoField
DIGITS = re.compile(r"[0-9]{1,19}")


def user_id_from_claim(value) -> int | None:
    """A positive integer, or a string of digits as SimpleJWT accepts; else None."""
    if isinstance(value, bool):  # bool is an int subclass: true would be user 1
        return None
    if isinstance(value, str) and DIGITS.fullmatch(value):
        value = int(value)
    if isinstance(value, int) and 1 <= value <= MAX_USER_ID:
        return value
    return None


class JWTAuthentication(authentication.JWTAuthentication):
    def get_user(self, validated_token):
        if user_id_from_claim(validated_token.get(api_settings.USER_ID_CLAIM)) is None:
            raise InvalidToken(_("Token contained no recognizable user identification"))
        return super().get_user(validated_token)


class JWTAuthenticationScheme(SimpleJWTScheme):
    """drf-spectacular matches authentication classes exactly."""

    target_class = "config.authentication.JWTAuthentication"
