"""OpenAPI 3 (drf-spectacular): /api/schema, Swagger UI at /api/docs and ReDoc at /api/redoc.

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
    title="Música · auth_service",
    description=(
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
    tags=[
        {"name": "cuentas", "description": "Registro, login (JWT), refresco, logout y el usuario actual."},
        {"name": "notas", "description": "Las notas del usuario autenticado (solo las suyas)."},
        {"name": "salud", "description": "Vida (`/health`) y disponibilidad (`/ready`) del proceso."},
    ],
    authentication=[
        "config.authentication.JWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Only JSON is documented: the form parsers exist for the browsable API's HTML forms.
    PARSER_WHITELIST=["rest_framework.parsers.JSONParser"],
)
