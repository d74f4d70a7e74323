"""Pieces of the OpenAPI description shared by every view (settings: config/settings/openapi.py).

Views describe themselves with ``extend_schema``; this module holds what they share: the error
shape and common error responses, the service-token security scheme, and hooks (paths shown
without the optional trailing slash; the ``X-Request-ID`` header on every operation).
"""

import json

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import serializers

from .request_context import REQUEST_ID_HEADER


class ServiceTokenScheme(OpenApiAuthenticationExtension):
    """search.service_token.ServiceTokenAuthentication: ``Authorization: Bearer <MUSIC_SERVICE_TOKEN>``."""

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


class ErrorSerializer(serializers.Serializer):
    error = serializers.CharField(help_text="Mensaje para una persona, en español.")
    detalle = serializers.DictField(
        help_text="Detalle: errores por campo (`{campo: [mensajes]}`) en un 400, `motivo` en un 502/503; "
        "`{}` si no hay más que decir."
    )

    class Meta:
        ref_name = "Error"


def _example(name: str, error: str, detalle: dict | None = None) -> OpenApiExample:
    return OpenApiExample(name, value={"error": error, "detalle": detalle or {}}, response_only=True)


def error_response(description: str, *examples: OpenApiExample) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description, examples=list(examples))


UNAUTHORIZED = error_response(
    "`MUSIC_SERVICE_TOKEN` está definido y la petición no trae ese token (o trae otro).",
    _example("sin token", "Las credenciales de autenticación no se proveyeron."),
    _example("token incorrecto", "Token de servicio no válido."),
)


def drop_slash_variants(endpoints):
    """Routes match ``/search`` and ``/search/`` (regex ``/?``); document the form without the slash."""
    return [
        (path.rstrip("/") or "/", path_regex, method, callback)
        for path, path_regex, method, callback in endpoints
    ]


def drop_unreferenced_schemas(result, generator, request, public):
    """Remove components nothing points to (e.g. the request form of a response-only serializer)."""
    schemas = result.get("components", {}).get("schemas", {})
    while True:
        text = json.dumps(result)
        unused = [name for name in schemas if f'"#/components/schemas/{name}"' not in text]
        if not unused:
            return result
        for name in unused:
            del schemas[name]


def add_request_id_header(result, generator, request, public):
    """Every operation accepts ``X-Request-ID`` and every response carries it back."""
    components = result.setdefault("components", {})
    components.setdefault("parameters", {})["RequestId"] = {
        "name": REQUEST_ID_HEADER,
        "in": "header",
        "required": False,
        "description": "Identificador de la petición para seguirla en los logs; auth_service envía el "
        "suyo. Si falta o no es válido (`[A-Za-z0-9._:-]{1,128}`) se genera uno.",
        "schema": {"type": "string", "pattern": r"^[A-Za-z0-9._:-]{1,128}$"},
    }
    components.setdefault("headers", {})["RequestId"] = {
        "description": "El identificador de esta petición (el recibido o uno nuevo).",
        "schema": {"type": "string"},
    }
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            operation.setdefault("parameters", []).append({"$ref": "#/components/parameters/RequestId"})
            for response in operation.get("responses", {}).values():
                response.setdefault("headers", {})[REQUEST_ID_HEADER] = {
                    "$ref": "#/components/headers/RequestId"
                }
    return result
