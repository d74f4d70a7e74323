"""auth_service's OpenAPI settings (/api/schema, /api/docs, /api/redoc): the text is config/openapi.toml,
the rest musica_kit.settings.spectacular."""

from musica_kit.settings import spectacular

from .base import BASE_DIR
from .rest import REST_FRAMEWORK

SPECTACULAR_SETTINGS = spectacular(
    BASE_DIR / "config" / "openapi.toml",
    # The schemes a client may use: the JWT (API clients) and the session (the browsable API).
    authentication=REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"],
    # Only JSON is documented: the form parsers exist for the browsable API's HTML forms.
    PARSER_WHITELIST=["rest_framework.parsers.JSONParser"],
)
