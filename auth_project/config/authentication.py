"""SimpleJWT's JWTAuthentication, refusing a malformed ``user_id`` claim with 401.

SimpleJWT 5.5.1 hands the claim straight to ``User.objects.get``: "abc", [] or {} raise there (a
500), a huge number overflows SQLite, and 1.5 or true are read as user 1. Only a holder of the
signing key can mint such a token, but a leaked key must still not crash us or open another account.
"""

import re

from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework_simplejwt import authentication
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.settings import api_settings

MAX_USER_ID = 2**63 - 1  # BigAutoField
DIGITS = re.compile(r"[0-9]{1,19}")


def user_id_from_claim(value) -> int | None:
    """The user id a claim names (a positive integer, or a string of digits as SimpleJWT accepts),
    or None."""
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
        return super().get_user(validated_token)  # SimpleJWT's own lookup (active users only)


class JWTAuthenticationScheme(SimpleJWTScheme):
    """drf-spectacular matches authentication classes exactly: describe ours as SimpleJWT's."""

    target_class = "config.authentication.JWTAuthentication"
