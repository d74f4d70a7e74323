"""Pieces of the OpenAPI description shared by every view (settings: config/settings/openapi.py).

Views describe themselves with ``extend_schema``; this module holds what they share: the error
shape, the common error responses, and two hooks (paths shown without the optional trailing
slash; the ``X-Request-ID`` header on every operation).
"""

import json

from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import serializers

from .request_context import REQUEST_ID_HEADER


class ErrorSerializer(serializers.Serializer):
    """Every error of auth_service, whatever the status (see config/errors.py)."""

    error = serializers.CharField(help_text="Mensaje para una persona, en español.")
    detalle = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Errores por campo (`{campo: [mensajes]}`, `non_field_errors` para los generales); "
        "`{}` cuando el error no es de un campo.",
    )

    class Meta:
        ref_name = "Error"


class _RetryAfterSerializer(serializers.Serializer):
    reintentar_en_segundos = serializers.IntegerField(
        help_text="Segundos que faltan para poder repetir (lo mismo que `Retry-After`)."
    )

    class Meta:
        ref_name = "ThrottledDetail"


class ThrottledSerializer(serializers.Serializer):
    """A 429: the error shape, with the wait in ``detalle`` (config/errors.py)."""

    error = serializers.CharField(help_text="Mensaje para una persona, en español, con la espera.")
    detalle = _RetryAfterSerializer(help_text="Cuánto esperar.")

    class Meta:
        ref_name = "Throttled"


def throttled_response(description: str, *examples: OpenApiExample) -> OpenApiResponse:
    return OpenApiResponse(ThrottledSerializer, description=description, examples=list(examples))


def error_response(description: str, *examples: OpenApiExample) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description, examples=list(examples))


def _example(name: str, error: str, detalle: dict | None = None) -> OpenApiExample:
    return OpenApiExample(name, value={"error": error, "detalle": detalle or {}}, response_only=True)


def validation_error(field: str) -> OpenApiResponse:
    return error_response(
        "Datos no válidos o JSON mal formado; `detalle` dice qué campo falla.",
        _example("campo obligatorio", "Datos no válidos.", {field: ["Este campo es requerido."]}),
        _example("JSON mal formado", "JSON parse error - Expecting value: line 1 column 1 (char 0)"),
    )


UNAUTHORIZED = error_response(
    "Falta `Authorization: Bearer <access>`, o el token no es válido o caducó.",
    _example("sin token", "Las credenciales de autenticación no se proveyeron."),
)
NOT_FOUND = error_response(
    "No existe, o es de otra persona (una nota ajena responde igual que una inexistente).",
    _example("no encontrada", "No encontrado."),
)
THROTTLED = throttled_response(
    "Demasiados intentos seguidos; la cabecera `Retry-After` dice cuántos segundos esperar.",
    _example(
        "limitado",
        "Solicitud fue regulada (throttled). Se espera que esté disponible en 42 segundos.",
        {"reintentar_en_segundos": 42},
    ),
)


def drop_slash_variants(endpoints):
    """Routes match ``/notas`` and ``/notas/`` (regex ``/?``); document the form without the slash."""
    return [
        (path.rstrip("/") or "/", path_regex, method, callback)
        for path, path_regex, method, callback in endpoints
    ]


def drop_unreferenced_schemas(result, generator, request, public):
    """Remove components nothing points to (e.g. the request form of a read-only nested serializer)."""
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
        "description": "Identificador de la petición para seguirla en los logs (auth y music). "
        "Si falta o no es válido (`[A-Za-z0-9._:-]{1,128}`) se genera uno.",
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
