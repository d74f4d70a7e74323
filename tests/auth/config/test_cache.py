"""Without Redis the cache is a table of the service's database (shared by every worker and
replica), created by `migrate`; with Redis it stays Redis, failing open."""

import importlib

import pytest
from django.core.cache.backends.db import DatabaseCache
from django.db import connection

from config.settings import cache as cache_settings


@pytest.fixture
def cache_module(monkeypatch):
    def load(redis_url: str):
        monkeypatch.setenv("REDIS_URL", redis_url)
        return importlib.reload(cache_settings)

    yield load
    monkeypatch.undo()
    importlib.reload(cache_settings)


def test_without_redis_the_cache_is_the_database_never_local_memory(cache_module):
    caches = cache_module("").CACHES
    assert set(caches) == {"default"}
    assert caches["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert caches["default"]["LOCATION"] == cache_settings.DATABASE_CACHE_TABLE


def test_with_redis_the_cache_is_redis_and_fails_open(cache_module):
    caches = cache_module("redis://127.0.0.1:6379/15").CACHES
    assert caches["default"]["BACKEND"] == "django_redis.cache.RedisCache"
    assert caches["default"]["OPTIONS"]["IGNORE_EXCEPTIONS"] is True


@pytest.mark.django_db
def test_migrate_creates_the_cache_table_and_it_works():
    """pytest-django built this database with `migrate` (SQLite, or PostgreSQL in CI)."""
    assert cache_settings.DATABASE_CACHE_TABLE in connection.introspection.table_names()
    cache = DatabaseCache(cache_settings.DATABASE_CACHE_TABLE, {"KEY_PREFIX": "auth"})
    cache.set("ejemplo", [1.0, 2.0], 60)
    assert cache.get("ejemplo") == [1.0, 2.0]


def test_the_migration_names_the_table_the_settings_use():
    migration = importlib.import_module("config.migrations.0001_cache_table")
    assert migration.TABLE == cache_settings.DATABASE_CACHE_TABLE
