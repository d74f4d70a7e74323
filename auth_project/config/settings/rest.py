"""DRF, SimpleJWT and drf-spectacular: JWT for clients, session login for the browsable API."""

import tomllib
from datetime import timedelta

from musica_kit.env import env_int, env_rate, env_required, env_str

from .base import BASE_DIR, DEBUG

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
    # Counted by config/ratelimit.py.
    "DEFAULT_THROTTLE_RATES": {
        "login": env_str("THROTTLE_LOGIN", "10/min"),
        "register": env_str("THROTTLE_REGISTER", "20/hour"),
        # Per user, on POST/PUT/PATCH /notas: each write may cost a Spotify search, and one account
        # must not spend the quota every user shares.
        "notes_write": env_rate("NOTES_WRITE_RATE", "30/min"),
    },
    # 0: REMOTE_ADDR only. DRF's None would take the whole X-Forwarded-For as the address, and a
    # client sending a new one per request would never be limited. Behind N proxies: NUM_PROXIES=N.
    "NUM_PROXIES": env_int("NUM_PROXIES", 0),
}

JWT_SIGNING_KEY = env_required(
    "JWT_SIGNING_KEY", dev_default="dev-only-jwt-signing-key-not-for-production-0123456789", debug=DEBUG
)
SIMPLE_JWT = {  # with SimpleJWT's defaults: Bearer, the user_id claim, no leeway, last_login untouched
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env_int("JWT_ACCESS_MINUTES", 15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env_int("JWT_REFRESH_DAYS", 7)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "ALGORITHM": "HS256",
    "SIGNING_KEY": JWT_SIGNING_KEY,
    "ISSUER": env_str("JWT_ISSUER", "musica-auth"),
    "AUDIENCE": env_str("JWT_AUDIENCE", "musica"),
    # Each request loads the user: deactivated or deleted users are refused at once (401).
    "CHECK_USER_IS_ACTIVE": True,
    "TOKEN_REFRESH_SERIALIZER": "config.jwt.TokenRefreshSerializer",
}

# /api/schema, /api/docs, /api/redoc. Title, description and tags are written for the schema's
# readers in config/openapi.toml.
_OPENAPI_TEXT = tomllib.loads((BASE_DIR / "config" / "openapi.toml").read_text(encoding="utf-8"))
SPECTACULAR_SETTINGS = {
    "TITLE": _OPENAPI_TEXT["title"],
    "DESCRIPTION": _OPENAPI_TEXT["description"],
    "TAGS": _OPENAPI_TEXT["tags"],
    "VERSION": "1.0.0",
    # 3.1: a nullable nested object is oneOf [ref, null], which validators read unambiguously.
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Docstrings are for developers (English); what the schema says is written for its users.
    "DISABLE_DOCSTRING_DESCRIPTIONS": True,
    "SCHEMA_PATH_PREFIX": "",
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI and ReDoc from drf-spectacular-sidecar's static files, never from a CDN; no
    # validator badge fetched either.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "persistAuthorization": True, "validatorUrl": None},
    "AUTHENTICATION_WHITELIST": REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"],
    "PREPROCESSING_HOOKS": ["musica_kit.schema.drop_slash_variants"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "musica_kit.schema.drop_unreferenced_schemas",
        "musica_kit.schema.add_request_id_header",
    ],
    # Only JSON is documented: the form parsers exist for the browsable API's HTML forms.
    "PARSER_WHITELIST": ["rest_framework.parsers.JSONParser"],
}
