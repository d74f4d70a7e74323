"""DRF and SimpleJWT: JWT for clients, session login for people in the browsable API."""

from datetime import timedelta

from musica_kit.env import env_int, env_rate, env_required, env_str

from .base import DEBUG

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "config.authentication.JWTAuthentication",  # SimpleJWT's, 401 (not 500) on a bad user id
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "musica_kit.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "musica_kit.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "notes.pagination.NotePagination",
    "EXCEPTION_HANDLER": "musica_kit.errors.api_exception_handler",
    # Views are named in Spanish (their `name`/`names`), never after their class or docstring.
    "VIEW_NAME_FUNCTION": "musica_kit.views.view_name",
    "VIEW_DESCRIPTION_FUNCTION": "musica_kit.views.view_description",
    "DEFAULT_THROTTLE_RATES": {
        "login": env_str("THROTTLE_LOGIN", "10/min"),
        "register": env_str("THROTTLE_REGISTER", "20/hour"),
        # Per user, on POST/PUT/PATCH /notas only: each write may cost a Spotify search, and one
        # account must not spend the quota every user shares (notes/throttling.py).
        "notes_write": env_rate("NOTES_WRITE_RATE", "30/min"),
    },
    # Throttles count per client address. 0: REMOTE_ADDR only, X-Forwarded-For ignored (DRF's
    # None would take the whole header as the address: a client sending a new one per request
    # would never be throttled). Behind N trusted proxies set NUM_PROXIES=N.
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
    "UPDATE_LAST_LOGIN": False,
    "ALGORITHM": "HS256",
    "SIGNING_KEY": JWT_SIGNING_KEY,
    "ISSUER": env_str("JWT_ISSUER", "musica-auth"),
    "AUDIENCE": env_str("JWT_AUDIENCE", "musica"),
    "AUTH_HEADER_TYPES": ("Bearer",),
    # Each request loads the user: deactivated or deleted users are refused at once (401).
    "CHECK_USER_IS_ACTIVE": True,
    "TOKEN_REFRESH_SERIALIZER": "config.jwt.TokenRefreshSerializer",
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
    "LEEWAY": 0,
}
