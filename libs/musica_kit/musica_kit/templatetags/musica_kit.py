"""Template helpers for the Spanish browsable API (templates/rest_framework/)."""

from django import template

register = template.Library()

STATUS_TEXT = {
    200: "Correcto",
    201: "Creado",
    204: "Sin contenido",
    400: "Petición no válida",
    401: "No autenticado",
    403: "Prohibido",
    404: "No encontrado",
    405: "Método no permitido",
    406: "No aceptable",
    409: "Conflicto",
    413: "Cuerpo demasiado grande",
    415: "Tipo de contenido no soportado",
    422: "Entidad no procesable",
    429: "Demasiadas peticiones",
    500: "Error interno del servidor",
    502: "Puerta de enlace incorrecta",
    503: "Servicio no disponible",
}


@register.filter
def status_text_es(status_code) -> str:
    return STATUS_TEXT.get(status_code, "")
