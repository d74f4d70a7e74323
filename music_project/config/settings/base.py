"""Core Django settings of music_service: apps, middleware, transport security, cache, logs, OpenAPI."""

import tomllib
from pathlib import Path

import musica_kit
from musica_kit.env import env_bool, env_int, env_list, env_required, env_str

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
    "musica_kit.request_context.RequestContextMiddleware",
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
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]

# Django's defaults already send nosniff, X-Frame-Options: DENY and HttpOnly session cookies.
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

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

# Shared with auth_service; empty (only with DJANGO_DEBUG=1) disables the check.
MUSIC_SERVICE_TOKEN = env_str("MUSIC_SERVICE_TOKEN")
REQUIRED_SECRETS = {"DJANGO_SECRET_KEY": "SECRET_KEY", "MUSIC_SERVICE_TOKEN": "MUSIC_SERVICE_TOKEN"}

# Optional: /metrics exists only when set.
METRICS_TOKEN = env_str("METRICS_TOKEN")

# Django's cache: Redis with REDIS_URL (shared by replicas), else the process's memory (one worker).
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    # Fails open: a Redis outage means no cache, logged, never a 500.
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("REDIS_KEY_PREFIX", "music"),
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1, "IGNORE_EXCEPTIONS": True},
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "music",
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    }

SEARCH_CACHE_TTL = env_int("SEARCH_CACHE_TTL", 24 * 60 * 60)
SEARCH_CACHE_EMPTY_TTL = env_int("SEARCH_CACHE_EMPTY_TTL", 10 * 60)
# The longest max-age a /search answer gives its caller (0: always no-store).
SEARCH_HTTP_MAX_AGE = env_int("SEARCH_HTTP_MAX_AGE", 60 * 60)

SERVICE_NAME = "music"
LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
LOG_REDACT_SETTINGS = ("SECRET_KEY", "MUSIC_SERVICE_TOKEN", "SPOTIFY_CLIENT_SECRET", "METRICS_TOKEN")
LOG_REDACT_HOOK = "search.providers.spotify.secrets_for_logs"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "musica_kit.request_context.JsonFormatter", "service": SERVICE_NAME}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        "spotipy": {"level": "CRITICAL"},
        "urllib3": {"level": "WARNING"},
    },
}

# OpenAPI, behind the service token; its texts for readers are in config/openapi.toml.
_TEXT = tomllib.loads((BASE_DIR / "config" / "openapi.toml").read_text(encoding="utf-8"))

SPECTACULAR_SETTINGS = {
    "TITLE": _TEXT["title"],
    "DESCRIPTION": _TEXT["description"],
    "TAGS": _TEXT["tags"],
    "VERSION": "1.0.0",
    # 3.0's allOf + nullable is read as "not nullable" by some validators.
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "DISABLE_DOCSTRING_DESCRIPTIONS": True,
    "SCHEMA_PATH_PREFIX": "",
    "COMPONENT_SPLIT_REQUEST": True,
    # No CDN, no public validator: nothing leaves this server.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "persistAuthorization": True, "validatorUrl": None},
    "AUTHENTICATION_WHITELIST": ["search.service_token.ServiceTokenAuthentication"],
    "PREPROCESSING_HOOKS": ["musica_kit.schema.drop_slash_variants"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "musica_kit.schema.drop_unreferenced_schemas",
        "musica_kit.schema.add_request_id_header",
    ],
    "SERVE_PERMISSIONS": ["search.service_token.IsTrustedCaller"],
    "SERVE_AUTHENTICATION": ["search.service_token.ServiceTokenAuthentication"],
}
