"""REDIS_KEY_PREFIX lets several runs share one Redis database."""

import pytest
from django.conf import settings

from tests.support.project_settings import cache_settings


@pytest.mark.parametrize(
    ("env", "prefix"), [({"REDIS_KEY_PREFIX": "run-42-music"}, "run-42-music"), ({}, "music")]
)
def test_redis_key_prefix_sets_the_cache_key_prefix_else_it_is_the_service_name(env, prefix):
    cache = cache_settings(settings.BASE_DIR, REDIS_URL="redis://127.0.0.1:6379/0", **env)
    assert (cache["BACKEND"], cache["KEY_PREFIX"]) == ("django_redis.cache.RedisCache", prefix)
