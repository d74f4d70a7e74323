"""OpenAPI 3 (drf-spectacular): /api/schema, Swagger UI at /api/docs and ReDoc at /api/redoc.

Swagger UI and ReDoc load their JavaScript from drf-spectacular-sidecar's static files (served by
whitenoise), never from a CDN, so the pages render on a machine without internet. The kit's
template drf_spectacular/redoc.html drops the Google Fonts links of the stock ReDoc page (the kit
is the first installed app, so its templates win).
"""

import tomllib
from pathlib import Path


def spectacular(description_file: Path, *, authentication: list[str], **extra) -> dict:
    """SPECTACULAR_SETTINGS: the title, description and tags a service writes for its users (a TOML
    file: text is easier to keep there than in Python strings), with what both services share."""
    text = tomllib.loads(description_file.read_text(encoding="utf-8"))
    return {
        "TITLE": text["title"],
        "DESCRIPTION": text["description"],
        "TAGS": text["tags"],
        "VERSION": "1.0.0",
        # 3.1: a nullable nested object is oneOf [ref, null], which validators read unambiguously
        # (3.0's allOf + nullable is read as "not nullable" by some).
        "OAS_VERSION": "3.1.0",
        "SERVE_INCLUDE_SCHEMA": False,
        # Docstrings are for developers (English); what the schema says is written for its users.
        "DISABLE_DOCSTRING_DESCRIPTIONS": True,
        "SCHEMA_PATH_PREFIX": "",
        "COMPONENT_SPLIT_REQUEST": True,
        "SWAGGER_UI_DIST": "SIDECAR",
        "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
        "REDOC_DIST": "SIDECAR",
        # validatorUrl None: no badge fetched from the public validator (nothing leaves this server).
        "SWAGGER_UI_SETTINGS": {"deepLinking": True, "persistAuthorization": True, "validatorUrl": None},
        "AUTHENTICATION_WHITELIST": authentication,
        "PREPROCESSING_HOOKS": ["musica_kit.schema.drop_slash_variants"],
        "POSTPROCESSING_HOOKS": [
            "drf_spectacular.hooks.postprocess_schema_enums",
            "musica_kit.schema.drop_unreferenced_schemas",
            "musica_kit.schema.add_request_id_header",
        ],
        **extra,
    }
