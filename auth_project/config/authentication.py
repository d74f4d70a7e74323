"""SimpleJWT's JWTAuthentication, refusing a malformed user id claim with 401 instead of 500.

SimpleJWT 5.5.1 hands the ``user_id`` claim straight to ``User.objects.get(id=...)``: a validly
signed token whose claim is "abc", [] or {} raises ValueError/TypeError there (a 500), a huge
number OverflowError on SQLite, and 1.5 or true is silently read as user 1. Only a holder of the
signing key can mint such a token, but a leaked or misused key must still not crash the service
or open another account. Here the claim must be what we issue: a positive integer (a string of
digits is tolerated, as SimpleJWT accepts it) within the primary key's range.

The user is still read on every request (a deactivated or deleted user is refused at once), but
with one SELECT by primary key written once per database, run on the connection's cursor with
the column converters a queryset applies and the model's ``from_db``, instead of a queryset
compiled again for every request (most of the cost of a note's authentication) or a
``Manager.raw`` (which resolves its columns again for every row: 6 % of a note's CPU;
docs/benchmarks.md).
"""

import re
import threading
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
def _user_by_id_query(model, alias: str, vendor: str) -> tuple[str, tuple[str, ...], tuple]:
    """SELECT every concrete column of ``model`` WHERE USER_ID_FIELD = %s, built once per database,
    with the fields' attribute names and columns (for from_db and the column converters)."""
    quote = connections[alias].ops.quote_name
    concrete = model._meta.concrete_fields
    columns = ", ".join(quote(field.column) for field in concrete)
    key = quote(model._meta.get_field(api_settings.USER_ID_FIELD).column)
    # Only quoted identifiers from the model's metadata; the id is always a query parameter.
    sql = f"SELECT {columns} FROM {quote(model._meta.db_table)} WHERE {key} = %s"  # noqa: S608
    names = tuple(field.attname for field in concrete)
    return sql, names, tuple(field.get_col(model._meta.db_table) for field in concrete)


_per_thread = threading.local()


def _converters(connection, cols: tuple) -> list[tuple[int, list, object]]:
    """The column converters a queryset applies (a SQLite datetime is text, a boolean 0/1), looked up
    once per connection object: Django's connections are per thread, and so is this cache."""
    cached = getattr(_per_thread, "converters", None)
    if cached is None or cached[0] is not connection or cached[1] is not cols:
        found = []
        for position, col in enumerate(cols):
            converters = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
            if converters:
                found.append((position, converters, col))
        cached = _per_thread.converters = (connection, cols, found)
    return cached[2]


def user_by_id(model, user_id: int):
    """The user whose USER_ID_FIELD is ``user_id`` (a whole model instance, as ``Manager.raw`` or a
    queryset gives it: the same converters, ``from_db``), or None."""
    alias = model._default_manager.db
    connection = connections[alias]
    sql, names, cols = _user_by_id_query(model, alias, connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id])
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for position, converters, col in _converters(connection, cols):
        for converter in converters:
            values[position] = converter(values[position], col, connection)
    return model.from_db(alias, names, values)


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
