"""music_service's settings: apps, middleware, cache, logs, DRF, OpenAPI, providers (shared: musica_kit)."""

import tomllib
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from musica_kit import settings as kit
from musica_kit.env import env_float, env_int, env_list, env_required, env_str
from musica_kit.settings import *  # noqa: F403
from musica_kit.track import SOURCES as _SOURCES

BASE_DIR = Path(__file__).resolve().parents[2]
SECRET_KEY = env_required(
    "DJANGO_SECRET_KEY", dev_default="dev-only-music-secret-key-not-for-production", debug=kit.DEBUG
)
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")

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

# Shared with auth_service; empty (only with DJANGO_DEBUG=1) disables the check.
MUSIC_SERVICE_TOKEN = env_str("MUSIC_SERVICE_TOKEN")
REQUIRED_SECRETS = {"DJANGO_SECRET_KEY": "SECRET_KEY", "MUSIC_SERVICE_TOKEN": "MUSIC_SERVICE_TOKEN"}

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
SEARCH_CACHE_FAILOVER_TTL = env_int("SEARCH_CACHE_FAILOVER_TTL", 5 * 60)
# The longest max-age a /search answer gives its caller (0: always no-store).
SEARCH_HTTP_MAX_AGE = env_int("SEARCH_HTTP_MAX_AGE", 60 * 60)

SERVICE_NAME = "music"
LOG_REDACT_SETTINGS = ("SECRET_KEY", "MUSIC_SERVICE_TOKEN", "SPOTIFY_CLIENT_SECRET", "METRICS_TOKEN")
LOG_REDACT_HOOK = "search.providers.spotify.secrets_for_logs"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "musica_kit.request_context.JsonFormatter", "service": SERVICE_NAME}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["stdout"], "level": kit.LOG_LEVEL},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        "spotipy": {"level": "CRITICAL"},
        "urllib3": {"level": "WARNING"},
    },
}

# No contrib.auth: no user model, no ContentType, only the service-token check.
REST_FRAMEWORK = {
    **kit.REST_FRAMEWORK,
    "UNAUTHENTICATED_USER": None,
    "UNAUTHENTICATED_TOKEN": None,
    "DEFAULT_AUTHENTICATION_CLASSES": ["search.service_token.ServiceTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["search.service_token.IsTrustedCaller"],
    "DEFAULT_PARSER_CLASSES": ["musica_kit.parsers.JSONParser"],
}

# OpenAPI, behind the service token; its texts for readers are in config/openapi.toml.
_TEXT = tomllib.loads((BASE_DIR / "config" / "openapi.toml").read_text(encoding="utf-8"))
SPECTACULAR_SETTINGS = {
    **kit.SPECTACULAR_SETTINGS,
    "TITLE": _TEXT["title"],
    "DESCRIPTION": _TEXT["description"],
    "TAGS": _TEXT["tags"],
    "SERVE_PERMISSIONS": ["search.service_token.IsTrustedCaller"],
}

# Who music_service asks, in which order (empty: search.providers.chain_names), and how politely.
MUSIC_PROVIDERS = env_list("MUSIC_PROVIDERS", "")
DEEZER_API_URL = env_str("DEEZER_API_URL", "https://api.deezer.com")
ITUNES_API_URL = env_str("ITUNES_API_URL", "https://itunes.apple.com")
ITUNES_COUNTRY = env_str("ITUNES_COUNTRY", "US")

# Short timeouts: another provider is ready to answer.
PROVIDER_CONNECT_TIMEOUT = env_float("PROVIDER_CONNECT_TIMEOUT", 0.5)
PROVIDER_READ_TIMEOUT = env_float("PROVIDER_READ_TIMEOUT", 1.5)
PROVIDER_POOL_SIZE = env_int("PROVIDER_POOL_SIZE", 64)
PROVIDER_BREAKER_THRESHOLD = env_int("PROVIDER_BREAKER_THRESHOLD", 1)
PROVIDER_BREAKER_COOLDOWN = env_float("PROVIDER_BREAKER_COOLDOWN", 30.0)
# auth_service's MUSIC_READ_TIMEOUT (3 s) must not run out.
PROVIDER_CHAIN_BUDGET = env_float("PROVIDER_CHAIN_BUDGET", 2.0)

# Published limits, "requests/seconds".
DEEZER_RATE_LIMIT = env_str("DEEZER_RATE_LIMIT", "50/5")
ITUNES_RATE_LIMIT = env_str("ITUNES_RATE_LIMIT", "20/60")

# Spotify's keys exist in this service only.
SPOTIFY_CLIENT_ID = env_str("SPOTIFY_CLIENT_ID")
SPOTIFY_CLIENT_SECRET = env_str("SPOTIFY_CLIENT_SECRET")
SPOTIFY_API_URL = env_str("SPOTIFY_API_URL", "https://api.spotify.com/v1/")
SPOTIFY_AUTH_URL = env_str("SPOTIFY_AUTH_URL", "https://accounts.spotify.com/api/token")
SPOTIFY_CONNECT_TIMEOUT = env_float("SPOTIFY_CONNECT_TIMEOUT", 1.0)
SPOTIFY_READ_TIMEOUT = env_float("SPOTIFY_READ_TIMEOUT", 2.5)
SPOTIFY_MARKET = env_str("SPOTIFY_MARKET")

if bad := [name for name in MUSIC_PROVIDERS if name not in _SOURCES] or (
    len(set(MUSIC_PROVIDERS)) != len(MUSIC_PROVIDERS) and ["(repeated)"]
):
    raise ImproperlyConfigured(
        f"MUSIC_PROVIDERS: {', '.join(bad)} not allowed; use each of {', '.join(_SOURCES)} at most once"
    )
