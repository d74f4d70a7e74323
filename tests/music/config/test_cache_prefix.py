"""REDIS_KEY_PREFIX sets the prefix of every cache key, so several runs can share one Redis database."""

import json
import os
import subprocess
import sys

from django.conf import settings

SHOW_CACHE = "import json; from config.settings import CACHES; print(json.dumps(CACHES['default']))"


def _cache_settings(**env) -> dict:
    """The CACHES['default'] the real settings build under ``env`` (a fresh interpreter)."""
    done = subprocess.run(
        [sys.executable, "-c", SHOW_CACHE],
        cwd=settings.BASE_DIR,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith(("REDIS_", "DJANGO_SETTINGS"))},
            "DJANGO_SECRET_KEY": "cache-prefix-test-secret-0123456789-abcdefghijklmnopqrstuv",
            "JWT_SIGNING_KEY": "cache-prefix-test-jwt-key-0123456789-abcdefghijklmnopqrstuv",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_redis_key_prefix_sets_the_cache_key_prefix():
    cache = _cache_settings(REDIS_URL="redis://127.0.0.1:6379/0", REDIS_KEY_PREFIX="run-42-music")
    assert cache["BACKEND"] == "django_redis.cache.RedisCache"
    assert cache["KEY_PREFIX"] == "run-42-music"


def test_without_redis_key_prefix_the_prefix_stays_the_service_name():
    assert _cache_settings(REDIS_URL="redis://127.0.0.1:6379/0")["KEY_PREFIX"] == "music"
