"""The cache is shared by every worker and replica: Redis (failing open, under REDIS_KEY_PREFIX), or
without REDIS_URL a table of the service's database that `migrate` creates, never local memory."""

import pytest
from django.conf import settings
from django.core.cache.backends.db import DatabaseCache
from django.db import connection

from tests.support.project_settings import cache_settings


@pytest.mark.django_db
def test_without_redis_the_cache_is_a_database_table_that_migrate_created():
    cache = cache_settings(settings.BASE_DIR, REDIS_URL="")
    assert cache["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert cache["LOCATION"] in connection.introspection.table_names()
    table = DatabaseCache(cache["LOCATION"], {"KEY_PREFIX": cache["KEY_PREFIX"]})
    table.set("ejemplo", [1.0, 2.0], 60)
    assert table.get("ejemplo") == [1.0, 2.0]


@pytest.mark.parametrize(
    ("prefix", "expected"), [({"REDIS_KEY_PREFIX": "run-42-auth"}, "run-42-auth"), ({}, "auth")]
)
def test_with_redis_the_cache_is_redis_failing_open_under_the_key_prefix(prefix, expected):
    cache = cache_settings(settings.BASE_DIR, REDIS_URL="redis://127.0.0.1:6379/0", **prefix)
    assert cache["BACKEND"] == "django_redis.cache.RedisCache"
    assert cache["OPTIONS"]["IGNORE_EXCEPTIONS"] is True
    assert cache["KEY_PREFIX"] == expected
