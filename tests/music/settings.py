"""music_service settings for its test suite."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-music-secret-key-0123456789-abcdefghijklmnopq")

from config.settings import *  # noqa: F403

# A real Redis for the cache tests when TEST_REDIS_URL is set (CI sets it); local memory otherwise.
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "")
if TEST_REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": TEST_REDIS_URL,
            "KEY_PREFIX": "music-tests",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}
SPOTIFY_CLIENT_ID = ""
# Never the real Deezer or iTunes: tests that want them point DEEZER_API_URL/ITUNES_API_URL at the doubles.
MUSIC_PROVIDERS = ["offline"]
DEEZER_API_URL = "http://127.0.0.1:9/deezer"
ITUNES_API_URL = "http://127.0.0.1:9/itunes"
SPOTIFY_CLIENT_SECRET = ""
MUSIC_SERVICE_TOKEN = ""
SPOTIFY_READ_TIMEOUT = 1.0
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = BASE_DIR / "staticfiles"  # noqa: F405
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns about a missing folder
STORAGES = {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
