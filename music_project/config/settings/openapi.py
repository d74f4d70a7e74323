"""OpenAPI (/api/schema, /api/docs, /api/redoc): behind the service token like every route but
/health. Title, description and tags are written for the schema's readers in config/openapi.toml."""

import tomllib

from .base import BASE_DIR

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
    "SERVE_PERMISSIONS": ["search.service_token.IsTrustedCaller"],
    "SERVE_AUTHENTICATION": ["search.service_token.ServiceTokenAuthentication"],
}
