"""DRF, SimpleJWT and drf-spectacular."""

import tomllib
from datetime import timedelta

from musica_kit import settings as kit
from musica_kit.env import env_int, env_rate, env_required, env_str

from .base import BASE_DIR, DEBUG

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
    "JWT_SIGNING_KEY", dev_default="dev-only-jwt-signing-key-not-for-production-0123456789", debug=DEBUG
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

# Texts for the schema's readers are in config/openapi.toml.
_OPENAPI_TEXT = tomllib.loads((BASE_DIR / "config" / "openapi.toml").read_text(encoding="utf-8"))
SPECTACULAR_SETTINGS = {
    **kit.SPECTACULAR_SETTINGS,
    "TITLE": _OPENAPI_TEXT["title"],
    "DESCRIPTION": _OPENAPI_TEXT["description"],
    "TAGS": _OPENAPI_TEXT["tags"],
    # The form parsers are for the browsable API only.
    "PARSER_WHITELIST": ["rest_framework.parsers.JSONParser"],
}
