from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object

from musica_kit.schema import error_example, error_response


class ServiceTokenScheme(OpenApiAuthenticationExtension):
    target_class = "search.service_token.ServiceTokenAuthentication"
    name = "serviceToken"

    def get_security_definition(self, auto_schema):
        scheme = build_bearer_security_scheme_object(
            header_name="HTTP_AUTHORIZATION", token_prefix=self.target.keyword
        )
        scheme["description"] = (
            "El secreto compartido `MUSIC_SERVICE_TOKEN` (el mismo en auth_service). Obligatorio: sin "
            "él music_service no arranca; solo en desarrollo (`DJANGO_DEBUG=1`) puede quedar vacío, "
            "y entonces no se comprueba."
        )
        return scheme


UNAUTHORIZED = error_response(
    "`MUSIC_SERVICE_TOKEN` está definido y la petición no trae ese token (o trae otro).",
    error_example("sin token", "Las credenciales de autenticación no se proveyeron."),
    error_example("token incorrecto", "Token de servicio no válido."),
)
