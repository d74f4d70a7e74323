"""OpenAPI 3 (drf-spectacular): /api/schema, Swagger UI at /api/docs and ReDoc at /api/redoc.

music_service has no contrib.auth and no database (traps.md #3): drf-spectacular only needs DRF, and
the schema's one security scheme is the service token (an extension in config/schema.py). The three
pages obey the same rule as every route but /health: when MUSIC_SERVICE_TOKEN is set they need
``Authorization: Bearer <token>``, because music_service is internal; with no token set (only
possible with DJANGO_DEBUG=1) they are open. Swagger UI and ReDoc load their JavaScript from
drf-spectacular-sidecar (served by whitenoise), never from a CDN.

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
    "TITLE": "Música · music_service (interno)",
    "DESCRIPTION": (
        "Búsqueda de canciones para auth_service: Spotify cuando hay claves "
        "(`SPOTIFY_CLIENT_ID`/`SPOTIFY_CLIENT_SECRET`), si no un catálogo sin conexión. "
        "Servicio interno: no se publica.\n\n"
        "**Autenticación:** con `MUSIC_SERVICE_TOKEN` definido, toda ruta salvo `/health` (también "
        "este esquema y sus páginas) exige `Authorization: Bearer <MUSIC_SERVICE_TOKEN>`; sin él, 401.\n\n"
        '**Errores:** siempre JSON `{"error": "<mensaje>", "detalle": {...}}`.\n\n'
        "**Rutas:** todas responden con y sin barra final.\n\n"
        "**X-Request-ID:** se respeta el recibido (auth_service reenvía el suyo) o se genera uno, y "
        "vuelve en la respuesta: la misma petición se encuentra en los logs de los dos servicios."
    ),
    "VERSION": "1.0.0",
    # 3.1: a nullable nested object is oneOf [ref, null], which validators read unambiguously
    # (3.0's allOf + nullable is read as "not nullable" by some).
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its pages follow the contract: the service token whenever one is configured.
    "SERVE_PERMISSIONS": ["search.service_token.IsTrustedCaller"],
    "SERVE_AUTHENTICATION": ["search.service_token.ServiceTokenAuthentication"],
    # Docstrings are for developers (English); what the schema says is written for its users.
    "DISABLE_DOCSTRING_DESCRIPTIONS": True,
    "SCHEMA_PATH_PREFIX": "",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # validatorUrl None: no badge fetched from the public validator (nothing leaves this server).
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "persistAuthorization": True, "validatorUrl": None},
    "AUTHENTICATION_WHITELIST": ["search.service_token.ServiceTokenAuthentication"],
    "PREPROCESSING_HOOKS": ["config.schema.drop_slash_variants"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.schema.drop_unreferenced_schemas",
        "config.schema.add_request_id_header",
    ],
    "TAGS": [
        {"name": "búsqueda", "description": "Buscar canciones (para auth_service)."},
        {"name": "salud", "description": "Vida (`/health`) y disponibilidad (`/ready`) de la fuente."},
    ],
}
