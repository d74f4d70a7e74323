"""REDIS_KEY_PREFIX sets the prefix of every cache key, so several runs can share one Redis database."""

from django.conf import settings

from tests.support.project_settings import cache_settings


def _cache_settings(**env) -> dict:
    return cache_settings(settings.BASE_DIR, **env)


def test_redis_key_prefix_sets_the_cache_key_prefix():
    cache = _cache_settings(REDIS_URL="redis://127.0.0.1:6379/0", REDIS_KEY_PREFIX="run-42-auth")
    assert cache["BACKEND"] == "django_redis.cache.RedisCache"
    assert cache["KEY_PREFIX"] == "run-42-auth"


def test_without_redis_key_prefix_the_prefix_stays_the_service_name():
    assert _cache_settings(REDIS_URL="redis://127.0.0.1:6379/0")["KEY_PREFIX"] == "auth"
