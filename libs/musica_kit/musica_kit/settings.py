"""Settings both services share; each project's config/settings/base.py star-imports them first."""

from pathlib import Path

from csp import constants as csp

import musica_kit.csp
import musica_kit.track
from musica_kit.env import env_bool, env_int, env_list, env_str

DEBUG = env_bool("DJANGO_DEBUG")
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
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "musica_kit.storage.StaticFilesStorage"},
}

DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

# Django's defaults already send nosniff, X-Frame-Options: DENY and HttpOnly session cookies.
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

# The HTML pages' policy; musica_kit.csp sends a stricter one with everything else.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF, csp.NONCE, "'report-sample'"],
        "style-src": [csp.SELF, csp.NONCE, "'report-sample'"],
        "style-src-attr": ["'unsafe-hashes'", *musica_kit.csp.DRF_STYLE_HASHES],
        # data: for the offline catalog's covers and admin icons.
        "img-src": [csp.SELF, "data:", *musica_kit.track.COVER_HOSTS],
        "font-src": [csp.SELF, "data:"],
        "connect-src": [csp.SELF],
        "object-src": [csp.NONE],
        "base-uri": [csp.NONE],
        "form-action": [csp.SELF],
        "frame-ancestors": [csp.NONE],
    }
}

# /metrics exists only with it.
METRICS_TOKEN = env_str("METRICS_TOKEN")
LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()

# Each project adds its authentication, permissions and parsers.
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "musica_kit.errors.api_exception_handler",
    "VIEW_NAME_FUNCTION": "musica_kit.views.view_name",
    "VIEW_DESCRIPTION_FUNCTION": "musica_kit.views.view_description",
}

# Each project adds its title, description and tags (its config/openapi.toml).
SPECTACULAR_SETTINGS = {
    "VERSION": "1.0.0",
    # 3.1: a nullable nested object is an unambiguous oneOf [ref, null].
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Docstrings are English, for developers.
    "DISABLE_DOCSTRING_DESCRIPTIONS": True,
    "COMPONENT_SPLIT_REQUEST": True,
    # No CDN and no validator badge: the docs work offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "persistAuthorization": True, "validatorUrl": None},
    "PREPROCESSING_HOOKS": ["musica_kit.schema.drop_slash_variants"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "musica_kit.schema.drop_unreferenced_schemas",
        "musica_kit.schema.add_request_id_header",
    ],
}
