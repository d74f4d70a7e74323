"""Core Django settings for auth_service."""

from pathlib import Path

import musica_kit
from musica_kit.env import env_bool, env_list, env_required, env_str

BASE_DIR = Path(__file__).resolve().parents[2]
DEBUG = env_bool("DJANGO_DEBUG")
# Each service has its own key (music's is MUSIC_DJANGO_SECRET_KEY in .env and compose).
SECRET_KEY = env_required(
    "DJANGO_SECRET_KEY", dev_default="dev-only-auth-secret-key-not-for-production", debug=DEBUG
)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1")

# The contract is Spanish, whatever Accept-Language says: no LocaleMiddleware, and Spanish is the
# only language, so nothing (a middleware added later, a language cookie) can switch to another.
LANGUAGE_CODE = "es"
LANGUAGES = [("es", "Español")]
# The kit's catalogue: the texts DRF and SimpleJWT leave in English. LOCALE_PATHS wins over apps.
LOCALE_PATHS = [Path(musica_kit.__file__).resolve().parent / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Both forms of every path are routed explicitly. APPEND_SLASH would turn "POST /notas" into a 301
# that clients replay as a GET (the note is lost).
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
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Installed for its translations (its Spanish catalogue is only loaded for an installed app);
    # musica_kit's catalogue completes it.
    "rest_framework_simplejwt",
    "rest_framework_simplejwt.token_blacklist",
    "config.apps.ConfigAppConfig",  # deployment checks for our own secrets
    "accounts",
    "notes",
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
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "config.throttling.LoginFormThrottleMiddleware",  # before CSRF: every attempt counts
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

