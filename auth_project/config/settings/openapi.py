"""OpenAPI 3 (drf-spectacular): /api/schema, Swagger UI at /api/docs and ReDoc at /api/redoc.

Swagger UI and ReDoc load their JavaScript from drf-spectacular-sidecar's static files (served by
whitenoise), never from a CDN, so the pages render on a machine without internet.

This module only adds to the lists and dicts that base/rest define (in place), so the order of
the imports in ``config/settings/__init__.py`` does not matter.
"""

from .base import BASE_DIR, INSTALLED_APPS, TEMPLATES
from .rest import REST_FRAMEWORK

__all__ = ["SPECTACULAR_SETTINGS"]

for _app in ("drf_spectacular", "drf_spectacular_sidecar"):
    if _app not in INSTALLED_APPS:
        INSTALLED_APPS.append(_app)

REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"] = "drf_spectacular.openapi.AutoSchema"

# config/templates/drf_spectacular/redoc.html drops the Google Fonts links of the stock ReDoc page.
_TEMPLATE_DIR = BASE_DIR / "config" / "templates"
if _TEMPLATE_DIR not in TEMPLATES[0]["DIRS"]:
    TEMPLATES[0]["DIRS"].append(_TEMPLATE_DIR)

SPECTACULAR_SETTINGS = {
    "TITLE": "Música · auth_service",
    "DESCRIPTION": (
        "Cuentas (registro, login con JWT, refresco, logout) y notas sobre canciones. "
        "Al crear o cambiar la canción de una nota, auth_service pide a music_service la portada "
        "y los datos de la canción.\n\n"
        "**Autenticación:** `Authorization: Bearer <access>` con el token `access` de `POST /login` "
        "(o la sesión de Django en la API navegable, `/api-auth/login/`).\n\n"
        '**Errores:** siempre JSON `{"error": "<mensaje>", "detalle": {<campo>: [<errores>]}}`.\n\n'
        "**Rutas:** todas responden con y sin barra final (`/notas` y `/notas/`).\n\n"
        "**X-Request-ID:** cada respuesta lo incluye; si lo envías (`[A-Za-z0-9._:-]`, hasta 128), "
        "se respeta y se reenvía a music_service, así una petición se sigue en los logs de ambos."
    ),
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
    "AUTHENTICATION_WHITELIST": [
        "config.authentication.JWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Only JSON is documented: the form parsers exist for the browsable API's HTML forms.
    "PARSER_WHITELIST": ["rest_framework.parsers.JSONParser"],
    "PREPROCESSING_HOOKS": ["config.schema.drop_slash_variants"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.schema.drop_unreferenced_schemas",
        "config.schema.add_request_id_header",
    ],
    "TAGS": [
        {"name": "cuentas", "description": "Registro, login (JWT), refresco, logout y el usuario actual."},
        {"name": "notas", "description": "Las notas del usuario autenticado (solo las suyas)."},
        {"name": "salud", "description": "Vida (`/health`) y disponibilidad (`/ready`) del proceso."},
    ],
}
