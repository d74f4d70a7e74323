"""auth's own OpenAPI error responses (the shared ones are musica_kit.schema)."""

from drf_spectacular.utils import OpenApiResponse

from musica_kit.schema import error_example, error_response, throttled_response


def validation_error(field: str) -> OpenApiResponse:
    return error_response(
        "Datos no válidos o JSON mal formado; `detalle` dice qué campo falla.",
        error_example("campo obligatorio", "Datos no válidos.", {field: ["Este campo es requerido."]}),
        error_example("JSON mal formado", "JSON no válido (línea 1, columna 1)."),
    )


UNAUTHORIZED = error_response(
    "Falta `Authorization: Bearer <access>`, o el token no es válido o caducó.",
    error_example("sin token", "Las credenciales de autenticación no se proveyeron."),
)
NOT_FOUND = error_response(
    "No existe, o es de otra persona (una nota ajena responde igual que una inexistente).",
    error_example("no encontrada", "No encontrado."),
)
THROTTLED = throttled_response(
    "Demasiados intentos seguidos; la cabecera `Retry-After` dice cuántos segundos esperar.",
    error_example(
        "limitado",
        "Solicitud fue regulada (throttled). Se espera que esté disponible en 42 segundos.",
        {"reintentar_en_segundos": 42},
    ),
)
