"""auth_service's OpenAPI settings (/api/schema, /api/docs, /api/redoc); the text is config/openapi.toml.

The kit's template drf_spectacular/redoc.html drops the Google Fonts links of the stock ReDoc page
(the kit is the first installed app, so its templates win).
"""

import tomllib

from .base import BASE_DIR
from .rest import REST_FRAMEWORK

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
    # The schemes a client may use: the JWT (API clients) and the session (the browsable API).
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
