"""Core Django settings of auth_service: apps, middleware, language, transport security, logs."""

from pathlib import Path

import musica_kit
from musica_kit.env import env_bool, env_int, env_list, env_required, env_str

BASE_DIR = Path(__file__).resolve().parents[2]
DEBUG = env_bool("DJANGO_DEBUG")
SECRET_KEY = env_required(
    "DJANGO_SECRET_KEY", dev_default="dev-only-auth-secret-key-not-for-production", debug=DEBUG
)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1")

# Spanish whatever Accept-Language says: no LocaleMiddleware.
LANGUAGE_CODE = "es"
LANGUAGES = [("es", "Español")]
# The kit's catalogue translates what DRF and SimpleJWT leave in English.
LOCALE_PATHS = [Path(musica_kit.__file__).resolve().parent / "locale"]
TIME_ZONE = "UTC"

# Both forms of every path are routed; its 301 would make clients replay "POST /notas" as a GET.
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
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "rest_framework_simplejwt",  # for its Spanish catalogue (loaded only for an installed app)
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
    "musica_kit.csp.CSPMiddleware",  # after whitenoise: static files need no policy
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

CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")
# DJANGO_SECURE=1 behind TLS; never in debug.
_SECURE = env_bool("DJANGO_SECURE", default=False) and not DEBUG
SESSION_COOKIE_SECURE = _SECURE
CSRF_COOKIE_SECURE = _SECURE
SECURE_SSL_REDIRECT = _SECURE and env_bool("DJANGO_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000) if _SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _SECURE
SECURE_HSTS_PRELOAD = _SECURE
SECURE_REDIRECT_EXEMPT = [r"^health/?$", r"^ready/?$"]
if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# variable → setting of each secret a serving process needs (musica_kit.secrets).
REQUIRED_SECRETS = {
    "DJANGO_SECRET_KEY": "SECRET_KEY",
    "JWT_SIGNING_KEY": "SIMPLE_JWT.SIGNING_KEY",
    "MUSIC_SERVICE_TOKEN": "MUSIC_SERVICE_TOKEN",
}
# /metrics exists only with it.
METRICS_TOKEN = env_str("METRICS_TOKEN")

SERVICE_NAME = "auth"
LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
LOG_REDACT_SETTINGS = ("SECRET_KEY", "JWT_SIGNING_KEY", "MUSIC_SERVICE_TOKEN", "METRICS_TOKEN")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "musica_kit.request_context.JsonFormatter", "service": SERVICE_NAME}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        "urllib3": {"level": "ERROR"},
        # Never DEBUG: its SQL parameters include whole refresh tokens.
        "django.db.backends": {"level": "INFO"},
    },
}
