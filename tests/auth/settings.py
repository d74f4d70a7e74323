"""auth_service settings for its test suite: the real settings, a few test-only knobs."""

import os
import secrets
import tempfile

from tests.support.processes import SERVICE_TOKEN

# Real random secrets, new for every run (DEBUG stays off).
os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("JWT_SIGNING_KEY", secrets.token_urlsafe(50))

import dj_database_url

from config.settings import *  # noqa: F403

if os.environ.get("TEST_DATABASE_URL"):  # a real PostgreSQL (CI sets it)
    DATABASES = {"default": dj_database_url.parse(os.environ["TEST_DATABASE_URL"])}
else:
    # A file, as deployed (WAL, busy_timeout, IMMEDIATE): Django's in-memory test database fails a
    # second thread's write at once instead of waiting, and the concurrency tests write side by side.
    DATABASES["default"]["TEST"] = {
        "NAME": os.path.join(tempfile.gettempdir(), f"musica-auth-tests-{os.getpid()}.sqlite3")
    }

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # hashing cost is not measured here
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}
REDIS_URL = ""  # the rate limiter counts in the test database (its SQL store)
MUSIC_SERVICE_URL = "http://127.0.0.1:9"  # tests that need music start a real one and point here
MUSIC_SERVICE_TOKEN = SERVICE_TOKEN  # the live music_service of tests/auth/conftest.py asks for it
MUSIC_CONNECT_TIMEOUT = 0.5
MUSIC_READ_TIMEOUT = 2.0
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = BASE_DIR / "staticfiles"  # noqa: F405
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns about a missing folder
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
