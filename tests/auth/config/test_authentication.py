"""config.authentication.user_by_id: the token's user read with one prepared SELECT, exactly as the
ORM would give it (every field, its type after the column converters, the instance's state)."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.authentication import user_by_id

pytestmark = pytest.mark.django_db


def _fields(user) -> dict:
    return {field.attname: getattr(user, field.attname) for field in type(user)._meta.concrete_fields}


def test_the_user_is_the_one_a_queryset_gives(make_user):
    user = make_user()
    user.last_login = datetime.datetime(2026, 11, 30, 17, 5, 1, 123456, tzinfo=datetime.UTC)
    user.is_staff = True
    user.first_name = "Ana Ñandú 🎵"
    user.save()
    expected = get_user_model().objects.get(pk=user.pk)

    found = user_by_id(get_user_model(), user.pk)

    assert type(found) is type(expected)
    assert _fields(found) == _fields(expected)
    assert {name: type(value) for name, value in _fields(found).items()} == {
        name: type(value) for name, value in _fields(expected).items()
    }
    assert isinstance(found.last_login, datetime.datetime) and found.last_login.tzinfo is not None
    assert found.is_staff is True and found.is_active is True
    assert found._state.adding is False and found._state.db == expected._state.db


def test_one_query_per_lookup_and_none_for_a_missing_user(make_user):
    user = make_user()
    with CaptureQueriesContext(connection) as queries:
        assert user_by_id(get_user_model(), user.pk).pk == user.pk
        assert user_by_id(get_user_model(), user.pk + 1000) is None
    assert len(queries) == 2
    assert all(query["sql"].startswith("SELECT") for query in queries)


def test_a_deactivated_user_is_read_as_such_on_the_next_lookup(make_user):
    user = make_user()
    assert user_by_id(get_user_model(), user.pk).is_active is True
    get_user_model().objects.filter(pk=user.pk).update(is_active=False)
    assert user_by_id(get_user_model(), user.pk).is_active is False
