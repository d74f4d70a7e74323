"""DRF's parsers with Spanish errors (DRF's are untranslated); JSON nested too deep is a 400, not a 500."""

import json

from rest_framework import parsers
from rest_framework.exceptions import ParseError


def _json_error(exc: Exception | None) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"JSON no válido (línea {exc.lineno}, columna {exc.colno})."
    if isinstance(exc, UnicodeDecodeError):
        return "JSON no válido: el cuerpo no está codificado en UTF-8."
    return "JSON no válido."


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON no válido: anidamiento demasiado profundo.") from None
        except ParseError as exc:
            # __context__: json's ValueError.
            raise ParseError(_json_error(exc.__context__)) from None


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except ParseError:
            raise ParseError("Formulario multipart no válido.") from None
