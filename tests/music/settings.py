"""music_service settings for its test suite."""

import os
import secrets

# A real random key, new for every run (DEBUG stays off).
os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))

from config.settings import *  # noqa: F403
from tests.support.redis_keys import unique_prefix

# TEST_REDIS_URL (CI): a real, maybe shared Redis, so this run's own prefix, deleted by conftest.py.
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "")
if TEST_REDIS_URL:
    backend = {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": TEST_REDIS_URL}
    CACHES = {"default": {**backend, "KEY_PREFIX": unique_prefix("music-tests")}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}
SPOTIFY_CLIENT_ID = ""
# Never the real Deezer or iTunes: tests that want them point DEEZER_API_URL/ITUNES_API_URL at the doubles.
MUSIC_PROVIDERS = ["offline"]
DEEZER_API_URL = "http://127.0.0.1:9/deezer"
ITUNES_API_URL = "http://127.0.0.1:9/itunes"
SPOTIFY_CLIENT_SECRET = ""
MUSIC_SERVICE_TOKEN = ""  # the open mode of DJANGO_DEBUG=1 runs; tests of the token set their own
SPOTIFY_READ_TIMEOUT = 1.0
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = BASE_DIR / "staticfiles"  # noqa: F405
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns about a missing folder
STORAGES = {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
