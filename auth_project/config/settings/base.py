"""Core Django settings of auth_service: apps, middleware, secrets, logs (the shared ones: musica_kit)."""

from pathlib import Path

from musica_kit import settings as kit
from musica_kit.env import env_required, env_str
from musica_kit.settings import *  # noqa: F403

BASE_DIR = Path(__file__).resolve().parents[2]
SECRET_KEY = env_required(
    "DJANGO_SECRET_KEY", dev_default="dev-only-auth-secret-key-not-for-production", debug=kit.DEBUG
)
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")

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
    "musica_kit.request_context.RequestContextMiddleware",
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

# variable → setting of each secret a serving process needs (musica_kit.secrets).
REQUIRED_SECRETS = {
    "DJANGO_SECRET_KEY": "SECRET_KEY",
    "JWT_SIGNING_KEY": "SIMPLE_JWT.SIGNING_KEY",
    "MUSIC_SERVICE_TOKEN": "MUSIC_SERVICE_TOKEN",
}

SERVICE_NAME = "auth"
LOG_REDACT_SETTINGS = ("SECRET_KEY", "JWT_SIGNING_KEY", "MUSIC_SERVICE_TOKEN", "METRICS_TOKEN")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "musica_kit.request_context.JsonFormatter", "service": SERVICE_NAME}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["stdout"], "level": kit.LOG_LEVEL},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        "urllib3": {"level": "ERROR"},
        # Never DEBUG: its SQL parameters include whole refresh tokens.
        "django.db.backends": {"level": "INFO"},
    },
}
