"""DRF's JSON parser, hardened: a body nested too deep is a 400 like any other bad JSON, not a 500."""

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            # json.loads recurses once per nesting level: "[[[[…" within 1 MiB blows the stack.
            raise ParseError("JSON no válido: anidamiento demasiado profundo.") from None
