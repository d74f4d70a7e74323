"""music_service's OpenAPI settings (/api/schema, /api/docs, /api/redoc): the text is config/openapi.toml.

music_service has no contrib.auth and no database (traps.md #3): drf-spectacular only needs DRF, and
the schema's one security scheme is the service token (an extension in config/schema.py). The three
pages obey the same rule as every route but /health: when MUSIC_SERVICE_TOKEN is set they need
``Authorization: Bearer <token>``, because music_service is internal; with no token set (only
possible with DJANGO_DEBUG=1) they are open. Swagger UI and ReDoc load their JavaScript from
drf-spectacular-sidecar (served by whitenoise), never from a CDN.
"""

import tomllib

from .base import BASE_DIR

# Title, description and tags are written for the schema's readers in a TOML file (easier to keep
# there than in Python strings).
_TEXT = tomllib.loads((BASE_DIR / "config" / "openapi.toml").read_text(encoding="utf-8"))

SPECTACULAR_SETTINGS = {
    "TITLE": _TEXT["title"],
    "DESCRIPTION": _TEXT["description"],
    "TAGS": _TEXT["tags"],
    "VERSION": "1.0.0",
    # 3.1: a nullable nested object is oneOf [ref, null], which validators read unambiguously
    # (3.0's allOf + nullable is read as "not nullable" by some).
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Docstrings are for developers (English); what the schema says is written for its users.
    "DISABLE_DOCSTRING_DESCRIPTIONS": True,
    "SCHEMA_PATH_PREFIX": "",
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI and ReDoc from drf-spectacular-sidecar's static files, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # validatorUrl None: no badge fetched from the public validator (nothing leaves this server).
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "persistAuthorization": True, "validatorUrl": None},
    "AUTHENTICATION_WHITELIST": ["search.service_token.ServiceTokenAuthentication"],
    "PREPROCESSING_HOOKS": ["musica_kit.schema.drop_slash_variants"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "musica_kit.schema.drop_unreferenced_schemas",
        "musica_kit.schema.add_request_id_header",
    ],
    # The schema and its pages follow the contract: the service token whenever one is configured.
    "SERVE_PERMISSIONS": ["search.service_token.IsTrustedCaller"],
    "SERVE_AUTHENTICATION": ["search.service_token.ServiceTokenAuthentication"],
}
