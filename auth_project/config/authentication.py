"""SimpleJWT's authentication with a 401 for a malformed ``user_id`` claim, which SimpleJWT hands to
``User.objects.get`` (a 500 for "abc", user 1 for 1.5 or true): a leaked key must open no other account."""

import re

from django.db import connection
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework_simplejwt import authentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.utils import get_md5_hash_password

MAX_USER_ID = 2**63 - 1  # BigAutoField
DIGITS = re.compile(r"[0-9]{1,19}")


def user_id_from_claim(value) -> int | None:
    """A positive integer, or a string of digits as SimpleJWT accepts; else None."""
    if isinstance(value, str) and DIGITS.fullmatch(value):
        value = int(value)
    if type(value) is int and 1 <= value <= MAX_USER_ID:  # not bool, an int subclass: true would be user 1
        return value
    return None


class JWTAuthentication(authentication.JWTAuthentication):
    def get_user(self, validated_token):
        """SimpleJWT 5.5.1's checks, messages and codes, with the user read by Manager.raw: a queryset
        compiled per request cost 11 % of a bare save's instructions (docs/benchmarks.md)."""
        user_id = user_id_from_claim(validated_token.get(api_settings.USER_ID_CLAIM))
        if user_id is None:
            raise InvalidToken(_("Token contained no recognizable user identification"))
        meta, quote = self.user_model._meta, connection.ops.quote_name
        key = quote(meta.get_field(api_settings.USER_ID_FIELD).column)
        sql = f"SELECT * FROM {quote(meta.db_table)} WHERE {key} = %s"  # noqa: S608 (names from the model)
        user = next(iter(self.user_model.objects.raw(sql, [user_id])), None)
        if user is None:
            raise AuthenticationFailed(_("User not found"), code="user_not_found")
        if api_settings.CHECK_USER_IS_ACTIVE and not user.is_active:
            raise AuthenticationFailed(_("User is inactive"), code="user_inactive")
        revoke = validated_token.get(api_settings.REVOKE_TOKEN_CLAIM)
        if api_settings.CHECK_REVOKE_TOKEN and revoke != get_md5_hash_password(user.password):
            raise AuthenticationFailed(_("The user's password has been changed."), code="password_changed")
        return user


class JWTAuthenticationScheme(SimpleJWTScheme):
    """drf-spectacular matches authentication classes exactly."""

    target_class = "config.authentication.JWTAuthentication"
