"""OpenAPI 3 (drf-spectacular): /api/schema, Swagger UI at /api/docs and ReDoc at /api/redoc.

music_service has no contrib.auth and no database (traps.md #3): drf-spectacular only needs DRF, and
the schema's one security scheme is the service token (an extension in config/schema.py). The three
pages obey the same rule as every route but /health: when MUSIC_SERVICE_TOKEN is set they need
``Authorization: Bearer <token>``, because music_service is internal; with no token set (only
possible with DJANGO_DEBUG=1) they are open. Swagger UI and ReDoc load their JavaScript from
drf-spectacular-sidecar (served by whitenoise), never from a CDN.

What both services share (sidecar assets, hooks, the ReDoc template) is musica_kit.settings.spectacular;
this module only says what is this service's own. It adds to the lists and dicts that base/rest define
(in place), so the order of the imports in ``config/settings/__init__.py`` does not matter.
"""

from musica_kit.settings import spectacular

from .base import INSTALLED_APPS
from .rest import REST_FRAMEWORK

__all__ = ["SPECTACULAR_SETTINGS"]

SPECTACULAR_SETTINGS = spectacular(
    installed_apps=INSTALLED_APPS,
    rest_framework=REST_FRAMEWORK,
    title="Música · music_service (interno)",
    description=(
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
    tags=[
        {"name": "búsqueda", "description": "Buscar canciones (para auth_service)."},
        {"name": "salud", "description": "Vida (`/health`) y disponibilidad (`/ready`) de la fuente."},
    ],
    authentication=["search.service_token.ServiceTokenAuthentication"],
    # The schema and its pages follow the contract: the service token whenever one is configured.
    SERVE_PERMISSIONS=["search.service_token.IsTrustedCaller"],
    SERVE_AUTHENTICATION=["search.service_token.ServiceTokenAuthentication"],
)
