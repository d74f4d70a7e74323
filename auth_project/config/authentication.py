"""SimpleJWT's JWTAuthentication, refusing a malformed user id claim with 401 instead of 500.

SimpleJWT 5.5.1 hands the ``user_id`` claim straight to ``User.objects.get(id=...)``: a validly
signed token whose claim is "abc", [] or {} raises ValueError/TypeError there (a 500), a huge
number OverflowError on SQLite, and 1.5 or true is silently read as user 1. Only a holder of the
signing key can mint such a token, but a leaked or misused key must still not crash the service
or open another account. Here the claim must be what we issue: a positive integer (a string of
digits is tolerated, as SimpleJWT accepts it) within the primary key's range; the user is then
read by SimpleJWT's own ``get_user`` (which refuses a deleted or deactivated user at once).
"""

import re

from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework_simplejwt import authentication
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.settings import api_settings

MAX_USER_ID = 2**63 - 1  # BigAutoField
_DIGITS = re.compile(r"[0-9]{1,19}")


def user_id_from_claim(value) -> int | None:
    """The user id a token claim names, or None when the claim is not a well-formed id."""
    if isinstance(value, bool):  # bool is an int subclass: true would be user 1
        return None
    if isinstance(value, str) and _DIGITS.fullmatch(value):
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
    """drf-spectacular matches authentication classes exactly: describe ours as SimpleJWT's."""

    target_class = "config.authentication.JWTAuthentication"
