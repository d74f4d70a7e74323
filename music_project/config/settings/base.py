from pathlib import Path

import musica_kit
from musica_kit.env import env_bool, env_list, env_required, env_str

BASE_DIR = Path(__file__).resolve().parents[2]
DEBUG = env_bool("DJANGO_DEBUG")
SECRET_KEY = env_required(
    "DJANGO_SECRET_KEY", dev_default="dev-only-music-secret-key-not-for-production", debug=DEBUG
)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1")

# The contract is Spanish whatever Accept-Language says: no LocaleMiddleware, no other language.
LANGUAGE_CODE = "es"
LANGUAGES = [("es", "Español")]
# The kit's catalogue translates what DRF leaves in English.
LOCALE_PATHS = [Path(musica_kit.__file__).resolve().parent / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Both forms of every path are routed (APPEND_SLASH would answer a POST with a 301).
APPEND_SLASH = False

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "musica_kit.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG

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
    "musica_kit.csp.CSPMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Nothing sets cookies or forms yet: on for whatever is added later.
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

# Stateless: replicas never touch a database.
DATABASES = {}

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
