"""Core Django settings. music_service has no database at all: it is stateless by construction."""

from pathlib import Path

import musica_kit
from musica_kit.env import env_bool, env_list, env_required, env_str

BASE_DIR = Path(__file__).resolve().parents[2]
DEBUG = env_bool("DJANGO_DEBUG")
# Each service has its own key (music's is MUSIC_DJANGO_SECRET_KEY in .env and compose).
SECRET_KEY = env_required(
    "DJANGO_SECRET_KEY", dev_default="dev-only-music-secret-key-not-for-production", debug=DEBUG
)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1")

# The contract is Spanish, whatever Accept-Language says: no LocaleMiddleware, and Spanish is the
# only language, so nothing (a middleware added later, a language cookie) can switch to another.
LANGUAGE_CODE = "es"
LANGUAGES = [("es", "Español")]
# The kit's catalogue: the texts DRF leaves in English. LOCALE_PATHS wins over every app's.
LOCALE_PATHS = [Path(musica_kit.__file__).resolve().parent / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Both forms of every path are routed explicitly (APPEND_SLASH would answer a POST with a 301).
APPEND_SLASH = False

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "musica_kit.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG

# Bodies over 1 MiB are refused with a JSON 413 before they are read (musica_kit.limits).
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

INSTALLED_APPS = [
    "musica_kit",  # first: its templates (Spanish DRF pages, CSP nonces, offline ReDoc) win
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and ReDoc assets, served locally (no CDN)
    "search",
    "csp",
]

MIDDLEWARE = [
    "musica_kit.metrics.RequestMetricsMiddleware",  # first: /metrics, and it times everything below
    "config.middleware.RequestContextMiddleware",
    "musica_kit.limits.BodySizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After whitenoise (static files need no policy), before everything that may answer a page.
    "musica_kit.csp.CSPMiddleware",
    "django.middleware.common.CommonMiddleware",
    # No cookie is ever set here and DRF views are csrf-exempt; both are on so that nothing
    # added later (a form, a page) is served without them.
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

# No models, no migrations, no connections: replicas never touch a database.
DATABASES = {}

# The browsable API renders templates even without contrib.auth.
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
