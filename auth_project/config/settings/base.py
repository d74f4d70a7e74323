"""auth_service settings, all from the environment, over the ones both services share (musica_kit)."""

import tomllib
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from musica_kit import settings as kit
from musica_kit.env import env_float, env_int, env_rate, env_required, env_str
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

DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'notas.db'}"
# Persistent: on SQLite each new connection re-runs the pragmas and checkpoints the WAL on close.
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE locks at BEGIN: writers queue instead of failing "database is locked" mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# Shared by every worker and replica: Redis, else a table (config/migrations/0001_cache_table.py).
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    # Fails open: an outage degrades to "no cache", logged, never a 500.
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("REDIS_KEY_PREFIX", "auth"),
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1, "IGNORE_EXCEPTIONS": True},
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "musica_cache",
            "KEY_PREFIX": "auth",
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    }

# How auth_service reaches music_service (notes.music_client), enrichment and idempotency keys.
MUSIC_SERVICE_URL = env_str("MUSIC_SERVICE_URL", "http://localhost:5001").rstrip("/")
MUSIC_SERVICE_TOKEN = env_str("MUSIC_SERVICE_TOKEN")
MUSIC_CONNECT_TIMEOUT = env_float("MUSIC_CONNECT_TIMEOUT", 1.0)
MUSIC_READ_TIMEOUT = env_float("MUSIC_READ_TIMEOUT", 3.0)  # bounds how long a note waits for music
# One keep-alive connection per gunicorn thread.
MUSIC_POOL_SIZE = env_int("MUSIC_POOL_SIZE", 32)
MUSIC_BREAKER_THRESHOLD = env_int("MUSIC_BREAKER_THRESHOLD", 3)
MUSIC_BREAKER_COOLDOWN = env_float("MUSIC_BREAKER_COOLDOWN", 5.0)
# Renewing the pool lets new music replicas get connections.
MUSIC_SESSION_MAX_REQUESTS = env_int("MUSIC_SESSION_MAX_REQUESTS", 10)
# music's answers kept per process as its Cache-Control allows (0: none).
MUSIC_HTTP_CACHE_ENTRIES = env_int("MUSIC_HTTP_CACHE_ENTRIES", 1000)

# sync: the 201 carries the photo; async: the runner enriches; off: never call.
ENRICHMENT_MODE = env_str("ENRICHMENT_MODE", "sync").lower()
if ENRICHMENT_MODE not in {"sync", "async", "off"}:
    raise ImproperlyConfigured(f"ENRICHMENT_MODE must be sync, async or off, not {ENRICHMENT_MODE!r}")
ENRICH_BATCH_SIZE = env_int("ENRICH_BATCH_SIZE", 50)
# A few of music's 64 threads: a runner catching up leaves the rest to sync notes.
ENRICH_CONCURRENCY = env_int("ENRICH_CONCURRENCY", 4)
ENRICH_INTERVAL = env_float("ENRICH_INTERVAL", 2.0)
ENRICH_MAX_BACKOFF = env_int("ENRICH_MAX_BACKOFF", 30)
# Seconds after the first "incompleta" answer (and 5 attempts) before a note ends "sin_resultados".
ENRICH_GIVE_UP_AFTER = env_int("ENRICH_GIVE_UP_AFTER", 86400)
# Touched by the runner (--loop) on every pass, for healthchecks.
ENRICH_HEARTBEAT_FILE = env_str("ENRICH_HEARTBEAT_FILE")
ENRICH_METRICS_PORT = env_int("ENRICH_METRICS_PORT", 5002)

IDEMPOTENCY_KEY_TTL_HOURS = env_int("IDEMPOTENCY_KEY_TTL_HOURS", 24)
# Twice gunicorn's worker timeout: a key "in progress" longer was left by a crash.
IDEMPOTENCY_LEASE_SECONDS = env_int("IDEMPOTENCY_LEASE_SECONDS", 60)

REST_FRAMEWORK = {
    **kit.REST_FRAMEWORK,
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "config.authentication.JWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "musica_kit.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "musica_kit.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "notes.pagination.NotePagination",
    "DEFAULT_THROTTLE_RATES": {
        "login": env_str("THROTTLE_LOGIN", "10/min"),
        "register": env_str("THROTTLE_REGISTER", "20/hour"),
        # Per user: each write may cost a search from the Spotify quota all users share.
        "notes_write": env_rate("NOTES_WRITE_RATE", "30/min"),
    },
    # Not DRF's None, which trusts any X-Forwarded-For a client sends.
    "NUM_PROXIES": env_int("NUM_PROXIES", 0),
}

JWT_SIGNING_KEY = env_required(
    "JWT_SIGNING_KEY", dev_default="dev-only-jwt-signing-key-not-for-production-0123456789", debug=kit.DEBUG
)
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env_int("JWT_ACCESS_MINUTES", 15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env_int("JWT_REFRESH_DAYS", 7)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "ALGORITHM": "HS256",
    "SIGNING_KEY": JWT_SIGNING_KEY,
    "ISSUER": env_str("JWT_ISSUER", "musica-auth"),
    "AUDIENCE": env_str("JWT_AUDIENCE", "musica"),
    "CHECK_USER_IS_ACTIVE": True,
    "TOKEN_REFRESH_SERIALIZER": "config.jwt.TokenRefreshSerializer",
}

_OPENAPI_TEXT = tomllib.loads((BASE_DIR / "config" / "openapi.toml").read_text(encoding="utf-8"))
SPECTACULAR_SETTINGS = {
    **kit.SPECTACULAR_SETTINGS,
    "TITLE": _OPENAPI_TEXT["title"],
    "DESCRIPTION": _OPENAPI_TEXT["description"],
    "TAGS": _OPENAPI_TEXT["tags"],
    # The form parsers are for the browsable API only.
    "PARSER_WHITELIST": ["rest_framework.parsers.JSONParser"],
}
