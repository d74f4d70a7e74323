"""OpenAPI, behind the service token; its texts for readers are in config/openapi.toml."""

import tomllib

from .base import BASE_DIR

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
