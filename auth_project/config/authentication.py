"""SimpleJWT's JWTAuthentication, refusing a malformed user id claim with 401 instead of 500.

SimpleJWT 5.5.1 hands the ``user_id`` claim straight to ``User.objects.get(id=...)``: a validly
signed token whose claim is "abc", [] or {} raises ValueError/TypeError there (a 500), a huge
number OverflowError on SQLite, and 1.5 or true is silently read as user 1. Only a holder of the
signing key can mint such a token, but a leaked or misused key must still not crash the service
or open another account. Here the claim must be what we issue: a positive integer (a string of
digits is tolerated, as SimpleJWT accepts it) within the primary key's range.

The user is still read on every request (a deactivated or deleted user is refused at once), but
with one SELECT by primary key written once per database (``Manager.raw``, which applies the
same column converters as a queryset) instead of a queryset compiled again for every request:
the ORM's compilation was most of the cost of a note's authentication (docs/benchmarks.md).
"""

import re
from functools import cache

from django.core.exceptions import ValidationError
from django.db import connections
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework_simplejwt import authentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.utils import get_md5_hash_password

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


@cache
def _user_by_id_sql(model, alias: str, vendor: str) -> str:
    """SELECT every concrete column of ``model`` WHERE USER_ID_FIELD = %s (built once per database)."""
    quote = connections[alias].ops.quote_name
    columns = ", ".join(quote(field.column) for field in model._meta.concrete_fields)
    key = quote(model._meta.get_field(api_settings.USER_ID_FIELD).column)
    # Only quoted identifiers from the model's metadata; the id is always a query parameter.
    return f"SELECT {columns} FROM {quote(model._meta.db_table)} WHERE {key} = %s"  # noqa: S608


def user_by_id(model, user_id: int):
    """The user whose USER_ID_FIELD is ``user_id`` (a whole model instance), or None."""
    manager = model._default_manager
    alias = manager.db
    sql = _user_by_id_sql(model, alias, connections[alias].vendor)
    return next(iter(manager.raw(sql, [user_id])), None)


class JWTAuthentication(authentication.JWTAuthentication):
    def get_user(self, validated_token):
        """SimpleJWT 5.5.1's get_user (same checks, messages and codes) with user_by_id's query."""
        user_id = user_id_from_claim(validated_token.get(api_settings.USER_ID_CLAIM))
        if user_id is None:
            raise InvalidToken(_("Token contained no recognizable user identification"))
        try:
            user = user_by_id(self.user_model, user_id)
        except (ValueError, TypeError, OverflowError, ValidationError) as exc:  # belt and braces
            raise InvalidToken(_("Token contained no recognizable user identification")) from exc
        if user is None:
            raise AuthenticationFailed(_("User not found"), code="user_not_found")
        if api_settings.CHECK_USER_IS_ACTIVE and not user.is_active:
            raise AuthenticationFailed(_("User is inactive"), code="user_inactive")
        if api_settings.CHECK_REVOKE_TOKEN and validated_token.get(
            api_settings.REVOKE_TOKEN_CLAIM
        ) != get_md5_hash_password(user.password):
            raise AuthenticationFailed(_("The user's password has been changed."), code="password_changed")
        return user


class JWTAuthenticationScheme(SimpleJWTScheme):
    """drf-spectacular matches authentication classes exactly: describe ours as SimpleJWT's."""

    target_class = "config.authentication.JWTAuthentication"
