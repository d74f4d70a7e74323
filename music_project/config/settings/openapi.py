"""music_service's OpenAPI settings (/api/schema, /api/docs, /api/redoc): the text is config/openapi.toml.

music_service has no contrib.auth and no database (traps.md #3): drf-spectacular only needs DRF, and
the schema's one security scheme is the service token (an extension in config/schema.py). The three
pages obey the same rule as every route but /health: when MUSIC_SERVICE_TOKEN is set they need
``Authorization: Bearer <token>``, because music_service is internal; with no token set (only
possible with DJANGO_DEBUG=1) they are open. Swagger UI and ReDoc load their JavaScript from
drf-spectacular-sidecar (served by whitenoise), never from a CDN.
"""

from musica_kit.settings import spectacular

from .base import BASE_DIR

SPECTACULAR_SETTINGS = spectacular(
    BASE_DIR / "config" / "openapi.toml",
    authentication=["search.service_token.ServiceTokenAuthentication"],
    # The schema and its pages follow the contract: the service token whenever one is configured.
    SERVE_PERMISSIONS=["search.service_token.IsTrustedCaller"],
    SERVE_AUTHENTICATION=["search.service_token.ServiceTokenAuthentication"],
)
