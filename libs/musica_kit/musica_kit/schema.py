"""OpenAPI pieces both services share: the error shape, error responses and drf-spectacular hooks."""

import json

from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import serializers

from .request_context import REQUEST_ID_HEADER, VALID_REQUEST_ID


class ErrorSerializer(serializers.Serializer):
    error = serializers.CharField(help_text="Mensaje para una persona, en español.")
    detalle = serializers.DictField(
        help_text="Errores por campo (`{campo: [mensajes]}`, `non_field_errors` para los generales) en "
        "un 400; datos del error en otros casos (`motivo`, `reintentar_en_segundos`…); `{}` si no hay "
        "más que decir."
    )


class ThrottledDetailSerializer(serializers.Serializer):
    reintentar_en_segundos = serializers.IntegerField(
        help_text="Segundos que faltan para poder repetir (lo mismo que `Retry-After`)."
    )


class ThrottledSerializer(serializers.Serializer):
    error = serializers.CharField(help_text="Mensaje para una persona, en español, con la espera.")
    detalle = ThrottledDetailSerializer(help_text="Cuánto esperar.")


def throttled_response(description: str, *examples: OpenApiExample) -> OpenApiResponse:
    return OpenApiResponse(ThrottledSerializer, description=description, examples=list(examples))


def error_response(description: str, *examples: OpenApiExample) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description, examples=list(examples))


def error_example(name: str, error: str, detalle: dict | None = None) -> OpenApiExample:
    return OpenApiExample(name, value={"error": error, "detalle": detalle or {}}, response_only=True)


def drop_slash_variants(endpoints):
    """Routes match ``/x`` and ``/x/``: document the form without the slash."""
    return [(path.rstrip("/") or "/", *rest) for path, *rest in endpoints]


def drop_unreferenced_schemas(result, generator, request, public):
    """Remove components nothing points to (e.g. the request form of a response-only serializer)."""
    schemas = result.get("components", {}).get("schemas", {})
    text = json.dumps(result)
    while unused := [name for name in schemas if f'"#/components/schemas/{name}"' not in text]:
        for name in unused:
            del schemas[name]
        text = json.dumps(result)
    return result


def add_request_id_header(result, generator, request, public):
    """Every operation accepts ``X-Request-ID`` and every response carries it back."""
    components = result.setdefault("components", {})
    components.setdefault("parameters", {})["RequestId"] = {
        "name": REQUEST_ID_HEADER,
        "in": "header",
        "required": False,
        "description": "Identificador de la petición para seguirla en los logs de auth_service y "
        "music_service (auth reenvía el suyo a music). Si falta o no es válido (`[A-Za-z0-9._:-]{1,128}`) "
        "se genera uno.",
        "schema": {"type": "string", "pattern": VALID_REQUEST_ID.pattern},
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
