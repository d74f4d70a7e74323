"""OpenAPI 3 (drf-spectacular): /api/schema, Swagger UI at /api/docs and ReDoc at /api/redoc.

Swagger UI and ReDoc load their JavaScript from drf-spectacular-sidecar's static files (served by
whitenoise), never from a CDN, so the pages render on a machine without internet. The kit's
template drf_spectacular/redoc.html drops the Google Fonts links of the stock ReDoc page (the kit
is an installed app, so its templates are found).
"""


def spectacular(
    *,
    installed_apps: list,
    rest_framework: dict,
    title: str,
    description: str,
    tags: list[dict],
    authentication: list[str],
    **extra,
) -> dict:
    """Adds drf-spectacular to the given app list and DRF settings (in place); returns its settings."""
    # The kit before DRF and drf-spectacular: its templates (rest_framework/*.html in Spanish,
    # drf_spectacular/redoc.html) must win over theirs.
    if "musica_kit" not in installed_apps:
        before = (
            installed_apps.index("rest_framework")
            if "rest_framework" in installed_apps
            else len(installed_apps)
        )
        installed_apps.insert(before, "musica_kit")
    for app in ("drf_spectacular", "drf_spectacular_sidecar"):
        if app not in installed_apps:
            installed_apps.append(app)
    rest_framework["DEFAULT_SCHEMA_CLASS"] = "drf_spectacular.openapi.AutoSchema"
    return {
        "TITLE": title,
        "DESCRIPTION": description,
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
        "TAGS": tags,
        **extra,
    }
